"""Choosing what the page draws: the whole graph or a query's, within the selected articles,
around a focus, of some types, capped to the most central nodes."""

from __future__ import annotations

import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from typing import TYPE_CHECKING

import networkx as nx
import pyoxigraph as ox

from kg.errors import KGError
from kg.store import GraphStore
from kg.view.config import config
from kg.view.describe import display_label, top_type
from kg.view.read import (Catalogue, Link, article_graphs, file_statement, load_anchors, load_links, load_statements,
                          mentioned_by)

if TYPE_CHECKING:
    from kg.query import Query


@dataclass(frozen=True)
class Selection:
    """Which part of the graph the page shows, and in which language (``kg viz``'s options).

    ``query`` (with ``bindings`` for its parameters) replaces the whole graph by a CONSTRUCT
    result. Article filters (``article``, ``article_lang``, ``since``, ``until``) narrow it to
    what the chosen articles say; ``focus`` then takes the neighbourhood of the entities so
    labelled; ``types`` keeps those top types (and the focus); ``max_nodes`` caps the result.
    """

    query: Query | None = None
    bindings: Mapping[str, ox.NamedNode | ox.Literal] = field(default_factory=dict)
    focus: str | None = None
    depth: int = 1
    types: frozenset[str] = frozenset()
    article: str | None = None
    article_lang: str | None = None
    since: date | None = None
    until: date | None = None
    lang: str = "en"
    max_nodes: int | None = None

    def filters_articles(self) -> bool:
        return any(v is not None for v in (self.article, self.article_lang, self.since, self.until))


@dataclass
class Subgraph:
    """The nodes and relations chosen for the page, before drawing."""

    nodes: set[str]
    links: set[Link]
    focus: set[str] = field(default_factory=set)
    omitted_nodes: int = 0
    omitted_links: int = 0
    degrees: dict[str, int] = field(default_factory=dict)  # related entities, counted before the cap


def select_articles(cat: Catalogue, sel: Selection) -> set[str] | None:
    """Stems of the articles the selection keeps; ``None`` when it does not filter articles."""
    if not sel.filters_articles():
        return None
    if sel.article is not None and sel.article not in cat.articles:
        raise KGError(f"no article {sel.article!r} in the graph (article ids are file stems)")
    if sel.since and sel.until and sel.since > sel.until:
        raise KGError(f"--since {sel.since} is after --until {sel.until}")
    kept = {a.stem for a in cat.articles.values()
            if (sel.article is None or a.stem == sel.article)
            and (sel.article_lang is None or a.lang == sel.article_lang)
            and (sel.since is None or (a.published is not None and a.published >= sel.since))
            and (sel.until is None or (a.published is not None and a.published <= sel.until))}
    if not kept:
        langs = ", ".join(sorted({a.lang for a in cat.articles.values() if a.lang})) or "none"
        raise KGError(f"no article matches the article filters (article languages in the graph: {langs})")
    return kept


def whole_graph(cat: Catalogue, articles: set[str] | None) -> Subgraph:
    """Every entity with a top type, and every relation between two of them.

    With an article filter: the entities those articles mention and the relations their named
    graphs state (plus the shared entity descriptions, e.g. an edition's series)."""
    nodes = set(cat.node_classes)
    if articles is not None:
        nodes &= mentioned_by(cat, articles)
    graphs = article_graphs(cat, articles)
    return Subgraph(nodes, load_links(cat, nodes, graphs))


def query_graph(store: GraphStore, cat: Catalogue, sel: Selection, articles: set[str] | None) -> Subgraph:
    """The resources and relations a CONSTRUCT (or DESCRIBE) query returns.

    Its types become classes, its labels labels, its literals and links out of the project
    tooltip facts; what the store says of the same resources is in their tooltips too."""
    from kg.query import GRAPH_FORMS, query_form, run_local  # only this source needs it

    if query_form(sel.query.text) not in GRAPH_FORMS:
        raise KGError(f"{sel.query.origin}: --query needs a CONSTRUCT or DESCRIBE query, not "
                      f"{query_form(sel.query.text)}")
    nodes: set[str] = set()
    links: set[Link] = set()
    for triple in run_local(store, sel.query, sel.bindings):
        subject, prop, obj = _key(triple.subject), triple.predicate.value, triple.object
        nodes.add(subject)
        if not file_statement(cat.entity(subject), prop, obj):
            nodes.add(_key(obj))
            links.add((subject, prop, _key(obj)))
    if articles is not None:
        nodes &= mentioned_by(cat, articles)
        links = {link for link in links if link[0] in nodes and link[2] in nodes}
    load_statements(cat, nodes, article_graphs(cat, articles))  # what the store says of them too: the focus and types need it
    return Subgraph(nodes, links)


