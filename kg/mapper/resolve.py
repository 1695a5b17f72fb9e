"""Entity resolution across articles: one node per real thing, with the evidence kept.

Within an article the extractor already joins the names of one thing (same lexicon entry, an
acronym in brackets, a name with and without its year). Across articles, lexicon entities share
their IRI and new ones get the IRI of their folded name, so exact repeats meet by construction.
What is left are near-repeats ("Retno Marsuti" / "Retno Marsudi", "Tsim Chuk Bun Fruit Company" /
"Tsim Chuk Bun Fruits Company"): a new name is taken for a known entity of the **same type**
when the names are similar enough (rapidfuzz token-sort ratio ≥ the build's threshold), every
number in them is the same (the 21st and the 22nd Expo stay two), and they differ only by one
misspelt word (a word more, or another short name such as "Li"/"Liu", is another thing). Each such merge leaves a
``kg:EntityResolution`` in the article's graph: the name, the entity, the score, the method.

Resolution runs in the building process, article by article in a fixed order, so a graph
built with any number of workers is the same.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

import pyoxigraph as ox
from rapidfuzz import fuzz

from kg.extractor.normalise import fold
from kg.lexicon import Lexicon
from kg.mapper import EntitySummary
from kg.mapper.iris import NEW_PREFIX, article_iri, entity_ref, graph_iri
from kg.mapper.nquads import QuadLines, decimal, iri, literal, statements
from kg.vocab import ENTITIES_GRAPH, ID_NS, KG_NS, RDF, RDFS

DEFAULT_THRESHOLD = 90.0
_MIN_LENGTH = 8
"""Shorter names ("Wang Teng") are too easily alike to be merged on similarity alone."""
_NUMBERS = re.compile(r"\d+")
_LABEL = ox.NamedNode(RDFS + "label")


@dataclass(frozen=True)
class Merge:
    name: str
    source: str
    target: str
    score: float


def _one_typo(a: str, b: str) -> bool:
    """The two names have the same words but one, and that one looks misspelt rather than
    different: both at least five letters, same first letter, 80% alike ("Marsuti"/"Marsudi",
    "Fruit"/"Fruits"). "Li Thomas"/"Liu Thomas", "Hương"/"Phương", or a word more or less
    ("… kinh tế số …") are different names."""
    left, right = Counter(a.split()), Counter(b.split())
    only_a, only_b = list((left - right).elements()), list((right - left).elements())
    if len(only_a) != 1 or len(only_b) != 1:
        return False
    x, y = only_a[0], only_b[0]
    return min(len(x), len(y)) >= 5 and x[0] == y[0] and fuzz.ratio(x, y) >= 80


def _gaps(name: str) -> set[str]:
    """The keys under which :func:`_one_typo` partners of ``name`` meet: the name less one word
    that could be the misspelt one (five letters or more), with that word's first letter.
    Two names with the same words but one share such a key, so a new name is compared with a
    handful of known ones rather than with every name of its type."""
    words = name.split()
    return {" ".join(sorted(words[:i] + words[i + 1:])) + "|" + word[0]
            for i, word in enumerate(words) if len(word) >= 5}


class Resolver:
    """The new (non-lexicon) entities known so far, by top type, and how to match a new name."""

    def __init__(self, threshold: float = DEFAULT_THRESHOLD) -> None:
        self.threshold = threshold
        self._names: dict[str, dict[str, str]] = {}
        """type → folded name → IRI."""
        self._near: dict[str, dict[str, list[str]]] = {}
        """type → gap key (:func:`_gaps`) → folded names, in the order they were learnt."""
        self._rank: dict[str, dict[str, int]] = {}
        """type → folded name → when it was learnt (ties go to the earlier name)."""
        self._iris: set[str] = set()

    @classmethod
    def from_store(cls, store: ox.Store, lexicon: Lexicon, threshold: float = DEFAULT_THRESHOLD) -> "Resolver":
        """Learn the new entities a store already describes (for incremental builds)."""
        resolver = cls(threshold)
        for quad in store.quads_for_pattern(None, _LABEL, None, ox.NamedNode(ENTITIES_GRAPH)):
            iri = quad.subject.value
            if iri.startswith(ID_NS) and iri not in lexicon.entries:
                resolver.register(iri, iri[len(ID_NS):].split("/", 1)[0], quad.object.value)
        return resolver

    def register(self, iri: str, type_: str, name: str) -> None:
        names = self._names.setdefault(type_.lower(), {})
        key = fold(name)
        if key in names:
            return
        names[key] = iri
        self._rank.setdefault(type_.lower(), {})[key] = len(names)
        self._iris.add(iri)
        near = self._near.setdefault(type_.lower(), {})
        for gap in _gaps(key):
            near.setdefault(gap, []).append(key)

    def match(self, iri: str, type_: str, name: str) -> tuple[str, float] | None:
        """The known entity a new name stands for, with the score, or None: the most similar
        name (the first learnt among equals) that passes every test."""
        known = self._names.get(type_.lower(), {})
        key = fold(name)
        if iri in self._iris or len(key) < _MIN_LENGTH or not known:
            return None
        near = self._near[type_.lower()]
        best: tuple[float, str] | None = None
        rank = self._rank[type_.lower()]
        for other in sorted({other for gap in _gaps(key) for other in near.get(gap, ())}, key=rank.__getitem__):
            score = fuzz.token_sort_ratio(key, other)
            if (score >= self.threshold and (best is None or score > best[0])
                    and _NUMBERS.findall(other) == _NUMBERS.findall(key) and _one_typo(key, other)):
                best = (score, other)
        return (known[best[1]], round(float(best[0]), 1)) if best else None

    def resolve(self, summaries: Iterable[EntitySummary]) -> list[Merge]:
        """Decide the merges of one article's new entities, and learn its names."""
        merges = []
        for summary in summaries:
            if not summary.key.startswith(NEW_PREFIX):
                continue
            type_ = summary.key[len(NEW_PREFIX):].split(":", 1)[0]
            source = entity_ref(summary.key)
            found = self.match(source, type_, summary.name)
            if found:
                merges.append(Merge(summary.name, source, found[0], found[1]))
            else:
                self.register(source, type_, summary.name)
        return merges


def apply_merges(stem: str, nquads: bytes, merges: list[Merge]) -> bytes:
    """The article's N-Quads with merged entities renamed, and the evidence of each merge added."""
    if not merges:
        return nquads
    renamed = {iri(m.source): iri(m.target) for m in merges}
    out = QuadLines(graph_iri(stem))
    for subject, predicate, obj, _ in statements(nquads.decode("utf-8")):
        out.add(renamed.get(subject, subject), predicate, renamed.get(obj, obj))
    article = article_iri(stem)
    for merge in merges:
        digest = hashlib.sha1(f"{merge.source} {merge.target}".encode()).hexdigest()[:12]
        node = iri(f"{article}#resolution-{digest}")
        for p, o in ((RDF + "type", iri(KG_NS + "EntityResolution")),
                     (KG_NS + "resolvedName", literal(merge.name)),
                     (KG_NS + "resolvedTo", iri(merge.target)),
                     (KG_NS + "score", decimal(Decimal(f"{merge.score:.1f}"))),
                     (KG_NS + "method", literal("fuzzy")),
                     (KG_NS + "inArticle", iri(article))):
            out.add(node, iri(p), o)
    return out.text().encode("utf-8")


def merged_summaries(summaries: list[EntitySummary], merges: list[Merge]) -> list[EntitySummary]:
    """Summaries without the entities merged away (their target is described already)."""
    gone = {m.source for m in merges}
    return [s for s in summaries if entity_ref(s.key) not in gone]
