"""``kg stats``: the built graph's size, its entities per type and its most central entities."""

from __future__ import annotations

import argparse
from collections import Counter
from typing import TYPE_CHECKING

from kg.commands import add_out_option
from kg.store import GraphStore

if TYPE_CHECKING:
    from kg.view import Catalogue


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("stats", help="print the graph's size, entities per type and the most central entities")
    add_out_option(p)
    p.add_argument("--top", type=int, default=10, metavar="N", help="how many central entities to list (default: 10)")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    import networkx as nx

    from kg.view import (display_label, load_anchors, load_catalogue, load_statements, top_type, undirected,
                         whole_graph)

    store = GraphStore.open(args.out, read_only=True)
    cat = load_catalogue(store)
    part = whole_graph(cat, None)
    load_statements(cat, part.nodes, facts=False)  # every class (and label) of every entity
    graph = undirected(part)
    print(f"triples    {len(store.store):>9,}  in {len(store.graph_names()):,} named graphs")
    print(f"articles   {len(cat.articles):>9,}")
    print(f"entities   {len(part.nodes):>9,}")
    print(f"relations  {len(part.links):>9,}  between entities")
    print("\nentities per type (most specific classes in brackets)")
    for line in type_lines(cat, part.nodes):
        print("  " + line)
    centrality = nx.degree_centrality(graph) if len(graph) > 1 else dict.fromkeys(graph, 0.0)
    ranked = sorted(graph, key=lambda n: (-centrality[n], n))[:args.top]
    load_anchors(cat, ranked)  # the surface forms that choose among a name's labels
    print(f"\n{len(ranked)} most central entities (degree centrality: the share of the other entities "
          "each is related to)")
    for rank, node in enumerate(ranked, 1):
        entity = cat.entity(node)
        related = f"{graph.degree(node):,} related"
        print(f"  {rank:>2}. {centrality[node]:.3f}  {related:<12} {top_type(entity):<13}{display_label(entity, 'en')}")
    return 0


def type_lines(cat: Catalogue, nodes: set[str]) -> list[str]:
    """``Forum  11  (Summit 4, Expo 2, …)`` per top type, biggest first."""
    from kg.view import local_name, top_type

    tops: Counter[str] = Counter()
    specific: dict[str, Counter[str]] = {}
    for node in nodes:
        entity = cat.entity(node)
        top = top_type(entity)
        tops[top] += 1
        for cls in entity.classes:
            name = local_name(cls)
            if name != top:
                specific.setdefault(top, Counter())[name] += 1
    lines = []
    for top, n in sorted(tops.items(), key=lambda kv: (-kv[1], kv[0])):
        ranked = sorted(specific.get(top, Counter()).items(), key=lambda ck: (-ck[1], ck[0]))  # ties by name
        detail = ", ".join(f"{c} {k}" for c, k in ranked)
        lines.append(f"{top:<13}{n:>6,}" + (f"  ({detail})" if detail else ""))
    return lines
