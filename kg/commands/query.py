"""``kg query``: run a named query, a .rq file or inline SPARQL on the built graph."""

from __future__ import annotations

import argparse
from pathlib import Path

from kg.errors import KGError
from kg.paths import DEFAULT_OUT
from kg.query import format_solutions, library, resolve, run as run_query
from kg.store import GraphStore


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("query", help="run SPARQL: a named query from queries/, a .rq file or a string")
    p.add_argument("query", nargs="?", help="query name (see --list), path to a .rq file, or SPARQL text")
    p.add_argument("--list", action="store_true", help="list the named queries")
    p.add_argument("-o", "--out", type=Path, default=DEFAULT_OUT, help="the built output folder (default: out/)")
    p.add_argument("--param", action="append", default=[], metavar="NAME=VALUE",
                   help="bind ?NAME to the literal VALUE (repeatable)")
    p.add_argument("-f", "--format", choices=("table", "csv", "tsv", "json", "turtle"), default="table")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    if args.list:
        for name, q in library().items():
            print(f"{name:32s} {q.summary}")
        return 0
    if not args.query:
        raise KGError("name a query, a .rq file or SPARQL text (or use --list)")
    params = {}
    for item in args.param:
        if "=" not in item:
            raise KGError(f"--param {item!r}: expected NAME=VALUE")
        name, value = item.split("=", 1)
        params[name.strip().lstrip("?$")] = value
    store = GraphStore.open(args.out, read_only=True)
    print(format_solutions(run_query(store, resolve(args.query), params), args.format))
    return 0
