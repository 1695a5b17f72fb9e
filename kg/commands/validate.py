"""``kg validate``: SHACL-validate the built graph; exit 1 on violations."""

from __future__ import annotations

import argparse
from pathlib import Path

from kg.commands import add_out_option
from kg.progress import QUIET, ConsoleProgress
from kg.store import GraphStore
from kg.validate import ENGINES, validate


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("validate", help="check the graph against the SHACL shapes (ontology/shapes.ttl)",
                       description="Check the built graph against the SHACL shapes of ontology/shapes.ttl, with "
                                   "RDFS inference from the ontology. Exit status 1 when there are violations.")
    add_out_option(p)
    p.add_argument("--report", type=Path, help="also write the SHACL report graph (Turtle) here")
    p.add_argument("--engine", choices=ENGINES, default="sparql",
                   help="sparql (default): the shapes compiled to SPARQL and answered by the store, minutes "
                        "for 10,000 articles; pyshacl: pySHACL on an in-memory copy, the reference, for small "
                        "graphs (22 minutes and 3.8 GB for 1,000 articles)")
    p.add_argument("-q", "--quiet", action="store_true", help="no progress, the report only")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    result = validate(GraphStore.open(args.out, read_only=True), engine=args.engine,
                      progress=QUIET if args.quiet else ConsoleProgress())
    if args.report:
        result.report.serialize(destination=str(args.report), format="turtle")
    if result.conforms:
        print("conforms: 0 SHACL violations")
        return 0
    print(result.text)
    print(f"{result.violations} SHACL violation(s)")
    return 1
