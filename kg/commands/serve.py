"""``kg serve``: a read-only SPARQL 1.1 Protocol endpoint over the built graph, on 127.0.0.1."""

from __future__ import annotations

import argparse

from kg.commands import add_out_option
from kg.serve import SparqlServer
from kg.store import GraphStore


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "serve", help="serve the built graph as a read-only SPARQL endpoint on 127.0.0.1",
        description="Answer SPARQL 1.1 Protocol queries (GET or POST) on http://127.0.0.1:PORT/sparql: "
                    "results as JSON, XML, CSV or TSV and graphs as Turtle or N-Triples, by the Accept "
                    "header. Updates are refused. Stop it with Ctrl-C.")
    add_out_option(p)
    p.add_argument("--port", type=int, default=7878, help="port to listen on (default: 7878; 0 picks a free one)")
    p.add_argument("-q", "--quiet", action="store_true", help="do not log each request on stderr")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    server = SparqlServer(GraphStore.open(args.out, read_only=True), args.port, quiet=args.quiet)
    print(f"serving {args.out} read-only at {server.url} (Ctrl-C stops)", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    return 0
