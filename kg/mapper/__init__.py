"""Map: an article and its :class:`Extraction` → RDF quads in the article's named graph.

Knows nothing of languages: it writes down what the extractor found, with provenance for
every piece (mentions with offsets into the body, the sentence each fact was read from), and
describes the entities it names in the shared ``graph/entities`` graph.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

import pyoxigraph as ox

from kg.dates import PartialDate
from kg.extractor.model import Entity, Extraction
from kg.lexicon import Lexicon
from kg.mapper.iris import article_iri, entity_node, entity_ref, graph_iri, span_iri
from kg.mapper.literals import date_literal
from kg.mapper.nquads import QuadLines, decimal, iri, literal, typed
from kg.reader import Article
from kg.vocab import DCTERMS, ENTITIES_GRAPH, KG, KG_NS, NIF, RDF, RDFS, SCHEMA, SKOS, XSD

_TYPE = ox.NamedNode(RDF + "type")
_LABEL = ox.NamedNode(RDFS + "label")
_PREF = ox.NamedNode(SKOS + "prefLabel")

# the article graph's terms, as N-Quads text
_RDF_TYPE = iri(RDF + "type")
_ALT = iri(SKOS + "altLabel")
_BEGIN, _END, _ANCHOR = (iri(NIF + name) for name in ("beginIndex", "endIndex", "anchorOf"))
_SUBJECT, _PREDICATE, _OBJECT = (iri(RDF + name) for name in ("subject", "predicate", "object"))
_MENTION, _ASSERTION, _OBSERVATION, _SENTENCE = (iri(KG_NS + name) for name in
                                                 ("Mention", "Assertion", "Observation", "Sentence"))
_DENOTES, _IN_ARTICLE, _IN_SENTENCE, _EVIDENCE, _ABOUT, _FIELD = (
    iri(KG_NS + name) for name in ("denotes", "inArticle", "inSentence", "evidence", "about", "cooperationField"))
_KG_VALUE, _KG_UNIT, _KG_MEASURE, _KG_PERIOD = (iri(KG_NS + name) for name in ("value", "unit", "measure", "period"))
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


def map_article(article: Article, extraction: Extraction) -> QuadLines:
    """All quads of the article's named graph, as N-Quads terms (see :mod:`kg.mapper.nquads`)."""
    out = QuadLines(graph_iri(article.stem))
    add = out.add
    a = iri(article_iri(article.stem))
    _describe_article(article, a, add)
    language = article.language if article.language != "und" else None
    sentences = [iri(span_iri(article.stem, "char", s.begin, s.end)) for s in extraction.sentences]
    cited: set[int] = set()
    topics_in = _topics_by_sentence(extraction)
    for entity in extraction.entities.values():
        node = iri(entity_ref(entity.key))
        add(node, _RDF_TYPE, iri(KG_NS + entity.cls))
        for surface in sorted({m.surface for m in entity.mentions}):
            add(node, _ALT, literal(surface, language=language))
        for mention in entity.mentions:
            m = iri(span_iri(article.stem, "mention", mention.begin, mention.end))
            add(m, _RDF_TYPE, _MENTION)
            add(m, _DENOTES, node)
            add(m, _IN_ARTICLE, a)
            add(m, _BEGIN, _index(mention.begin))
            add(m, _END, _index(mention.end))
            add(m, _ANCHOR, literal(mention.surface))
            add(m, _IN_SENTENCE, sentences[mention.sentence])
            cited.add(mention.sentence)
    for fact in extraction.facts:
        subject = iri(entity_ref(fact.subject))
        predicate = iri(KG_NS + fact.relation)
        obj = _object(fact.relation, fact.object, fact.object_is_entity)
        add(subject, predicate, obj)
        # the digest is of the terms as Oxigraph writes them (``<iri>``, ``"lit"@en``)
        digest = hashlib.sha1(f"{subject[1:-1]} {predicate[1:-1]} {obj}".encode()).hexdigest()[:16]
        assertion = iri(f"{a[1:-1]}#fact-{digest}")
        add(assertion, _RDF_TYPE, _ASSERTION)
        add(assertion, _SUBJECT, subject)
        add(assertion, _PREDICATE, predicate)
        add(assertion, _OBJECT, obj)
        add(assertion, _EVIDENCE, sentences[fact.sentence])
        add(assertion, _IN_ARTICLE, a)
        if fact.relation == "cooperatesWith":
            for topic in topics_in.get(fact.sentence, ()):
                add(assertion, _FIELD, topic)
        cited.add(fact.sentence)
    for figure in extraction.figures:
        obs = iri(span_iri(article.stem, "figure", figure.begin, figure.end))
        add(obs, _RDF_TYPE, _OBSERVATION)
        add(obs, _IN_ARTICLE, a)
        add(obs, _KG_VALUE, decimal(figure.value))
        add(obs, _KG_UNIT, literal(figure.unit))
        add(obs, _KG_MEASURE, literal(figure.measure, language="en"))
        if figure.period:
            year = figure.period.isdigit() and len(figure.period) == 4
            add(obs, _KG_PERIOD, typed(figure.period, "gYear" if year else "string"))
        add(obs, _ANCHOR, literal(figure.surface))
        add(obs, _BEGIN, _index(figure.begin))
        add(obs, _END, _index(figure.end))
        add(obs, _EVIDENCE, sentences[figure.sentence])
        for key in figure.about:
            add(obs, _ABOUT, iri(entity_ref(key)))
        cited.add(figure.sentence)
    for index in sorted(cited):
        span = extraction.sentences[index]
        s = sentences[index]
        add(s, _RDF_TYPE, _SENTENCE)
        add(s, _IN_ARTICLE, a)
        add(s, _BEGIN, _index(span.begin))
        add(s, _END, _index(span.end))
        add(s, _ANCHOR, literal(article.body[span.begin:span.end]))
    return out


