"""Stable, readable IRIs: the same thing gets the same IRI on every build.

Lexicon entities keep the lexicon's IRI. A thing the recognisers found is named
``id/{type}/{slug}`` from its top type and its folded name, so the IRI depends on nothing but
what the text calls it: rebuilding, reordering or adding articles never renames it. A thing an
article describes without naming it ("a roundtable on digital trade") has the article's stem
after its description in the slug (:meth:`kg.extractor.entities.EntityTable.key_for`).
"""

from __future__ import annotations

import re
from functools import lru_cache

import pyoxigraph as ox

from kg.extractor.normalise import fold
from kg.vocab import ARTICLE_NS, GRAPH_NS, entity_iri

_NON_SLUG = re.compile(r"[^a-z0-9]+")
NEW_PREFIX = "new:"


def slugify(name: str) -> str:
    """ASCII slug of a name: "22e China–ASEAN Expo" → ``22e-china-asean-expo``."""
    slug = _NON_SLUG.sub("-", fold(name)).strip("-")
    return slug[:120] or "unnamed"


def new_key(type_: str, name: str) -> str:
    """The extractor's key for an entity not in the lexicon."""
    return f"{NEW_PREFIX}{type_}:{slugify(name)}"


def entity_ref(key: str) -> str:
    """IRI of an extracted entity key (a lexicon IRI, or ``new:Type:slug``)."""
    if key.startswith(NEW_PREFIX):
        type_, slug = key[len(NEW_PREFIX):].split(":", 1)
        return entity_iri(type_, slug)
    return key


def entity_node(key: str) -> ox.NamedNode:
    return ox.NamedNode(entity_ref(key))


def article_iri(stem: str) -> str:
    return ARTICLE_NS + _safe(stem)


def article_node(stem: str) -> ox.NamedNode:
    return ox.NamedNode(article_iri(stem))


def graph_iri(stem: str) -> str:
    return GRAPH_NS + _safe(stem)


def graph_node(stem: str) -> ox.NamedNode:
    return ox.NamedNode(graph_iri(stem))


def span_iri(stem: str, kind: str, begin: int, end: int) -> str:
    """A span of the article body: ``#char=b,e`` for sentences, ``#mention=b,e`` for mentions."""
    return f"{ARTICLE_NS}{_safe(stem)}#{kind}={begin},{end}"


@lru_cache(maxsize=256)
def _safe(stem: str) -> str:
    """A file stem as an IRI path segment (percent-encode what IRIs do not allow).

    Cached: an article's hundreds of mention and sentence IRIs all start with its stem, and
    encoding it character by character each time was a fifth of the mapper's time."""
    return "".join(ch if ch.isalnum() or ch in "-._~" else "%{:02X}".format(ord(ch)) if ord(ch) < 128 else ch
                   for ch in stem)
