"""``kg query``: run a named query, a .rq file or inline SPARQL on the built graph or an endpoint."""

from __future__ import annotations

import argparse
import sys

from kg.commands import ENDPOINT_CREDENTIALS, add_out_option
from kg.errors import KGError
from kg.query import FORMATS, Endpoint, bind, library, parse_params, render, resolve, run_local, run_remote
from kg.store import GraphStore


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "query", help="run SPARQL: a named query from queries/, a .rq file or a string",
        description="Run a SPARQL query on the built graph (default graph: the union of the named graphs)\n"
                    "or, with --endpoint, on a remote SPARQL endpoint.\n" + ENDPOINT_CREDENTIALS,
        epilog="examples:  kg query --list\n"
               "           kg query mentions --param entity=Nanning -f csv\n"
               "           kg query 'SELECT ?c WHERE { ?c a kg:Country }' --endpoint http://127.0.0.1:8890/sparql",
        formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("query", nargs="?", help="query name (see --list), path to a .rq file, or SPARQL text")
    p.add_argument("--list", action="store_true", help="list the named queries, one line each")
    add_out_option(p)
    p.add_argument("--param", action="append", default=[], metavar="NAME=VALUE",
                   help="bind ?NAME to VALUE: a string, or an IRI written <…> (repeatable)")
    p.add_argument("-f", "--format", choices=FORMATS,
                   help="output format (default: table; turtle for CONSTRUCT and DESCRIBE)")
    p.add_argument("--endpoint", metavar="URL", help="run on this SPARQL endpoint instead of the local store")
    p.add_argument("--default-graph", action="append", default=[], metavar="IRI",
                   help="read this graph as the default graph (repeatable; default: the union of all graphs)")
    p.add_argument("--retries", type=int, default=3, help="extra tries when the endpoint cannot be reached (default: 3)")
    p.add_argument("--timeout", type=float, default=60.0, help="seconds to wait for the endpoint (default: 60)")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    if args.list:
        for name, query in library().items():
            params = ", ".join(f"{p.name}{'' if p.required else '?'}" for p in query.parameters or ())
            print(f"{name:28s} {query.question}" + (f"  [{params}]" if params else ""))
        return 0
    if not args.query:
        raise KGError("name a query, a .rq file or SPARQL text (or use --list)")
    query = resolve(args.query)
    bindings = bind(query, parse_params(args.param))
    if args.endpoint:
        endpoint = Endpoint.from_environment(args.endpoint, retries=args.retries, timeout=args.timeout)
        result = run_remote(endpoint, query, bindings, args.default_graph)
    else:
        store = GraphStore.open(args.out, read_only=True)
        result = run_local(store, query, bindings, args.default_graph)
    data = render(result, args.format)
    sys.stdout.buffer.write(data if data.endswith(b"\n") or not data else data + b"\n")
    sys.stdout.flush()
    return 0
