"""Reading the store: the catalogue that choosing the nodes needs, then what the drawn nodes'
and edges' tooltips show, with VALUES-bounded queries that count and format inside Oxigraph."""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date

import pyoxigraph as ox

from kg.store import GraphStore
from kg.view.config import config
from kg.vocab import DCTERMS, ENTITIES_GRAPH, ID_NS, KG_NS, NIF, RDF, RDFS, SCHEMA, SKOS, top_type_of

PROJECT_NS = ID_NS.removesuffix("id/")  # entities, articles, spans and graphs: nodes in a query result
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
# every article with what the article filters need; the source (URL, title) only of those a shown sentence is from
_ARTICLES = _PREFIXES + """
SELECT ?g ?a ?stem ?lang ?date WHERE { GRAPH ?g {
  ?a a kg:Article ; dcterms:identifier ?stem .
  OPTIONAL { ?a dcterms:language ?lang } OPTIONAL { ?a schema:datePublished ?date } } }"""
_SOURCES = _PREFIXES + """SELECT ?a ?url ?title WHERE {{ VALUES ?a {{ {articles} }}
  OPTIONAL {{ ?a schema:url ?url }} OPTIONAL {{ ?a dcterms:title ?title }} }}"""
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
# classes, labels and tooltip facts at once (filed by file_statement)
_STATEMENTS = _PREFIXES + """SELECT DISTINCT ?e ?p ?o WHERE {{ VALUES ?e {{ {nodes} }} ?e ?p ?o
  FILTER(isLiteral(?o) || (isIRI(?o) && (?p = rdf:type || !STRSTARTS(STR(?o), "{project}")))) }}"""
# one row per fact, not per graph restating it (a hub's roles and dates recur in thousands of articles)
_FACTS = _PREFIXES + """SELECT DISTINCT ?e ?p ?o WHERE {{ VALUES ?e {{ {nodes} }} {graphs} GRAPH ?g {{ ?e ?p ?o }}
  FILTER((isLiteral(?o) && ?p NOT IN ({labels})) || (isIRI(?o) && ?p != rdf:type && !STRSTARTS(STR(?o), "{project}"))) }}"""
# mentions of the drawn entities, by named graph (an article's mentions are in its graph); the
# subqueries make Oxigraph join by hash rather than look every mention up one by one
_MENTIONS_OF = "{{ SELECT ?m ?e ?g WHERE {{ VALUES ?e {{ {nodes} }} GRAPH ?g {{ ?m kg:denotes ?e }} }} }} {graphs}"
_MENTION_COUNTS = _PREFIXES + "SELECT ?e (COUNT(DISTINCT ?g) AS ?a) (COUNT(DISTINCT ?s) AS ?n) WHERE {{ " + _MENTIONS_OF + """
  {{ SELECT ?m ?s WHERE {{ ?m kg:inSentence ?s }} }} }} GROUP BY ?e"""
_SENTENCES_OF = _PREFIXES + "SELECT DISTINCT ?e ?g ?begin ?s WHERE {{ " + _MENTIONS_OF + """
  ?m kg:inSentence ?s . ?s nif:beginIndex ?begin }}"""
_SENTENCE_TEXTS = _PREFIXES + "SELECT ?s ?text WHERE {{ VALUES ?s {{ {sentences} }} ?s nif:anchorOf ?text }}"
_ANCHORS = _PREFIXES + """SELECT ?e ?anchor (COUNT(*) AS ?n) WHERE {{ VALUES ?e {{ {nodes} }}
  ?m kg:denotes ?e . ?m nif:anchorOf ?anchor }} GROUP BY ?e ?anchor"""
_EVIDENCE = _PREFIXES + """SELECT ?s ?p ?o (GROUP_CONCAT(CONCAT(STR(?g), " ", STR(?begin), " ", STR(?sentence));
  SEPARATOR="\\n") AS ?evidence) WHERE {{
  {{ SELECT ?x ?s WHERE {{ VALUES ?s {{ {subjects} }} ?x rdf:subject ?s }} }}
  {{ SELECT ?x ?o WHERE {{ VALUES ?o {{ {objects} }} ?x rdf:object ?o }} }}
  {{ SELECT ?x ?p ?g WHERE {{ {graphs} GRAPH ?g {{ ?x rdf:predicate ?p }} }} }} {{ SELECT ?x ?sentence WHERE {{ ?x kg:evidence ?sentence }} }}
  ?sentence nif:beginIndex ?begin }} GROUP BY ?s ?p ?o"""
