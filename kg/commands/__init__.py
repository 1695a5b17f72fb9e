"""Sub-commands of ``kg``; each module adds one parser through ``register``."""

from __future__ import annotations

import argparse
from pathlib import Path

from kg.paths import DEFAULT_OUT


def add_out_option(parser: argparse.ArgumentParser) -> None:
    """``-o/--out``: the built output folder every command after ``build`` reads."""
    parser.add_argument("-o", "--out", type=Path, default=DEFAULT_OUT, help="the built output folder (default: out/)")
