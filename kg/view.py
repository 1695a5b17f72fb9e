"""View: the stored graph as a self-contained interactive network page (vis.js).

What the page must be, and how this module gets there:

- Offline and safe. vis-network is inlined from the pyvis wheel (pyvis's own template loads
  CDNs). The data travels in a JSON block that is never executed, with ``<``, ``>`` and ``&``
  escaped so no article text can close it; the page's script shows text through
  ``textContent`` only; and the Content-Security-Policy admits only the page's own inline
  script and style blocks, by hash, so markup that slipped through still could not run.
- Readable. Colour and shape by class (``templates/view.json``), size by degree centrality,
  relation names on edges, Louvain communities as a second colouring; literals (dates, roles,
  editions, figures) go into the node's tooltip instead of becoming nodes.
- Traceable. A node carries its classes, labels, how many articles mention it and the
  sentences that do, with their source URLs; an edge carries the sentences it was read from.
- Large graphs. Above ``layout_threshold`` nodes the layout is computed here and the page
  draws with physics off (in-browser physics needs minutes at 5,000 nodes); above
  ``max_nodes`` only the most central part is kept, and the page and stderr say what was left.
- Read what is drawn. Choosing the nodes needs only the entity level: which entities have a
  top class, and the relations between them (:func:`load_catalogue`, :func:`load_links`).
  Labels, facts, mentions, figures and evidence are then read for the drawn nodes and edges
  only (:func:`describe_nodes`, :func:`load_evidence`), with VALUES-bounded queries that count
  and format inside Oxigraph: a point lookup costs microseconds in the on-disk store, a row
  handed to Python more, so the queries join by hash (subqueries) and return few rows. A hub's
  first sentences are read from a prefix of the articles that holds them (:func:`load_mentions`).
  This leans on the data contract: an article's mentions, assertions and observations are in
  its named graph, which gives their article.

The view knows the data contract (``docs/architecture.md``), not how the facts were found.
"""

from __future__ import annotations

import base64
import hashlib
import html
import importlib.util
import json
import math
import re
import sys
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from datetime import date
from functools import cache
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

import networkx as nx
import pyoxigraph as ox

from kg.errors import KGError
from kg.export import write_atomically
from kg.paths import ONTOLOGY_FILE
from kg.store import GraphStore
from kg.vocab import (DCTERMS, ENTITIES_GRAPH, ID_NS, KG_NS, NIF, RDF, RDFS, SCHEMA, SKOS, TOP_TYPES,
                      top_type_of)

if TYPE_CHECKING:
    from kg.query import Query

TITLE = "China–ASEAN knowledge graph"
OTHER = "Other"
PROJECT_NS = ID_NS.removesuffix("id/")  # entities, articles, spans and graphs: nodes in a query result
SEED = 7  # communities and layouts are reproducible: the same graph gives the same page
LABEL_PROPERTIES = {RDFS + "label": "label", SKOS + "prefLabel": "prefLabel",
                    SKOS + "altLabel": "altLabel", KG_NS + "acronym": "acronym"}
HIDDEN_PROPERTIES = {SKOS + "hiddenLabel", KG_NS + "demonym"}  # match-only forms, not names
Link = tuple[str, str, str]  # subject, property, object (IRIs)

_PREFIXES = f"""PREFIX kg: <{KG_NS}>
PREFIX nif: <{NIF}>
PREFIX dcterms: <{DCTERMS}>
PREFIX schema: <{SCHEMA}>
PREFIX rdf: <{RDF}>
"""
_ARTICLES = _PREFIXES + """
SELECT ?g ?stem ?lang ?date ?url ?title WHERE { GRAPH ?g {
  ?a a kg:Article ; dcterms:identifier ?stem .
  OPTIONAL { ?a dcterms:language ?lang } OPTIONAL { ?a schema:datePublished ?date }
  OPTIONAL { ?a schema:url ?url } OPTIONAL { ?a dcterms:title ?title } } }"""
_NODE_CLASSES = "SELECT DISTINCT ?e ?c WHERE {{ VALUES ?c {{ {classes} }} ?e a ?c }}"
# rows cost more than work inside Oxigraph: each subject's relations come as one text, one
# "[graph ]property object" line per relation (IRIs hold no spaces or line breaks)
_LINKS = _PREFIXES + """SELECT ?e (GROUP_CONCAT(CONCAT(STR(?p), " ", STR(?o)); SEPARATOR="\\n") AS ?links) WHERE {{
  {{ SELECT DISTINCT ?e ?p ?o WHERE {{ VALUES ?e {{ {nodes} }} ?e ?p ?o FILTER(isIRI(?o) && ?p != rdf:type) }} }} }}
  GROUP BY ?e"""
_LINKS_BY_GRAPH = _PREFIXES + """SELECT ?e (GROUP_CONCAT(CONCAT(STR(?g), " ", STR(?p), " ", STR(?o)); SEPARATOR="\\n")
  AS ?links) WHERE {{ {{ SELECT DISTINCT ?g ?e ?p ?o WHERE {{ VALUES ?e {{ {nodes} }} GRAPH ?g {{ ?e ?p ?o }}
  FILTER(isIRI(?o) && ?p != rdf:type) }} }} }} GROUP BY ?e"""
