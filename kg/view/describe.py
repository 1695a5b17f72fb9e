"""Describing the drawn nodes: their names in the page's language, their top class, and what
their tooltips show (read for them only, :func:`describe_nodes`)."""

from __future__ import annotations

from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from functools import cache
from typing import Any

import pyoxigraph as ox

from kg.paths import ONTOLOGY_FILE
from kg.view.config import config
from kg.view.read import (Catalogue, Entity, Link, article_graphs, load_anchors, load_evidence, load_figures,
                          load_mentions, load_statements)
from kg.vocab import KG_NS, RDFS, TOP_TYPES, top_type_of

OTHER = "Other"


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


def describe(entity: Entity, lang: str) -> dict[str, Any]:
    """Tooltip data of a node: classes, labels, facts, figures, articles and sentences (their IRIs).

    Each list is capped (``*_per_node`` in ``templates/view.json``) so that a hub named in every
    article weighs on the page no more than any node: the first labels and facts in sorted order,
    the first figures and sentences in article order; ``more`` says how many of each were left out."""
    limits = config()
    labels = sorted({(text, language) for text, language, _ in entity.labels})
    facts = sorted({(term_label(p, lang), v) for p, v in entity.facts})
    return {
        "classes": sorted(term_label(c, lang) for c in entity.classes),
        "labels": [list(label) for label in labels[:limits["labels_per_node"]]],
        "facts": [list(f) for f in facts[:limits["facts_per_node"]]],
        "figures": sorted(entity.figures),
        "articles": entity.articles,
        "sentences": list(entity.sentences),
        "more": {"labels": max(0, len(labels) - limits["labels_per_node"]),
                 "facts": max(0, len(facts) - limits["facts_per_node"]),
                 "figures": entity.figure_count - len(entity.figures),
                 "sentences": max(0, entity.sentence_count - limits["sentences_per_node"])},
    }


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
        load_statements(cat, nodes, article_graphs(cat, articles))
        load_anchors(cat, {n for n in named if _needs_anchors(cat.entity(n), lang)})

    with ThreadPoolExecutor(max_workers=2) as pool:
        jobs = [pool.submit(load_mentions, cat, named, articles), pool.submit(load_evidence, cat, set(links), articles),
                pool.submit(statements), pool.submit(load_figures, cat, named, articles)]
        for job in jobs:
            job.result()
