"""``kg evaluate``: score extraction against gold annotations (precision, recall, F1)."""

from __future__ import annotations

import argparse
from pathlib import Path


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("evaluate", help="score the graph built from annotated articles against gold YAML")
    p.add_argument("gold", type=Path, help="folder of gold YAML files (see tests/gold/FORMAT.md)")
    p.add_argument("--articles", nargs="*", type=Path, help="where the articles are (default: seeds/)")
    p.add_argument("--json", type=Path, help="also write the scores as JSON here")
    p.add_argument("--by-language", action="store_true", help="add per-language tables")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from kg.evaluate import evaluate_command
    return evaluate_command(args)
