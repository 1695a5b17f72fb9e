"""Candidate names from all recognisers, and the choice among overlapping ones.

Longer names win over the names nested in them ("China-ASEAN Expo" over "China"), and on
equal spans the lexicon wins over a pattern. Topics are the exception: a field named inside
the name of a forum, agreement or initiative ("… Science and Technology Cooperation
Agreement") is kept, since the name states what the thing is about.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field

from kg.extractor.matcher import LexiconHit
from kg.lexicon import Lexicon

_HOLDS_TOPICS = {"Forum", "Agreement", "Initiative"}


@dataclass
class Candidate:
    begin: int
    end: int
    type: str
    cls: str
    name: str
    """Canonical name: the lexicon's English label or the surface."""
    key: str | None = None
    """Lexicon IRI; None for a new thing."""
    how: str = "lexicon"
    priority: int = 0
    """Higher wins on equal spans."""
    attrs: dict[str, object] = field(default_factory=dict)

    @classmethod
    def from_hit(cls, hit: LexiconHit, lexicon: Lexicon) -> "Candidate":
        entry = lexicon.entries[hit.iri]
        attrs: dict[str, object] = {"series": hit.iri} if entry.is_series else {}
        return cls(hit.begin, hit.end, entry.type, entry.cls, entry.name, hit.iri,
                   "lexicon", 2 if hit.kind != "hidden" else 1, attrs)

    @property
    def length(self) -> int:
        return self.end - self.begin

    def inside(self, other: "Candidate") -> bool:
        return other.begin <= self.begin and self.end <= other.end


def resolve_overlaps(candidates: list[Candidate]) -> list[Candidate]:
    """Non-overlapping candidates, longest first; topics may nest in names that hold them."""
    ordered = sorted(candidates, key=lambda c: (c.begin - c.end, -c.priority, c.begin, c.type, c.key or ""))
    names = _Spans()
    topics = _Spans()
    kept: list[Candidate] = []
    for cand in ordered:
        clashes = names.overlapping(cand)
        if cand.type == "Topic":
            if all(other.type in _HOLDS_TOPICS and cand.inside(other) for other in clashes) \
                    and not topics.overlapping(cand):
                topics.add(cand)
                kept.append(cand)
            continue
        if clashes:
            for other in clashes:
                if (cand.begin, cand.end, cand.type) == (other.begin, other.end, other.type):
                    for name, value in cand.attrs.items():
                        other.attrs.setdefault(name, value)
            continue
        if topics.overlapping(cand) and cand.type not in _HOLDS_TOPICS:
            continue
        names.add(cand)
        kept.append(cand)
    return sorted(kept, key=lambda c: (c.begin, c.end))


class _Spans:
    """Non-overlapping candidates kept sorted, to find the ones a new span overlaps."""

    def __init__(self) -> None:
        self._begins: list[int] = []
        self._items: list[Candidate] = []

    def overlapping(self, cand: Candidate) -> list[Candidate]:
        k = bisect.bisect_left(self._begins, cand.end) - 1
        if k < 0:
            return []
        items = self._items
        begin = cand.begin
        if items[k].end <= begin:
            return []
        found = []
        while k >= 0 and items[k].end > begin:
            found.append(items[k])
            k -= 1
        return found

    def add(self, cand: Candidate) -> None:
        k = bisect.bisect_left(self._begins, cand.begin)
        self._begins.insert(k, cand.begin)
        self._items.insert(k, cand)
