"""``kg validate``: SHACL-validate the built graph; exit 1 on violations."""

from __future__ import annotations

import argparse
from pathlib import Path

from kg.commands import add_out_option
from kg.store import GraphStore
from kg.validate import validate


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("validate", help="check the graph against the SHACL shapes (ontology/shapes.ttl)")
    add_out_option(p)
    p.add_argument("--report", type=Path, help="also write the SHACL report graph (Turtle) here")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    result = validate(GraphStore.open(args.out, read_only=True))
    if args.report:
        result.report.serialize(destination=str(args.report), format="turtle")
    if result.conforms:
        print("conforms: 0 SHACL violations")
        return 0
    print(result.text)
    print(f"{result.violations} SHACL violation(s)")
    return 1