# observations (what kg:about relates, by the data contract: checking each one's type cost 25 times the
# count) about the drawn entities, by named graph; a figure's tooltip line ("trade value, 2023:
# 34900000000 USD (“34,9 miljard dollar”)": measure and period, or "figure"; value and unit; the
# words quoted) is made here, one row per observation, with its position in the article
_OBSERVATIONS_OF = """{{ SELECT ?x ?e ?g WHERE {{ VALUES ?e {{ {nodes} }} GRAPH ?g {{ ?x kg:about ?e }} }} }}
  {graphs}"""
_FIGURE_COUNTS = _PREFIXES + "SELECT ?e (COUNT(*) AS ?n) WHERE {{ " + _OBSERVATIONS_OF + " }} GROUP BY ?e"
_FIGURES_OF = _PREFIXES + "SELECT ?e ?g ?begin ?text WHERE {{ " + _OBSERVATIONS_OF + """
    OPTIONAL {{ ?x kg:value ?value }} OPTIONAL {{ ?x kg:unit ?unit }} OPTIONAL {{ ?x kg:measure ?measure }}
    OPTIONAL {{ ?x kg:period ?period }} OPTIONAL {{ ?x nif:anchorOf ?anchor }} OPTIONAL {{ ?x nif:beginIndex ?b }}
    BIND(COALESCE(STR(?measure), "") AS ?m) BIND(COALESCE(STR(?period), "") AS ?y)
    BIND(COALESCE(STR(?value), "") AS ?v) BIND(COALESCE(STR(?unit), "") AS ?u) BIND(COALESCE(STR(?anchor), "") AS ?a)
    BIND(IF(?m != "" && ?y != "", CONCAT(?m, ", ", ?y), IF(?m != "", ?m, IF(?y != "", ?y, "figure"))) AS ?head)
    BIND(IF(?v != "" && ?u != "", CONCAT(?v, " ", ?u), CONCAT(?v, ?u)) AS ?amount)
    BIND(CONCAT(?head, ": ", ?amount, IF(?a != "", CONCAT(" (“", ?a, "”)"), "")) AS ?text) BIND(COALESCE(?b, 0) AS ?begin) }}"""
BATCH = 4000  # IRIs in one VALUES block


@dataclass(frozen=True)
class Article:
    stem: str
    graph: str
    iri: str
    lang: str | None
    published: date | None


@dataclass(frozen=True)
class Sentence:
    stem: str
    begin: int
    text: str


@dataclass
class Entity:
    """What the store (or a query result) says of one resource: what its tooltip shows.

    Read for the drawn nodes only (:func:`describe_nodes`), within the selection's articles; of
    the sentences and figures only the first few (in article order) are read, and how many there are."""

    iri: str
    classes: set[str] = field(default_factory=set)
    labels: set[tuple[str, str, str]] = field(default_factory=set)  # text, language, property
    anchors: Counter[str] = field(default_factory=Counter)  # surface forms, by mentions
    facts: set[tuple[str, str]] = field(default_factory=set)  # property, value
    figures: list[str] = field(default_factory=list)  # the first figure lines, in article order
    figure_count: int = 0  # all figures about it
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
    evidence_count: dict[Link, int] = field(default_factory=dict)  # → all the sentences it was read from
    loaded: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))  # what → IRIs read

    def entity(self, iri: str) -> Entity:
        found = self.entities.get(iri)
        if found is None:
            found = self.entities[iri] = Entity(iri, set(self.node_classes.get(iri, ())))
        return found

    def graph_stems(self) -> dict[str, str]:
        return {a.graph: a.stem for a in self.articles.values()}


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


def _articles(store: GraphStore) -> dict[str, Article]:
    result = {}
    for row in store.query(_ARTICLES):
        stem = row["stem"].value
        result[stem] = Article(stem, row["g"].value, row["a"].value, _value(row["lang"]), _date(row["date"]))
    return result


