"""Map: an article and its :class:`Extraction` → RDF quads in the article's named graph.

Knows nothing of languages: it writes down what the extractor found, with provenance for
every piece (mentions with offsets into the body, the sentence each fact was read from), and
describes the entities it names in the shared ``graph/entities`` graph.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

import pyoxigraph as ox

from kg.dates import PartialDate
from kg.extractor.model import Entity, Extraction
from kg.lexicon import Lexicon
from kg.mapper.iris import article_node, entity_node, graph_node, span_node
from kg.mapper.literals import date_literal, integer, xsd
from kg.reader import Article
from kg.vocab import DCTERMS, ENTITIES_GRAPH, KG, NIF, RDF, RDFS, SCHEMA, SKOS

_TYPE = ox.NamedNode(RDF + "type")
_LABEL = ox.NamedNode(RDFS + "label")
_PREF = ox.NamedNode(SKOS + "prefLabel")
_ALT = ox.NamedNode(SKOS + "altLabel")
_BEGIN = ox.NamedNode(NIF + "beginIndex")
_END = ox.NamedNode(NIF + "endIndex")
_ANCHOR = ox.NamedNode(NIF + "anchorOf")
_DATE_RELATIONS = {"startDate", "endDate", "date"}


@dataclass(frozen=True)
class EntitySummary:
    """What the shared entities graph needs to know of one entity."""

    key: str
    cls: str
    name: str
    series: str | None
    from_lexicon: bool
    language: str = "en"
    """Language of ``name``."""


def map_article(article: Article, extraction: Extraction) -> list[ox.Quad]:
    """All quads of the article's named graph."""
    g = graph_node(article.stem)
    a = article_node(article.stem)
    quads: list[ox.Quad] = []

    def add(s: ox.NamedNode, p: ox.NamedNode, o: ox.NamedNode | ox.Literal) -> None:
        quads.append(ox.Quad(s, p, o, g))

    _describe_article(article, a, add)
    language = article.language if article.language != "und" else ""
    cited: set[int] = set()
    for entity in extraction.entities.values():
        node = entity_node(entity.key)
        add(node, _TYPE, KG[entity.cls])
        for surface in sorted({m.surface for m in entity.mentions}):
            add(node, _ALT, ox.Literal(surface, language=language) if language else ox.Literal(surface))
        for mention in entity.mentions:
            m = span_node(article.stem, "mention", mention.begin, mention.end)
            add(m, _TYPE, KG.Mention)
            add(m, KG.denotes, node)
            add(m, KG.inArticle, a)
            add(m, _BEGIN, integer(mention.begin, non_negative=True))
            add(m, _END, integer(mention.end, non_negative=True))
            add(m, _ANCHOR, ox.Literal(mention.surface))
            add(m, KG.inSentence, _sentence_node(article, extraction, mention.sentence))
            cited.add(mention.sentence)
    for fact in extraction.facts:
        subject = entity_node(fact.subject)
        predicate = KG[fact.relation]
        obj = _object(fact.relation, fact.object, fact.object_is_entity)
        add(subject, predicate, obj)
        digest = hashlib.sha1(f"{subject.value} {predicate.value} {obj}".encode()).hexdigest()[:16]
        assertion = ox.NamedNode(f"{a.value}#fact-{digest}")
        add(assertion, _TYPE, KG.Assertion)
        add(assertion, ox.NamedNode(RDF + "subject"), subject)
        add(assertion, ox.NamedNode(RDF + "predicate"), predicate)
        add(assertion, ox.NamedNode(RDF + "object"), obj)
        add(assertion, KG.evidence, _sentence_node(article, extraction, fact.sentence))
        add(assertion, KG.inArticle, a)
        cited.add(fact.sentence)
    for figure in extraction.figures:
        obs = span_node(article.stem, "figure", figure.begin, figure.end)
        add(obs, _TYPE, KG.Observation)
        add(obs, KG.inArticle, a)
        add(obs, KG.value, ox.Literal(format(figure.value, "f"), datatype=xsd("decimal")))
        add(obs, KG.unit, ox.Literal(figure.unit))
        add(obs, KG.measure, ox.Literal(figure.measure, language="en"))
        if figure.period:
            year = figure.period.isdigit() and len(figure.period) == 4
            add(obs, KG.period, ox.Literal(figure.period, datatype=xsd("gYear" if year else "string")))
        add(obs, _ANCHOR, ox.Literal(figure.surface))
        add(obs, _BEGIN, integer(figure.begin, non_negative=True))
        add(obs, _END, integer(figure.end, non_negative=True))
        add(obs, KG.evidence, _sentence_node(article, extraction, figure.sentence))
        for key in figure.about:
            add(obs, KG.about, entity_node(key))
        cited.add(figure.sentence)
    for index in sorted(cited):
        span = extraction.sentences[index]
        s = _sentence_node(article, extraction, index)
        add(s, _TYPE, KG.Sentence)
        add(s, KG.inArticle, a)
        add(s, _BEGIN, integer(span.begin, non_negative=True))
        add(s, _END, integer(span.end, non_negative=True))
        add(s, _ANCHOR, ox.Literal(article.body[span.begin:span.end]))
    return quads


