"""Fixtures that drive the real external components in tests.

- :mod:`tests.support.jena`     Apache Jena's ``riot`` (Debian ``libapache-jena-java``)
- :mod:`tests.support.virtuoso` a private Virtuoso Open Source 7 instance (Debian ``virtuoso-opensource``)
- :mod:`tests.support.browser`  headless Chromium (Debian ``chromium``) driven by playwright-core

All of them raise :class:`ComponentMissing` (never skip) when the component is not installed:
``scripts/install-test-deps.sh`` installs every one of them.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
INSTALL_HINT = "run `bash scripts/install-test-deps.sh` (as root) to install the test components"


class ComponentMissing(RuntimeError):
    """A real component the tests need (Jena, Virtuoso, Chromium, node modules) is not installed."""

    def __init__(self, what: str):
        super().__init__(f"{what}: {INSTALL_HINT}")


def cache_dir() -> Path:
    """A writable cache folder shared by test runs (``$XDG_CACHE_HOME/kg-tests`` or a temp path)."""
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    for candidate in (Path(base) / "kg-tests", Path(tempfile.gettempdir()) / f"kg-tests-{os.getuid()}"):
        try:
            candidate.mkdir(parents=True, exist_ok=True)
            if os.access(candidate, os.W_OK):
                return candidate
        except OSError:
            continue
    raise RuntimeError("no writable cache directory for the test fixtures")


__all__ = ["ROOT", "INSTALL_HINT", "ComponentMissing", "cache_dir"]
