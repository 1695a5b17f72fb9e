"""The reference lexicon (``ontology/lexicon/*.ttl``): known entities and their names.

Read once per process. Two views are offered: plain :class:`LexiconEntry` records for the
extractor (which knows nothing of RDF), and the raw triples for the mapper, which copies an
entry's description into the graph when the entry is mentioned.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache

import pyoxigraph as ox

from kg.errors import DataError
from kg.paths import LEXICON_DIR
from kg.vocab import KG_NS, RDF, RDFS, SKOS, top_type_of

_NAME_PREDICATES = {
    SKOS + "prefLabel": "pref", SKOS + "altLabel": "alt", RDFS + "label": "alt",
    SKOS + "hiddenLabel": "hidden", KG_NS + "acronym": "acronym",
}


@dataclass(frozen=True)
class Label:
    text: str
    lang: str
    kind: str
    """``pref``, ``alt``, ``hidden``, ``acronym`` or ``demonym``."""


@dataclass(frozen=True)
class LexiconEntry:
    iri: str
    cls: str
    """Most specific kg: class of the entry."""
    type: str
    """Its top type."""
    name: str
    """English preferred label."""
    labels: tuple[Label, ...]
    is_series: bool


class Lexicon:
    """All entries of the lexicon files, by IRI."""

    def __init__(self, store: ox.Store) -> None:
        self.store = store
        self.entries: dict[str, LexiconEntry] = {}
        tops = top_type_of()
        rdf_type = RDF + "type"
        by_subject: dict[str, list[ox.Quad]] = {}
        for quad in store:
            if isinstance(quad.subject, ox.NamedNode):
                by_subject.setdefault(quad.subject.value, []).append(quad)
        for iri, quads in by_subject.items():
            classes = [q.object.value[len(KG_NS):] for q in quads
                       if q.predicate.value == rdf_type and q.object.value.startswith(KG_NS)]
            known = [c for c in classes if c in tops and c != "ForumSeries"] or [c for c in classes if c in tops]
            if not known:
                continue
            labels: list[Label] = []
            for q in quads:
                kind = _NAME_PREDICATES.get(q.predicate.value)
                if q.predicate.value == KG_NS + "demonym":
                    kind = "demonym"
                if kind and isinstance(q.object, ox.Literal):
                    labels.append(Label(q.object.value, q.object.language or "", kind))
            english = [l.text for l in labels if l.kind == "pref" and l.lang.startswith("en")]
            name = english[0] if english else next((l.text for l in labels if l.kind == "pref"), iri.rsplit("/", 1)[-1])
            # the most specific class: a top type only when nothing finer is given
            cls = next((c for c in known if c not in tops.values()), known[0])
            self.entries[iri] = LexiconEntry(
                iri=iri, cls=cls, type=tops[cls], name=name,
                labels=tuple(sorted(set(labels), key=lambda l: (l.kind, l.lang, l.text))),
                is_series="ForumSeries" in classes,
            )

    def description(self, iri: str) -> Iterator[ox.Triple]:
        """The lexicon's triples about ``iri``."""
        for quad in self.store.quads_for_pattern(ox.NamedNode(iri), None, None):
            yield ox.Triple(quad.subject, quad.predicate, quad.object)


@cache
def load_lexicon() -> Lexicon:
    """Parse every ``*.ttl`` in the lexicon folder (sorted, so the result is stable)."""
    store = ox.Store()
    files = sorted(LEXICON_DIR.glob("*.ttl"))
    if not files:
        raise DataError(f"no lexicon files in {LEXICON_DIR}")
    for path in files:
        try:
            store.bulk_load(path=str(path), format=ox.RdfFormat.TURTLE)
        except SyntaxError as exc:
            raise DataError(f"{path}: {exc}") from exc
    return Lexicon(store)