_MENTIONED = _PREFIXES + "SELECT DISTINCT ?e WHERE {{ VALUES ?g {{ {graphs} }} GRAPH ?g {{ ?m kg:denotes ?e }} }}"
_NAMES = _PREFIXES + """SELECT DISTINCT ?e ?p ?o WHERE {{ VALUES ?e {{ {nodes} }} ?e ?p ?o
  FILTER((?p = rdf:type && isIRI(?o)) || (isLiteral(?o) && ?p IN ({labels}))) }}"""
_FACTS = _PREFIXES + """SELECT DISTINCT ?g ?e ?p ?o WHERE {{ VALUES ?e {{ {nodes} }} GRAPH ?g {{ ?e ?p ?o }}
  FILTER((isLiteral(?o) && ?p NOT IN ({labels})) || (isIRI(?o) && ?p != rdf:type && !STRSTARTS(STR(?o), "{project}"))) }}"""
# mentions of the drawn entities, by named graph (an article's mentions are in its graph); the
# subqueries make Oxigraph join by hash rather than look every mention up one by one
_MENTIONS_OF = "{{ SELECT ?m ?e ?g WHERE {{ VALUES ?e {{ {nodes} }} GRAPH ?g {{ ?m kg:denotes ?e }} }} }} {graphs}"
_ARTICLE_COUNTS = _PREFIXES + "SELECT ?e (COUNT(DISTINCT ?g) AS ?n) WHERE {{ " + _MENTIONS_OF + " }} GROUP BY ?e"
_SENTENCE_COUNTS = _PREFIXES + "SELECT ?e (COUNT(DISTINCT ?s) AS ?n) WHERE {{ " + _MENTIONS_OF + """
  {{ SELECT ?m ?s WHERE {{ ?m kg:inSentence ?s }} }} }} GROUP BY ?e"""
_SENTENCES_OF = _PREFIXES + "SELECT DISTINCT ?e ?s ?g ?begin WHERE {{ " + _MENTIONS_OF + """
  ?m kg:inSentence ?s . ?s nif:beginIndex ?begin }}"""
_SENTENCE_TEXTS = _PREFIXES + "SELECT ?s ?text WHERE {{ VALUES ?s {{ {sentences} }} ?s nif:anchorOf ?text }}"
_ANCHORS = _PREFIXES + """SELECT ?e ?anchor (COUNT(*) AS ?n) WHERE {{ VALUES ?e {{ {nodes} }}
  ?m kg:denotes ?e . ?m nif:anchorOf ?anchor }} GROUP BY ?e ?anchor"""
_EVIDENCE = _PREFIXES + """SELECT ?s ?p ?o (GROUP_CONCAT(CONCAT(STR(?g), " ", STR(?begin), " ", STR(?sentence));
  SEPARATOR="\\n") AS ?evidence) WHERE {{
  {{ SELECT ?x ?s WHERE {{ VALUES ?s {{ {subjects} }} ?x rdf:subject ?s }} }}
  {{ SELECT ?x ?o WHERE {{ VALUES ?o {{ {objects} }} ?x rdf:object ?o }} }}
  {{ SELECT ?x ?p ?g WHERE {{ GRAPH ?g {{ ?x rdf:predicate ?p }} }} }} {{ SELECT ?x ?sentence WHERE {{ ?x kg:evidence ?sentence }} }}
  ?sentence nif:beginIndex ?begin }} GROUP BY ?s ?p ?o"""
# a figure's tooltip line ("trade value, 2023: 34900000000 USD (“34,9 miljard dollar”)": measure and
# period, or "figure"; value and unit; the words quoted) is made here, all of an entity's in one text: graph, TAB, line, per line
_FIGURES = _PREFIXES + """SELECT ?e (GROUP_CONCAT(CONCAT(STR(?g), "\\t", ?text); SEPARATOR="\\u001e") AS ?figures) WHERE {{
  {{ SELECT ?x ?e ?g WHERE {{ VALUES ?e {{ {nodes} }} GRAPH ?g {{ ?x kg:about ?e }} }} }}
  {{ SELECT ?x ?text WHERE {{ {{ SELECT DISTINCT ?x WHERE {{ VALUES ?e {{ {nodes} }} ?x kg:about ?e }} }}
    ?x a kg:Observation .
    OPTIONAL {{ ?x kg:value ?value }} OPTIONAL {{ ?x kg:unit ?unit }} OPTIONAL {{ ?x kg:measure ?measure }}
    OPTIONAL {{ ?x kg:period ?period }} OPTIONAL {{ ?x nif:anchorOf ?anchor }}
    BIND(COALESCE(STR(?measure), "") AS ?m) BIND(COALESCE(STR(?period), "") AS ?y)
    BIND(COALESCE(STR(?value), "") AS ?v) BIND(COALESCE(STR(?unit), "") AS ?u) BIND(COALESCE(STR(?anchor), "") AS ?a)
    BIND(IF(?m != "" && ?y != "", CONCAT(?m, ", ", ?y), IF(?m != "", ?m, IF(?y != "", ?y, "figure"))) AS ?head)
    BIND(IF(?v != "" && ?u != "", CONCAT(?v, " ", ?u), CONCAT(?v, ?u)) AS ?amount)
    BIND(CONCAT(?head, ": ", ?amount, IF(?a != "", CONCAT(" (“", ?a, "”)"), "")) AS ?text) }} }} }} GROUP BY ?e"""
