"""Loading the project's YAML data files once, with errors that name the file."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import yaml

from kg.errors import DataError
from kg.paths import PATTERNS_DIR


@cache
def load_yaml(path: Path) -> Any:
    """Parse a YAML data file; a syntax error names the file and line."""
    try:
        with open(path, encoding="utf-8") as handle:
            return yaml.safe_load(handle)
    except FileNotFoundError as exc:
        raise DataError(f"data file missing: {path}") from exc
    except yaml.YAMLError as exc:
        raise DataError(f"{path}: {exc}") from exc


def patterns(name: str) -> Any:
    """A file of ``ontology/patterns/`` by stem, e.g. ``patterns("reader")``."""
    return load_yaml(PATTERNS_DIR / f"{name}.yaml")