def load_sources(cat: Catalogue, stems: Iterable[str]) -> dict[str, tuple[str | None, str | None]]:
    """URL and title of the articles ``stems``: read for the articles the page cites only (titles
    of 100,000 articles cost the catalogue most of its time)."""
    stem_of = {cat.articles[s].iri: s for s in stems}
    found: dict[str, tuple[str | None, str | None]] = {}
    for batch in _batches(stem_of):
        for row in cat.store.query(_SOURCES.format(articles=_iris(batch))):
            found[stem_of[row["a"].value]] = (_value(row["url"]), _value(row["title"]))
    return found


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


def article_graphs(cat: Catalogue, articles: set[str] | None) -> set[str] | None:
    """The named graphs of ``articles`` and the shared entity descriptions; ``None`` for all."""
    return None if articles is None else {cat.articles[s].graph for s in articles} | {ENTITIES_GRAPH}


def _within(graphs: Iterable[str] | None) -> str:
    """A VALUES block binding ``?g`` to ``graphs`` (none: every graph)."""
    return "" if graphs is None else "VALUES ?g { " + _iris(graphs) + " }"


def load_statements(cat: Catalogue, nodes: Iterable[str], graphs: set[str] | None = None, *,
                    facts: bool = True) -> None:
    """Classes and labels (and the tooltip facts ``graphs`` state) of the project's resources among ``nodes``.

    Without ``graphs`` names and facts come in one pass over the nodes' statements (two passes
    cost 1.8 times as much at 10,000 articles, where the hubs have a million)."""
    todo = {n for n in nodes if n.startswith(ID_NS) and n not in cat.loaded["facts" if facts else "names"]}
    labels = ", ".join(f"<{p}>" for p in LABEL_PROPERTIES)
    names = _STATEMENTS if facts and graphs is None else _NAMES
    for batch in _batches(todo - cat.loaded["names"] if names is _NAMES else todo):
        for row in cat.store.query(names.format(nodes=_iris(batch), labels=labels, project=PROJECT_NS)):
            file_statement(cat.entity(row[0].value), row[1].value, row[2])
    cat.loaded["names"] |= todo
    if facts and names is _NAMES:
        skipped = ", ".join(f"<{p}>" for p in (*LABEL_PROPERTIES, *sorted(HIDDEN_PROPERTIES)))
        for batch in _batches(todo):
            for row in cat.store.query(_FACTS.format(nodes=_iris(batch), graphs=_within(graphs), labels=skipped,
                                                     project=PROJECT_NS)):
                file_statement(cat.entity(row[0].value), row[1].value, row[2])
    if facts:
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
    the first ``sentences_per_node`` of those (by article, then position)."""
    order = _graph_order(cat, articles)
    within = "" if articles is None else _within(order)
    counts: dict[str, int] = {}
    for row in _count_rows(cat, nodes, "mentions", _MENTION_COUNTS, within):
        cat.entity(row[0].value).articles = int(row[1].value)
        counts[row[0].value] = cat.entity(row[0].value).sentence_count = int(row[2].value)
    limit = config()["sentences_per_node"]
    found = _first_in_articles(cat, counts, order, within, limit, _SENTENCES_OF)
    texts = {key for keys in found.values() for key in keys}
    _load_sentences(cat, {k for _, _, k in texts} - cat.sentences.keys(), {k: (stem, b) for stem, b, k in texts})
    for node, keys in found.items():
        cat.entity(node).sentences = [k for _, _, k in keys if k in cat.sentences]


def load_figures(cat: Catalogue, nodes: Iterable[str], articles: set[str] | None) -> None:
    """For each of ``nodes``: how many figures (observations) the articles state about it, and the
    first ``figures_per_node`` of those (by article, then position) as tooltip lines."""
    order = _graph_order(cat, articles)
    within = "" if articles is None else _within(order)
    counts: dict[str, int] = {}
    for row in _count_rows(cat, nodes, "figures", _FIGURE_COUNTS, within):
        counts[row[0].value] = cat.entity(row[0].value).figure_count = int(row[1].value)
    for node, lines in _first_in_articles(cat, counts, order, within, config()["figures_per_node"],
                                          _FIGURES_OF).items():
        cat.entity(node).figures = [text for _, _, text in lines]


def _count_rows(cat: Catalogue, nodes: Iterable[str], kind: str, query: str,
                within: str) -> Iterator[ox.QuerySolution]:
    """The rows of a per-node count ``query`` for those of ``nodes`` whose ``kind`` is not loaded
    yet, a batch of nodes at a time; once read, they count as loaded."""
    todo = sorted(set(nodes) - cat.loaded[kind])
    for batch in _batches(todo):
        yield from cat.store.query(query.format(nodes=_iris(batch), graphs=within))
    cat.loaded[kind] |= set(todo)


def _graph_order(cat: Catalogue, articles: set[str] | None) -> list[str]:
    """The named graphs of the selection's articles, in article order (by stem)."""
    return [cat.articles[s].graph for s in sorted(cat.articles if articles is None else articles)]