BATCH = 4000  # IRIs in one VALUES block


# --------------------------------------------------------------------------- what to show

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


@dataclass(frozen=True)
class Article:
    stem: str
    graph: str
    lang: str | None
    published: date | None
    url: str | None
    title: str | None


@dataclass(frozen=True)
class Sentence:
    stem: str
    begin: int
    text: str


@dataclass
class Entity:
    """What the store (or a query result) says of one resource: what its tooltip shows.

    Read for the drawn nodes only (:func:`describe_nodes`); ``articles``, ``sentences`` and
    ``sentence_count`` are within the selection's articles."""

    iri: str
    classes: set[str] = field(default_factory=set)
    labels: set[tuple[str, str, str]] = field(default_factory=set)  # text, language, property
    anchors: Counter[str] = field(default_factory=Counter)  # surface forms, by mentions
    facts: set[tuple[str, str, str]] = field(default_factory=set)  # graph, property, value
    figures: set[tuple[str, str]] = field(default_factory=set)  # stem, text
    articles: int = 0  # articles that mention it
    sentences: list[str] = field(default_factory=list)  # the first sentences that do, in article order
    sentence_count: int = 0  # all sentences that do


@dataclass
class Catalogue:
    """What the store says, read as needed: the articles and the entities' top classes at once
    (all that choosing the nodes takes), relations, names and tooltips for the chosen nodes only."""

    store: GraphStore
    articles: dict[str, Article]
    node_classes: dict[str, set[str]]  # entity → its top classes: the entities a view can draw
    entities: dict[str, Entity] = field(default_factory=dict)
    sentences: dict[str, Sentence] = field(default_factory=dict)
    links: dict[Link, set[str]] = field(default_factory=dict)  # → the named graphs that state it, when asked
    evidence: dict[Link, list[str]] = field(default_factory=dict)  # → its first sentence IRIs, in article order
    loaded: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))  # what → IRIs read

    def entity(self, iri: str) -> Entity:
        found = self.entities.get(iri)
        if found is None:
            found = self.entities[iri] = Entity(iri, set(self.node_classes.get(iri, ())))
        return found

    def graph_stems(self) -> dict[str, str]:
        return {a.graph: a.stem for a in self.articles.values()}


@dataclass
class Subgraph:
    """The nodes and relations chosen for the page, before drawing."""

    nodes: set[str]
    links: set[Link]
    focus: set[str] = field(default_factory=set)
    omitted_nodes: int = 0
    omitted_links: int = 0
    degrees: dict[str, int] = field(default_factory=dict)  # related entities, counted before the cap


# --------------------------------------------------------------------------- configuration

@cache
def config() -> dict[str, Any]:
    """Styles and thresholds of the view, from ``templates/view.json``."""
    return json.loads(_template("view.json"))


def _template(name: str) -> str:
    return (resources.files("kg") / "templates" / name).read_text(encoding="utf-8")


@cache
def term_labels() -> dict[str, dict[str, str]]:
    """Ontology term IRI → language → label: class and relation names in the page's language."""
    labels: dict[str, dict[str, str]] = defaultdict(dict)
    with open(ONTOLOGY_FILE, "rb") as data:
        for triple in ox.parse(data, format=ox.RdfFormat.TURTLE):
            if triple.predicate.value == RDFS + "label" and isinstance(triple.object, ox.Literal):
                labels[triple.subject.value][triple.object.language or ""] = triple.object.value
    return dict(labels)


def term_label(iri: str, lang: str) -> str:
    """The ontology's label of a term in ``lang``, else English, else its local name."""
    names = term_labels().get(iri, {})
    return names.get(lang) or names.get("en") or local_name(iri)


def local_name(iri: str) -> str:
    return iri.rstrip("/#").rsplit("#", 1)[-1].rsplit("/", 1)[-1]


# --------------------------------------------------------------------------- reading the store

def load_catalogue(store: GraphStore) -> Catalogue:
    """Read the articles and which entities have a top class (the ontology's types)."""
    classes = " ".join(f"<{KG_NS}{name}>" for name in sorted(top_type_of()))
    with ThreadPoolExecutor(max_workers=1) as pool:
        articles = pool.submit(_articles, store)
        node_classes: dict[str, set[str]] = defaultdict(set)
        for row in store.query(_NODE_CLASSES.format(classes=classes)):
            entity = row[0]
            if isinstance(entity, ox.NamedNode) and entity.value.startswith(ID_NS):
                node_classes[entity.value].add(row[1].value)
        return Catalogue(store, articles.result(), dict(node_classes))


def _iris(values: Iterable[str]) -> str:
    return " ".join(f"<{v}>" for v in values)


def _batches(values: Iterable[str], size: int = BATCH) -> Iterable[list[str]]:
    """IRIs (not blank-node keys) in sorted batches, for VALUES blocks."""
    ordered = sorted(v for v in values if not v.startswith("_:"))
    for start in range(0, len(ordered), size):
        yield ordered[start:start + size]


