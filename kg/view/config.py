"""The view's styles, limits and thresholds (``templates/view.json``) and its page templates:
data in files, read once."""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import Any


@cache
def config() -> dict[str, Any]:
    """Styles and thresholds of the view, from ``templates/view.json``."""
    return json.loads(template("view.json"))


def template(name: str) -> str:
    return (resources.files("kg") / "templates" / name).read_text(encoding="utf-8")
