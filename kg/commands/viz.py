"""``kg viz``: write the interactive network view of the built graph, or of a part of it."""

from __future__ import annotations

import argparse
from datetime import date
from pathlib import Path

from kg.commands import add_out_option
from kg.errors import KGError
from kg.store import GraphStore
from kg.vocab import TOP_TYPES

LANGUAGES = ("en", "nl", "vi")


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "viz", help="write an interactive HTML network view (works offline)",
        description="Write a self-contained vis.js page of the built graph: the whole graph, the result of a "
                    "CONSTRUCT query, or the neighbourhood of an entity, narrowed by type and by article. "
                    "Large views get a precomputed layout; above --max-nodes the most central part is kept.")
    add_out_option(p)
    p.add_argument("--html", type=Path, help="page to write (default: OUT/graph.html)")
    p.add_argument("--title", help="the page's title")
    what = p.add_argument_group("what to show")
    what.add_argument("--query", metavar="NAME|FILE|TEXT",
                      help="show the graph a CONSTRUCT query returns (a name from `kg query --list`, a .rq file or SPARQL)")
    what.add_argument("--param", action="append", default=[], metavar="NAME=VALUE",
                      help="a parameter of the --query (repeatable), as for `kg query`")
    what.add_argument("--focus", metavar="LABEL",
                      help="show the neighbourhood of the entity with this label (any language; case and accents ignored)")
    what.add_argument("--depth", type=int, default=1, metavar="N", help="relations from the focus (default: 1)")
    what.add_argument("--type", action="append", choices=TOP_TYPES, dest="types", default=[], metavar="TYPE",
                      help="keep only entities of this type (repeatable; the focus is kept): " + ", ".join(TOP_TYPES))
    what.add_argument("--article", metavar="STEM", help="only what this article (file stem) says")
    what.add_argument("--lang-filter", metavar="LANG", help="only what articles in this language (nl, en, vi, …) say")
    what.add_argument("--since", type=date.fromisoformat, metavar="YYYY-MM-DD",
                      help="only articles published on or after this day")
    what.add_argument("--until", type=date.fromisoformat, metavar="YYYY-MM-DD",
                      help="only articles published on or before this day")
    how = p.add_argument_group("how to show it")
    how.add_argument("--lang", choices=LANGUAGES, default="en",
                     help="language of node labels, class and relation names (default: en; falls back to English)")
    how.add_argument("--max-nodes", type=int, metavar="N",
                     help="keep at most N nodes, the most central (default: 2000)")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from kg.query import bind, parse_params, resolve
    from kg.view import Selection, write_view

    if args.depth < 0:
        raise KGError("--depth must be 0 or more")
    if args.max_nodes is not None and args.max_nodes < 1:
        raise KGError("--max-nodes must be 1 or more")
    if args.param and not args.query:
        raise KGError("--param binds a parameter of --query: name the query too")
    query = resolve(args.query) if args.query else None
    selection = Selection(
        query=query, bindings=bind(query, parse_params(args.param)) if query else {},
        focus=args.focus, depth=args.depth,
        types=frozenset(args.types), article=args.article, article_lang=args.lang_filter,
        since=args.since, until=args.until, lang=args.lang, max_nodes=args.max_nodes)
    store = GraphStore.open(args.out, read_only=True)
    path = write_view(store, args.html or args.out / "graph.html", selection, title=args.title)
    print(f"wrote {path}")
    return 0