def load_links(cat: Catalogue, nodes: set[str], graphs: set[str] | None = None) -> set[Link]:
    """The statements relating two of ``nodes``; with ``graphs``, only those these graphs state."""
    found: set[Link] = set()
    for batch in _batches(nodes):
        for row in cat.store.query((_LINKS if graphs is None else _LINKS_BY_GRAPH).format(nodes=_iris(batch))):
            subject = row[0].value
            for line in row[1].value.split("\n"):
                if graphs is None:
                    prop, obj = line.split(" ")
                    where = None
                else:
                    where, prop, obj = line.split(" ")
                if obj in nodes:
                    link = (subject, prop, obj)
                    stated = cat.links.setdefault(link, set())
                    if where is None:
                        found.add(link)
                    else:
                        stated.add(where)
                        if where in graphs:
                            found.add(link)
    return found


def mentioned_by(cat: Catalogue, articles: set[str]) -> set[str]:
    """The resources the mentions of these articles denote."""
    graphs = sorted(cat.articles[s].graph for s in articles)
    found: set[str] = set()
    for batch in _batches(graphs):
        found.update(row[0].value for row in cat.store.query(_MENTIONED.format(graphs=_iris(batch))))
    return found


def load_statements(cat: Catalogue, nodes: Iterable[str], *, facts: bool = True) -> None:
    """Classes and labels (and tooltip facts) of the project's resources among ``nodes``."""
    todo = {n for n in nodes if n.startswith(ID_NS) and n not in cat.loaded["facts" if facts else "names"]}
    labels = ", ".join(f"<{p}>" for p in LABEL_PROPERTIES)
    for batch in _batches(todo - cat.loaded["names"]):
        for row in cat.store.query(_NAMES.format(nodes=_iris(batch), labels=labels)):
            file_statement(cat.entity(row[0].value), "", row[1].value, row[2])
    cat.loaded["names"] |= todo
    if not facts:
        return
    skipped = ", ".join(f"<{p}>" for p in (*LABEL_PROPERTIES, *sorted(HIDDEN_PROPERTIES)))
    for batch in _batches(todo):
        for row in cat.store.query(_FACTS.format(nodes=_iris(batch), labels=skipped, project=PROJECT_NS)):
            file_statement(cat.entity(row[1].value), row[0].value, row[2].value, row[3])
    cat.loaded["facts"] |= todo


def load_anchors(cat: Catalogue, nodes: Iterable[str]) -> None:
    """How often the mentions of each of ``nodes`` use each surface form."""
    todo = set(nodes) - cat.loaded["anchors"]
    for batch in _batches(todo):
        for row in cat.store.query(_ANCHORS.format(nodes=_iris(batch))):
            cat.entity(row[0].value).anchors[row[1].value] += int(row[2].value)
    cat.loaded["anchors"] |= todo


def load_mentions(cat: Catalogue, nodes: Iterable[str], articles: set[str] | None) -> None:
    """For each of ``nodes``: how many of the articles mention it, in how many sentences, and
    the first ``sentences_per_node`` of those (by article, then position).

    The first sentences are read from a prefix of the articles (in order) big enough to hold
    them, so a hub mentioned in every article costs about as much as a rare entity."""
    limit = config()["sentences_per_node"]
    order = sorted(cat.articles) if articles is None else sorted(articles)
    graphs = [cat.articles[s].graph for s in order]
    stems = cat.graph_stems()
    within = "" if articles is None else "VALUES ?g { " + _iris(graphs) + " }"
    todo = sorted(set(nodes) - cat.loaded["mentions"])
    counts: dict[str, int] = {}
    for batch in _batches(todo):
        for row in cat.store.query(_ARTICLE_COUNTS.format(nodes=_iris(batch), graphs=within)):
            cat.entity(row[0].value).articles = int(row[1].value)
        for row in cat.store.query(_SENTENCE_COUNTS.format(nodes=_iris(batch), graphs=within)):
            counts[row[0].value] = cat.entity(row[0].value).sentence_count = int(row[1].value)
    cat.loaded["mentions"] |= set(todo)
    # a prefix of the articles expected to hold twice the sentences shown, in powers of two
    size = {}
    for node, n in counts.items():
        wanted = len(graphs) * 2 * limit / n
        size[node] = len(graphs) if wanted >= len(graphs) / 2 else 1 << max(5, math.ceil(math.log2(wanted)))
    found: dict[str, set[tuple[str, int, str]]] = defaultdict(set)
    while size:
        for prefix in sorted(set(size.values())):
            group = [n for n, k in size.items() if k == prefix]
            scope = within if prefix >= len(graphs) else "VALUES ?g { " + _iris(graphs[:prefix]) + " }"
            for batch in _batches(group):
                for row in cat.store.query(_SENTENCES_OF.format(nodes=_iris(batch), graphs=scope)):
                    stem = stems.get(row[2].value)
                    if stem is not None:
                        found[row[0].value].add((stem, int(row[3].value), row[1].value))
            for node in group:
                if prefix >= len(graphs) or len(found[node]) >= min(limit, counts[node]):
                    del size[node]
                else:
                    size[node] = min(len(graphs), prefix * 4)
    texts = {key for keys in found.values() for key in sorted(keys)[:limit]}
    _load_sentences(cat, {k for _, _, k in texts} - cat.sentences.keys(), {k: (stem, b) for stem, b, k in texts})
    for node, keys in found.items():
        cat.entity(node).sentences = [k for _, _, k in sorted(keys)[:limit] if k in cat.sentences]


