"""``kg viz``: write the interactive network view of the built graph."""

from __future__ import annotations

import argparse
from pathlib import Path

from kg.paths import DEFAULT_OUT
from kg.store import GraphStore
from kg.view import write_view


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("viz", help="write an interactive HTML network view (works offline)")
    p.add_argument("-o", "--out", type=Path, default=DEFAULT_OUT, help="the built output folder (default: out/)")
    p.add_argument("--html", type=Path, help="page to write (default: OUT/graph.html)")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    store = GraphStore.open(args.out, read_only=True)
    path = write_view(store, args.html or args.out / "graph.html")
    print(f"wrote {path}")
    return 0
