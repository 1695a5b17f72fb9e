"""``kg export``: write the built graph in an RDF format."""

from __future__ import annotations

import argparse
from pathlib import Path

from kg.commands import add_out_option
from kg.export import FORMATS, export
from kg.store import GraphStore


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("export", help="export the graph as Turtle, TriG, N-Triples or N-Quads")
    p.add_argument("file", type=Path, help="file to write; the format follows the extension (.ttl .trig .nt .nq)")
    add_out_option(p)
    p.add_argument("--format", choices=tuple(FORMATS), help="format, if the extension does not say")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    store = GraphStore.open(args.out, read_only=True)
    print(f"wrote {export(store, args.file, args.format)}")
    return 0
