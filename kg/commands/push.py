"""``kg push``: load the built graph into a store through the SPARQL 1.1 Graph Store HTTP Protocol."""

from __future__ import annotations

import argparse
import sys

from kg.commands import ENDPOINT_CREDENTIALS, add_out_option
from kg.errors import KGError
from kg.push import DEFAULT_BATCH, MERGED_GRAPH, push
from kg.query import Endpoint
from kg.store import GraphStore


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "push", help="load the built graph into a SPARQL store (Graph Store HTTP Protocol)",
        description="Send every named graph of the built graph (one per article, plus graph/entities) to a\n"
                    "store with an HTTP PUT per graph, replacing what an earlier push put there (a graph of\n"
                    "more than --batch triples: PUT its first part, POST the others); delete the project\n"
                    "graphs it no longer has; check the triple counts with COUNT queries.\n"
                    + ENDPOINT_CREDENTIALS,
        epilog="example (Virtuoso):\n"
               "  KG_ENDPOINT_USER=dba KG_ENDPOINT_PASSWORD=… kg push --endpoint http://127.0.0.1:8890/sparql \\\n"
               "      --graph-store http://127.0.0.1:8890/sparql-graph-crud-auth",
        formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--endpoint", required=True, metavar="URL",
                   help="the store's SPARQL query endpoint, for the COUNT checks (Virtuoso: …/sparql)")
    p.add_argument("--graph-store", required=True, metavar="URL",
                   help="the store's Graph Store Protocol endpoint (Virtuoso: …/sparql-graph-crud-auth)")
    add_out_option(p)
    p.add_argument("--merged", nargs="?", const=MERGED_GRAPH, metavar="IRI",
                   help=f"send the union of all graphs as one graph (default IRI: {MERGED_GRAPH})")
    p.add_argument("--batch", type=int, default=DEFAULT_BATCH, metavar="N",
                   help=f"triples a request at most (default: {DEFAULT_BATCH:,}; the merged graph of 10,000 articles "
                        "holds 12 million)")
    p.add_argument("--retries", type=int, default=3, help="extra tries when the store cannot be reached (default: 3)")
    p.add_argument("--timeout", type=float, default=300.0, help="seconds to wait for each request (default: 300)")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    if args.batch < 1:
        raise KGError(f"--batch {args.batch}: a request holds at least one triple")
    endpoint = Endpoint.from_environment(args.endpoint, retries=args.retries, timeout=args.timeout)
    store = GraphStore.open(args.out, read_only=True)
    report = push(store, endpoint, args.graph_store, merged_graph=args.merged, batch=args.batch)
    sent = report.sent
    print(f"sent {sum(g.triples for g in sent)} triples in {len(sent)} graph{'' if len(sent) == 1 else 's'} "
          f"to {args.graph_store} ({report.seconds:.2f} s)")
    for graph in report.removed:
        print(f"removed {graph} (an earlier push left it)")
    if report.unverified:
        print(f"could not verify the counts: {report.unverified}", file=sys.stderr)
    else:
        verified = [g for g in report.graphs if g.verified]
        print(f"verified with COUNT on {args.endpoint}: {sum(g.triples for g in verified)} triples "
              f"in {len(verified)} of {len(report.graphs)} graphs")
    for g in report.graphs:
        held = "" if g.stored is None else f" ({g.stored} triples)"
        if g.error:
            kept = "" if g.partial else "; the store keeps what it held there before"
            print(f"failed: {g.graph}: {g.error}{kept}{held}", file=sys.stderr)
        elif g.stored is not None and g.stored != g.triples:
            print(f"mismatch: {g.graph}: sent {g.triples} triples, the store holds {g.stored}", file=sys.stderr)
    return 0 if report.ok else 1