def _first_in_articles(cat: Catalogue, counts: dict[str, int], order: list[str], within: str, limit: int,
                       query: str) -> dict[str, list[tuple[str, int, str]]]:
    """The first ``limit`` items (article stem, position, value) of each node of ``counts``, by
    article (in ``order``) then position; ``query`` gives node, graph, position and value rows for
    ``{nodes}`` within ``{graphs}``, and ``counts`` how many items each node has in all.

    They are read from a prefix of the articles expected to hold twice the items wanted, in
    powers of two, growing fourfold while a node has fewer there: a hub mentioned in every
    article costs about as much as a rare entity, and what is not shown is only counted."""
    stems = cat.graph_stems()
    size = {}
    for node, n in counts.items():
        wanted = len(order) * 2 * limit / n
        size[node] = len(order) if wanted >= len(order) / 2 else 1 << max(5, math.ceil(math.log2(wanted)))
    found: dict[str, set[tuple[str, int, str]]] = defaultdict(set)
    while size:
        for prefix in sorted(set(size.values())):
            group = [n for n, k in size.items() if k == prefix]
            scope = within if prefix >= len(order) else _within(order[:prefix])
            for batch in _batches(group):
                for row in cat.store.query(query.format(nodes=_iris(batch), graphs=scope)):
                    stem = stems.get(row[1].value)
                    if stem is not None:
                        found[row[0].value].add((stem, int(row[2].value), row[3].value))
            for node in group:
                if prefix >= len(order) or len(found[node]) >= min(limit, counts[node]):
                    del size[node]
                else:
                    size[node] = min(len(order), prefix * 4)
    return {node: sorted(items)[:limit] for node, items in found.items()}


def _load_sentences(cat: Catalogue, keys: set[str], where: dict[str, tuple[str, int]]) -> None:
    for batch in _batches(keys):
        for row in cat.store.query(_SENTENCE_TEXTS.format(sentences=_iris(batch))):
            key = row[0].value
            stem, begin = where[key]
            cat.sentences.setdefault(key, Sentence(stem, begin, row[1].value))


def load_evidence(cat: Catalogue, links: set[Link], articles: set[str] | None) -> None:
    """The first ``evidence_per_edge`` sentences (by article, then position) each link was read
    from in the articles, and how many there are."""
    within = "" if articles is None else _within(_graph_order(cat, articles))
    limit = config()["evidence_per_edge"]
    stems = cat.graph_stems()
    todo = {link for link in links if link not in cat.evidence}
    subjects = sorted({s for s, _, _ in todo})
    objects = _iris(sorted({o for _, _, o in todo}))
    found: dict[Link, set[tuple[str, int, str]]] = defaultdict(set)
    for batch in _batches(subjects):
        for row in cat.store.query(_EVIDENCE.format(subjects=_iris(batch), objects=objects, graphs=within)):
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
        cat.evidence_count[link] = len(found.get(link, ()))


def file_statement(entity: Entity, prop: str, obj: ox.Term) -> bool:
    """File a statement about ``entity`` as a class, a label or a tooltip fact (a literal, or a
    link out of the project such as a Wikidata ``owl:sameAs``); ``False`` when it relates the
    entity to another resource of the project (or a blank node): an edge, if both are drawn."""
    if prop == RDF + "type" and isinstance(obj, ox.NamedNode):
        entity.classes.add(obj.value)
    elif isinstance(obj, ox.Literal) and prop in LABEL_PROPERTIES:
        entity.labels.add((obj.value, obj.language or "", LABEL_PROPERTIES[prop]))
    elif isinstance(obj, ox.Literal):
        if prop not in HIDDEN_PROPERTIES:
            entity.facts.add((prop, obj.value))
    elif isinstance(obj, ox.NamedNode) and not obj.value.startswith(PROJECT_NS):
        entity.facts.add((prop, obj.value))
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