def _load_sentences(cat: Catalogue, keys: set[str], where: dict[str, tuple[str, int]]) -> None:
    for batch in _batches(keys):
        for row in cat.store.query(_SENTENCE_TEXTS.format(sentences=_iris(batch))):
            key = row[0].value
            stem, begin = where[key]
            cat.sentences.setdefault(key, Sentence(stem, begin, row[1].value))


def load_figures(cat: Catalogue, nodes: Iterable[str]) -> None:
    """The figures (observations) stated about each of ``nodes``, with their article."""
    stems = cat.graph_stems()
    todo = set(nodes) - cat.loaded["figures"]
    for batch in _batches(todo):
        for row in cat.store.query(_FIGURES.format(nodes=_iris(batch))):
            figures = cat.entity(row[0].value).figures
            for line in row[1].value.split("\u001e"):
                graph, text = line.split("\t", 1)
                if graph in stems:
                    figures.add((stems[graph], text))
    cat.loaded["figures"] |= todo


def load_evidence(cat: Catalogue, links: set[Link]) -> None:
    """The first ``evidence_per_edge`` sentences (by article, then position) each link was read from."""
    limit = config()["evidence_per_edge"]
    stems = cat.graph_stems()
    todo = {link for link in links if link not in cat.evidence}
    subjects = sorted({s for s, _, _ in todo})
    objects = _iris(sorted({o for _, _, o in todo}))
    found: dict[Link, set[tuple[str, int, str]]] = defaultdict(set)
    for batch in _batches(subjects):
        for row in cat.store.query(_EVIDENCE.format(subjects=_iris(batch), objects=objects)):
            link = (row[0].value, row[1].value, row[2].value)
            if link in todo:
                for line in row[3].value.split("\n"):
                    graph, begin, key = line.split(" ")
                    if graph in stems:
                        found[link].add((stems[graph], int(begin), key))
    chosen = {key for keys in found.values() for key in sorted(keys)[:limit]}
    _load_sentences(cat, {k for _, _, k in chosen} - cat.sentences.keys(), {k: (stem, b) for stem, b, k in chosen})
    for link in todo:
        cat.evidence[link] = [k for _, _, k in sorted(found.get(link, ()))[:limit] if k in cat.sentences]


def describe_nodes(cat: Catalogue, nodes: set[str], articles: set[str] | None, lang: str,
                   links: set[Link] = frozenset()) -> None:
    """Read what the tooltips of the drawn ``nodes`` (and ``links``) show, nothing about the rest.

    The parts are read side by side: Oxigraph lets go of the GIL while it evaluates a query."""
    named = {n for n in nodes if not n.startswith("_:")}
    for node in nodes:  # made here, not by two threads at once
        cat.entity(node)
    for what in ("names", "facts", "anchors", "mentions", "figures"):
        cat.loaded[what]  # the same for the catalogue's bookkeeping

    def statements() -> None:
        load_statements(cat, nodes)
        load_anchors(cat, {n for n in named if _needs_anchors(cat.entity(n), lang)})

    with ThreadPoolExecutor(max_workers=2) as pool:
        jobs = [pool.submit(load_mentions, cat, named, articles), pool.submit(load_evidence, cat, set(links)),
                pool.submit(statements), pool.submit(load_figures, cat, named)]
        for job in jobs:
            job.result()


def _articles(store: GraphStore) -> dict[str, Article]:
    result = {}
    for row in store.query(_ARTICLES):
        stem = row["stem"].value
        result[stem] = Article(stem, row["g"].value, _value(row["lang"]), _date(row["date"]),
                               _value(row["url"]), _value(row["title"]))
    return result


def file_statement(entity: Entity, graph: str, prop: str, obj: ox.Term) -> bool:
    """File a statement about ``entity`` as a class, a label or a tooltip fact (a literal, or a
    link out of the project such as a Wikidata ``owl:sameAs``); ``False`` when it relates the
    entity to another resource of the project (or a blank node): an edge, if both are drawn."""
    if prop == RDF + "type" and isinstance(obj, ox.NamedNode):
        entity.classes.add(obj.value)
    elif isinstance(obj, ox.Literal) and prop in LABEL_PROPERTIES:
        entity.labels.add((obj.value, obj.language or "", LABEL_PROPERTIES[prop]))
    elif isinstance(obj, ox.Literal):
        if prop not in HIDDEN_PROPERTIES:
            entity.facts.add((graph, prop, obj.value))
    elif isinstance(obj, ox.NamedNode) and not obj.value.startswith(PROJECT_NS):
        entity.facts.add((graph, prop, obj.value))
    else:
        return False
    return True


def _value(term: ox.Term | None) -> str | None:
    return term.value if term is not None else None


def _date(term: ox.Term | None) -> date | None:
    try:
        return date.fromisoformat(term.value[:10]) if term is not None else None
    except ValueError:
        return None


# --------------------------------------------------------------------------- choosing the part

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
    graphs = None if articles is None else {cat.articles[s].graph for s in articles} | {ENTITIES_GRAPH}
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
        if not file_statement(cat.entity(subject), "", prop, obj):
            nodes.add(_key(obj))
            links.add((subject, prop, _key(obj)))
    if articles is not None:
        nodes &= mentioned_by(cat, articles)
        links = {link for link in links if link[0] in nodes and link[2] in nodes}
    load_statements(cat, nodes)  # what the store says of them too: the focus and types need it
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


# --------------------------------------------------------------------------- describing nodes