def _describe_article(article: Article, a: ox.NamedNode, add) -> None:
    add(a, _TYPE, KG.Article)
    add(a, ox.NamedNode(DCTERMS + "identifier"), ox.Literal(article.stem))
    add(a, KG.fileName, ox.Literal(article.path.replace("\\", "/").rsplit("/", 1)[-1]))
    add(a, KG.contentHash, ox.Literal(article.content_hash))
    add(a, ox.NamedNode(DCTERMS + "language"), ox.Literal(article.language))
    add(a, ox.NamedNode(SCHEMA + "articleBody"), ox.Literal(article.body))
    if article.title:
        add(a, ox.NamedNode(DCTERMS + "title"), ox.Literal(article.title))
    if article.published:
        add(a, ox.NamedNode(SCHEMA + "datePublished"), date_literal(article.published))
    if article.source_url:
        add(a, ox.NamedNode(SCHEMA + "url"), ox.NamedNode(article.source_url))


def _sentence_node(article: Article, extraction: Extraction, index: int) -> ox.NamedNode:
    span = extraction.sentences[index]
    return span_node(article.stem, "char", span.begin, span.end)


def _object(relation: str, value, is_entity: bool) -> ox.NamedNode | ox.Literal:
    if is_entity:
        return entity_node(value)
    if relation in _DATE_RELATIONS and isinstance(value, PartialDate):
        return date_literal(value)
    if relation == "edition":
        return integer(int(value))
    if relation == "role":
        return ox.Literal(str(value), language="en")
    return ox.Literal(str(value))


def summarise(entities: Iterable[Entity]) -> list[EntitySummary]:
    """The per-entity facts the shared entities graph is built from."""
    return [EntitySummary(e.key, e.cls, e.name, e.series, e.from_lexicon, e.name_language) for e in entities]


def describe_entities(summaries: Iterable[EntitySummary], lexicon: Lexicon) -> Iterator[ox.Quad]:
    """The ``graph/entities`` quads: names, lexicon labels, links, series of each entity."""
    g = ox.NamedNode(ENTITIES_GRAPH)
    seen: set[str] = set()
    for summary in sorted(summaries, key=lambda s: (s.key, not s.from_lexicon)):
        if summary.key in seen:
            continue
        seen.add(summary.key)
        node = entity_node(summary.key)
        if summary.from_lexicon and summary.key in lexicon.entries:
            entry = lexicon.entries[summary.key]
            yield ox.Quad(node, _LABEL, ox.Literal(entry.name, language="en"), g)
            for triple in lexicon.description(summary.key):
                yield ox.Quad(triple.subject, triple.predicate, triple.object, g)
        else:
            yield ox.Quad(node, _TYPE, KG[summary.cls], g)
            yield ox.Quad(node, _LABEL, ox.Literal(summary.name, language=summary.language), g)
            yield ox.Quad(node, _PREF, ox.Literal(summary.name, language=summary.language), g)
        if summary.series and summary.series != summary.key:
            # the edition's series, by name only: series nodes are not entities of an article
            yield ox.Quad(node, KG.series, ox.Literal(lexicon.entries[summary.series].name, language="en"), g)