def _topics_by_sentence(extraction: Extraction) -> dict[int, list[str]]:
    """The topics (fields of cooperation) each sentence names, as N-Quads terms in a fixed order.
    A cooperation assertion carries those of its sentence (``kg:cooperationField``): joining
    assertions to the mentions of their sentences at query time costs seconds on 10,000
    articles, writing them here a few quads an article."""
    found: dict[int, set[str]] = {}
    for entity in extraction.entities.values():
        if entity.type == "Topic":
            for mention in entity.mentions:
                found.setdefault(mention.sentence, set()).add(iri(entity_ref(entity.key)))
    return {sentence: sorted(topics) for sentence, topics in found.items()}


def _describe_article(article: Article, a: str, add: Callable[[str, str, str], None]) -> None:
    add(a, _RDF_TYPE, iri(KG_NS + "Article"))
    add(a, iri(DCTERMS + "identifier"), literal(article.stem))
    add(a, iri(KG_NS + "fileName"), literal(article.path.replace("\\", "/").rsplit("/", 1)[-1]))
    add(a, iri(KG_NS + "contentHash"), literal(article.content_hash))
    add(a, iri(DCTERMS + "language"), literal(article.language))
    add(a, iri(SCHEMA + "articleBody"), literal(article.body))
    if article.title:
        add(a, iri(DCTERMS + "title"), literal(article.title))
    if article.published:
        add(a, iri(SCHEMA + "datePublished"), str(date_literal(article.published)))
    if article.source_url:
        add(a, iri(SCHEMA + "url"), iri(article.source_url))


def _index(value: int) -> str:
    """An offset into the body. Written as ``xsd:integer``, the form Oxigraph stores every integer
    type in, so the exported files (written from these lines) and the store hold the same literal."""
    return f'"{value}"^^<{XSD}integer>'


def _object(relation: str, value, is_entity: bool) -> str:
    if is_entity:
        return iri(entity_ref(value))
    if relation in _DATE_RELATIONS and isinstance(value, PartialDate):
        return str(date_literal(value))
    if relation == "edition":
        return typed(str(int(value)), "integer")
    if relation == "role":
        return literal(str(value), language="en")
    return literal(str(value))


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