def top_type(entity: Entity) -> str:
    tops = top_type_of()
    found = {tops[local_name(c)] for c in entity.classes if c.startswith(KG_NS) and local_name(c) in tops}
    return next((t for t in TOP_TYPES if t in found), OTHER)


def display_label(entity: Entity, lang: str) -> str:
    """The node's name in ``lang``, falling back to English, then to any label, then the IRI.

    Among several labels in a language: the preferred label, else the form the articles use
    most, else the shortest (``Trung Quốc`` rather than ``Cộng hòa Nhân dân Trung Hoa``)."""
    for wanted in (lang, "en"):
        names = [(text, prop) for text, language, prop in entity.labels if language == wanted]
        if names:
            return max(names, key=lambda n: (n[1] == "prefLabel", n[1] == "label",
                                             entity.anchors[n[0]], -len(n[0]), n[0]))[0]
    others = sorted(text for text, _, _ in entity.labels)
    return others[0] if others else local_name(entity.iri)


def _needs_anchors(entity: Entity, lang: str) -> bool:
    """Whether :func:`display_label` has to count surface forms to choose among the labels."""
    for wanted in (lang, "en"):
        names = [(prop == "prefLabel", prop == "label") for _, language, prop in entity.labels if language == wanted]
        if names:
            return names.count(max(names)) > 1
    return False


def describe(cat: Catalogue, entity: Entity, articles: set[str] | None, lang: str) -> dict[str, Any]:
    """Tooltip data of a node: classes, labels, facts, figures, articles and sentences."""
    limit = config()["sentences_per_node"]
    graphs = None if articles is None else {cat.articles[s].graph for s in articles} | {ENTITIES_GRAPH, ""}
    facts = sorted({(term_label(p, lang), v) for g, p, v in entity.facts if graphs is None or g in graphs})
    return {
        "classes": sorted(term_label(c, lang) for c in entity.classes),
        "labels": [list(label) for label in sorted({(text, language) for text, language, _ in entity.labels})],
        "facts": [list(f) for f in facts],
        "figures": sorted(text for stem, text in entity.figures if articles is None or stem in articles),
        "articles": entity.articles,
        "sentences": [_sentence(cat.sentences[k]) for k in entity.sentences[:limit]],
        "more": max(0, entity.sentence_count - limit),
    }


def _sentence(sentence: Sentence) -> list[str]:
    return [sentence.text, sentence.stem]


# --------------------------------------------------------------------------- analysis

def communities(graph: nx.Graph) -> list[list[str]]:
    """Louvain communities (networkx), biggest first; a node without relations is its own."""
    found = nx.community.louvain_communities(graph, seed=SEED) if graph.number_of_edges() else \
        [{n} for n in graph]
    return sorted((sorted(c) for c in found), key=lambda c: (-len(c), c[0]))


def layout(graph: nx.Graph) -> dict[str, tuple[float, float]]:
    """Positions for a graph too big for in-browser physics, computed by parts.

    networkx's spring layout costs about 1.8 s an iteration at 5,000 nodes (measured), so it
    is only run on small parts: connected components are laid out apart and packed side by
    side; a large component is split into Louvain communities, each laid out on its own and
    placed by a spring layout of the community graph; a part that will not split is drawn as a
    sunflower spiral with its best-connected nodes in the middle."""
    return {n: (round(float(x), 1), round(float(y), 1)) for n, (x, y) in _place(graph).items()}


def _radius(size: int) -> float:
    return config()["layout_spacing"] * 0.6 * math.sqrt(size)


def _place(graph: nx.Graph) -> dict[str, tuple[float, float]]:
    size = len(graph)
    if size <= config()["layout_leaf"]:
        return _spring(graph)
    components = [_induced(graph, c) for c in nx.connected_components(graph)]
    if len(components) > 1:
        return _pack([_place(c) for c in components])
    parts = nx.community.louvain_communities(graph, seed=SEED)
    if len(parts) == 1:
        return _sunflower(graph)
    return _arrange(graph, [sorted(p) for p in parts])


def _induced(graph: nx.Graph, nodes: Iterable[str]) -> nx.Graph:
    """The subgraph on ``nodes``, nodes and edges in sorted order (``graph.subgraph`` may follow a
    set's order, which changes from run to run, and the layouts depend on the order)."""
    part = nx.Graph()
    part.add_nodes_from(sorted(nodes))
    part.add_edges_from(sorted(tuple(sorted(e)) for e in graph.subgraph(part.nodes).edges()))
    return part


def _spring(graph: nx.Graph) -> dict[str, tuple[float, float]]:
    """Fruchterman–Reingold for a part; a ring for a handful of nodes (news graphs have many
    two- and three-entity fragments, and a spring layout costs ~2 ms each even so)."""
    if len(graph) <= 6:
        return _ring(graph)
    pos = nx.spring_layout(graph, seed=SEED, iterations=50, scale=_radius(len(graph)))
    return {n: (float(x), float(y)) for n, (x, y) in pos.items()}


def _ring(graph: nx.Graph) -> dict[str, tuple[float, float]]:
    """Nodes on a circle, neighbours ``layout_spacing`` apart."""
    radius = config()["layout_spacing"] / (2 * math.sin(math.pi / len(graph))) if len(graph) > 1 else 0.0
    return {n: (radius * math.cos(2 * math.pi * i / len(graph)), radius * math.sin(2 * math.pi * i / len(graph)))
            for i, n in enumerate(sorted(graph))}