def _key(term: ox.Term) -> str:
    return term.value if isinstance(term, ox.NamedNode) else f"_:{term.value}"


def fold(text: str) -> str:
    """Case- and accent-blind form of a label: "Hà Nội", "HA NOI" and "ha noi" meet; đ is d."""
    text = unicodedata.normalize("NFKD", text.replace("đ", "d").replace("Đ", "D"))
    return " ".join("".join(c for c in text if not unicodedata.combining(c)).casefold().split())


def match_label(cat: Catalogue, nodes: Iterable[str], label: str) -> set[str]:
    """Nodes with a label equal to ``label`` (folded); failing that, the one that contains it."""
    wanted = fold(label)
    load_statements(cat, nodes, facts=False)
    names = {n: {fold(text) for text, _, _ in cat.entity(n).labels} for n in nodes}
    exact = {n for n, folded in names.items() if wanted in folded}
    if exact:
        return exact
    partial = sorted(n for n, folded in names.items() if any(wanted in f for f in folded))
    if len(partial) == 1:
        return set(partial)
    if not partial:
        raise KGError(f"no entity labelled {label!r} in the view (try `kg query` to find its name)")
    load_anchors(cat, partial[:10])
    shown = "; ".join(display_label(cat.entity(n), "en") for n in partial[:10])
    raise KGError(f"{label!r} is part of {len(partial)} labels ({shown}{'; …' if len(partial) > 10 else ''}): "
                  "give a whole label")


def neighbourhood(part: Subgraph, centres: set[str], depth: int) -> Subgraph:
    """The entities within ``depth`` relations of ``centres`` (either direction), and their relations."""
    graph = undirected(part)
    reach = set(centres)
    for centre in centres:
        reach |= nx.single_source_shortest_path_length(graph, centre, cutoff=depth).keys()
    links = {link for link in part.links if link[0] in reach and link[2] in reach}
    return Subgraph(reach, links, focus=set(centres))


def keep_types(cat: Catalogue, part: Subgraph, types: frozenset[str]) -> Subgraph:
    """Only nodes of the given top types; the focus stays, so the view keeps its centre."""
    if not types:
        return part
    nodes = {n for n in part.nodes if n in part.focus or top_type(cat.entity(n)) in types}
    return replace(part, nodes=nodes, links={l for l in part.links if l[0] in nodes and l[2] in nodes})


def cap(part: Subgraph, limit: int) -> Subgraph:
    """The ``limit`` most central nodes (degree; the focus first) when there are more.

    Degrees are kept as counted before the cap: a node's size and tooltip say how connected it
    is in the selection, not only among the nodes that survived."""
    neighbours: dict[str, set[str]] = defaultdict(set)  # as networkx counts degree, without building the graph
    for subject, _, obj in part.links:
        if subject != obj:
            neighbours[subject].add(obj)
            neighbours[obj].add(subject)
    degrees = {n: len(neighbours.get(n, ())) for n in part.nodes}
    if len(part.nodes) <= limit:
        return replace(part, degrees=degrees)
    ranked = sorted(part.nodes, key=lambda n: (n not in part.focus, -degrees[n], n))
    nodes = set(ranked[:limit])
    links = {l for l in part.links if l[0] in nodes and l[2] in nodes}
    return Subgraph(nodes, links, part.focus & nodes, len(part.nodes) - len(nodes), len(part.links) - len(links),
                    {n: degrees[n] for n in nodes})


def undirected(part: Subgraph) -> nx.Graph:
    graph = nx.Graph()
    graph.add_nodes_from(sorted(part.nodes))  # in order: communities and layout depend on it
    graph.add_edges_from(sorted((s, o) for s, _, o in part.links if s != o))
    return graph


def choose(store: GraphStore, cat: Catalogue, sel: Selection, articles: set[str] | None) -> Subgraph:
    """Apply the selection: source (graph or query) within ``articles``, focus, types, cap."""
    part = query_graph(store, cat, sel, articles) if sel.query else whole_graph(cat, articles)
    if sel.focus:
        part = neighbourhood(part, match_label(cat, part.nodes, sel.focus), sel.depth)
    part = keep_types(cat, part, sel.types)
    return cap(part, sel.max_nodes or config()["max_nodes"])