def _sunflower(graph: nx.Graph) -> dict[str, tuple[float, float]]:
    """Vogel's spiral, nodes by degree: evenly spread in a disc, hubs at the centre."""
    golden = math.pi * (3 - math.sqrt(5))
    ranked = sorted(graph, key=lambda n: (-graph.degree(n), n))
    step = config()["layout_spacing"] * 0.6
    return {n: (step * math.sqrt(i) * math.cos(i * golden), step * math.sqrt(i) * math.sin(i * golden))
            for i, n in enumerate(ranked)}


def _arrange(graph: nx.Graph, parts: list[list[str]]) -> dict[str, tuple[float, float]]:
    """Lay out each community, then place them by a spring layout of the community graph."""
    index = {n: i for i, part in enumerate(parts) for n in part}
    between = nx.Graph()
    between.add_nodes_from(range(len(parts)))
    for s, o in graph.edges():
        if index[s] != index[o]:
            weight = between.get_edge_data(index[s], index[o], {"weight": 0})["weight"]
            between.add_edge(index[s], index[o], weight=weight + 1)
    centres = nx.spring_layout(between, seed=SEED, weight="weight", scale=1.4 * _radius(len(graph)))
    result = {}
    for i, part in enumerate(parts):
        cx, cy = centres[i]
        for n, (x, y) in _place(_induced(graph, part)).items():
            result[n] = (cx + x, cy + y)
    return result


def _pack(pieces: list[dict[str, tuple[float, float]]]) -> dict[str, tuple[float, float]]:
    """Shelf packing of laid-out pieces (biggest first) into a roughly square block; a piece
    less than half the size of its row's first starts a new row, so fragments do not line up
    beside a large component."""
    pieces = sorted(pieces, key=lambda p: (-len(p), min(p)))
    sizes = [_radius(len(p)) + config()["layout_spacing"] / 2 for p in pieces]
    width = math.sqrt(sum((2 * r) ** 2 for r in sizes)) * 1.1
    result: dict[str, tuple[float, float]] = {}
    x = y = row = 0.0
    for piece, r in zip(pieces, sizes):
        if x > 0 and (x + 2 * r > width or 2 * r < row / 2):
            x, y, row = 0.0, y + row, 0.0
        for n, (px, py) in piece.items():
            result[n] = (x + r + px, y + r + py)
        x, row = x + 2 * r, max(row, 2 * r)
    return result


# --------------------------------------------------------------------------- the page data

def view_data(store: GraphStore, sel: Selection = Selection()) -> dict[str, Any]:
    """The page's data: nodes, edges, articles, legend and notes, as JSON-ready values."""
    cat = load_catalogue(store)
    articles = select_articles(cat, sel)
    part = choose(store, cat, sel, articles)
    order = sorted(part.nodes)
    with ThreadPoolExecutor(max_workers=1) as pool:  # tooltips are read while the layout is computed
        described = pool.submit(describe_nodes, cat, part.nodes, articles, sel.lang, part.links)
        graph = undirected(part)
        groups = communities(graph)
        positions = layout(graph) if len(order) > config()["layout_threshold"] else {}
        described.result()
    group_of = {n: i for i, members in enumerate(groups) for n in members}
    nodes = [_node(cat, n, part.degrees[n], group_of[n], positions.get(n), articles, sel.lang) for n in order]
    index = {n: i for i, n in enumerate(order)}
    links = sorted(part.links)
    edges = [_edge(cat, link, index) for link in links]
    return {
        "nodes": nodes,
        "edges": edges,
        "relations": {p: term_label(p, sel.lang) for p in sorted({p for _, p, _ in links})},
        "articles": _article_table(cat, {s[1] for n in nodes for s in n["sentences"]}
                                   | {s[1] for e in edges for s in e[3]}),
        "classes": _legend(nodes, sel.lang),
        "communities": _community_legend(groups, nodes, index),
        "community_other": config()["community_other"],
        "physics": not positions,
        "iterations": config()["physics_iterations"],
        "notes": notes(cat, part, sel),
        "omitted": omission(part) if part.omitted_nodes else None,
    }


def _node(cat: Catalogue, iri: str, degree: int, group: int, position: tuple[float, float] | None,
          articles: set[str] | None, lang: str) -> dict[str, Any]:
    entity = cat.entity(iri)
    node = {"id": iri, "label": display_label(entity, lang), "type": top_type(entity),
            "degree": degree, "community": group}
    node.update(describe(cat, entity, articles, lang))
    if position is not None:
        node["x"], node["y"] = position
    return node


def _edge(cat: Catalogue, link: Link, index: dict[str, int]) -> list[Any]:
    """``[from, to, relation, evidence]`` by node index: compact at 10,000 edges."""
    evidence = [_sentence(cat.sentences[k]) for k in cat.evidence.get(link, ())]
    return [index[link[0]], index[link[2]], link[1], evidence]


def _article_table(cat: Catalogue, stems: set[str]) -> dict[str, Any]:
    """Source of every article a shown sentence comes from; only http(s) URLs become links."""
    table = {}
    for stem in sorted(stems):
        a = cat.articles.get(stem)
        url = a.url if a and a.url and a.url.startswith(("https://", "http://")) else None
        table[stem] = {"url": url, "title": a.title if a else None, "lang": a.lang if a else None,
                       "date": a.published.isoformat() if a and a.published else None}
    return table


def _legend(nodes: list[dict[str, Any]], lang: str) -> list[dict[str, Any]]:
    counts = Counter(n["type"] for n in nodes)
    styles = config()["classes"]
    return [dict(styles[t], type=t, label=term_label(KG_NS + t, lang) if t != OTHER else OTHER,
                 count=counts[t]) for t in (*TOP_TYPES, OTHER) if counts[t]]


def _community_legend(groups: list[list[str]], nodes: list[dict[str, Any]],
                      index: dict[str, int]) -> list[dict[str, Any]]:
    """The communities that get a colour of their own (two members or more), with their hubs."""
    palette = config()["community_palette"]
    result = []
    for i, members in enumerate(groups[:len(palette)]):
        if len(members) < 2:
            break
        hubs = sorted(members, key=lambda n: (-nodes[index[n]]["degree"], n))[:3]
        result.append({"colour": palette[i], "size": len(members),
                       "hubs": [nodes[index[n]]["label"] for n in hubs]})
    return result


def notes(cat: Catalogue, part: Subgraph, sel: Selection) -> list[str]:
    """What the page shows, in words: the selection, and what a cap left out."""
    said = []
    if sel.query:
        said.append(f"the graph the query {sel.query.name or sel.query.origin} returns")
    if sel.focus:
        names = ", ".join(sorted(display_label(cat.entity(n), sel.lang) for n in part.focus))
        said.append(f"within {sel.depth} relation(s) of {names}")
    if sel.types:
        said.append("types: " + ", ".join(t for t in TOP_TYPES if t in sel.types))
    for name, value in (("article", sel.article), ("article language", sel.article_lang),
                        ("published since", sel.since), ("published until", sel.until)):
        if value is not None:
            said.append(f"{name}: {value}")
    return said


def omission(part: Subgraph) -> str:
    shown = len(part.nodes)
    return (f"showing the {shown:,} most central of {shown + part.omitted_nodes:,} entities: "
            f"{part.omitted_nodes:,} entities and {part.omitted_links:,} relations left out "
            "(narrow with --focus, --type or the article filters, or raise --max-nodes)")


# --------------------------------------------------------------------------- the page

def render(data: dict[str, Any], *, title: str = TITLE) -> str:
    """The page: vis-network, the page's style and script inlined, the data as a JSON block.

    One pass fills both placeholders, so a title or an article that says ``{{DATA}}`` stays text."""
    values = {"{{TITLE}}": html.escape(title), "{{DATA}}": embed_json(data)}
    return re.sub(r"\{\{(?:TITLE|DATA)\}\}", lambda m: values[m.group(0)], _page_template())


@cache
def _page_template() -> str:
    """``network.html`` with the scripts, the styles and the policy in place.

    The Content-Security-Policy lists the SHA-256 of each inline script and style, so nothing
    else inline runs; the JSON data block is not script and needs no hash."""
    # pyvis's own folder, without importing pyvis (its import pulls in IPython and jinja2: 0.6 s)
    lib = Path(importlib.util.find_spec("pyvis").submodule_search_locations[0]) / "lib" / "vis-9.1.2"
    scripts = [(lib / "vis-network.min.js").read_text(encoding="utf-8"), _template("network.js")]
    styles = [(lib / "vis-network.css").read_text(encoding="utf-8"), _template("network.css")]
    policy = ("default-src 'none'; script-src " + " ".join(_hash(s) for s in scripts)
              + "; style-src " + " ".join(_hash(s) for s in styles)
              + "; img-src data:; base-uri 'none'; form-action 'none'")
    page = _template("network.html")
    for placeholder, value in (("{{POLICY}}", html.escape(policy, quote=False)),
                               ("{{VIS_CSS}}", _inline(styles[0], "style")),
                               ("{{PAGE_CSS}}", _inline(styles[1], "style")),
                               ("{{VIS_JS}}", _inline(scripts[0], "script")),
                               ("{{PAGE_JS}}", _inline(scripts[1], "script"))):
        page = page.replace(placeholder, value)
    return page


def _hash(block: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(block.encode("utf-8")).digest()).decode() + "'"


def _inline(block: str, tag: str) -> str:
    """A block as is (its hash must match), refusing one that would end its element early or
    hold a placeholder filled later (the title and the data go in after the blocks)."""
    if f"</{tag}" in block.lower() or "{{TITLE}}" in block or "{{DATA}}" in block:
        raise ValueError(f"an inline {tag} block cannot be inlined as is")
    return block


def embed_json(data: Any) -> str:
    """JSON that is inert inside ``<script type="application/json">``: no ``<``, ``>``, ``&``."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    for char, escaped in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"),
                          ("\u2028", "\\u2028"), ("\u2029", "\\u2029")):
        text = text.replace(char, escaped)
    return text


def write_view(store: GraphStore, path: Path, sel: Selection = Selection(), *, title: str | None = None) -> Path:
    """Write the page for ``sel``; a cap is reported on stderr as well as on the page."""
    data = view_data(store, sel)
    if data["omitted"]:
        print(f"{path.name}: {data['omitted']}", file=sys.stderr)
    write_atomically(path, render(data, title=title or TITLE).encode("utf-8"))
    return path
