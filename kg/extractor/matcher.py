"""Finding lexicon names in a text in one pass (Aho-Corasick over folded labels).

Every label of every entry is folded (lower case, no accents, single spaces) and put in one
automaton; a text is folded the same way and scanned once, whatever the lexicon's size.
Short one-word labels and labels in capitals ("US", "VS", "Mỹ", "Pháp", "ACFTA") must also
match the text exactly, so "us", "my" or "giải pháp" in running text are not countries.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import ahocorasick

from kg.extractor.normalise import FoldedText, fold
from kg.lexicon import Lexicon

_SEPARATORS = re.compile(r"[\W_]+")


@dataclass(frozen=True)
class LexiconHit:
    begin: int
    end: int
    iri: str
    label: str
    kind: str


def _needs_exact_case(label: str) -> bool:
    """Short one-word names and names in capitals must match as written: "US" is not "us",
    "Pháp" (France) is not "pháp" in "giải pháp", "Lào" is not "lao" in "lao động"."""
    letters = [c for c in label if c.isalpha()]
    one_short_word = " " not in label.strip() and len(label) <= 5
    return one_short_word or (len(letters) >= 2 and all(c.isupper() for c in letters))


def _exact_key(text: str) -> str:
    return _SEPARATORS.sub(" ", text).strip()


def _same_as_written(surface: str, label: str) -> bool:
    """Case and accents as in the label; punctuation too when the label is mostly digits and
    signs ("10+1" is not "10/1")."""
    if sum(c.isalpha() for c in label) < 2:
        return " ".join(surface.split()) == " ".join(label.split())
    return _exact_key(surface) == _exact_key(label)


class LexiconMatcher:
    """All lexicon labels, ready to be found in text."""

    def __init__(self, lexicon: Lexicon, *, kinds: tuple[str, ...] = ("pref", "alt", "hidden", "acronym")) -> None:
        self.lexicon = lexicon
        automaton = ahocorasick.Automaton()
        table: dict[str, list[tuple[str, str, str, bool]]] = {}
        for entry in lexicon.entries.values():
            for label in entry.labels:
                if label.kind not in kinds:
                    continue
                key = fold(label.text)
                if len(key) < 2:
                    continue
                table.setdefault(key, []).append((entry.iri, label.text, label.kind, _needs_exact_case(label.text)))
        for key, payload in table.items():
            automaton.add_word(key, (len(key), payload))
        automaton.make_automaton()
        self._automaton = automaton
        self._empty = not table

    def find(self, text: str, folded: FoldedText | None = None) -> list[LexiconHit]:
        """Every whole-word occurrence of a label in ``text`` (overlaps included)."""
        if self._empty:
            return []
        folded = folded or FoldedText(text)
        view = folded.view
        hits: list[LexiconHit] = []
        for last, (length, payload) in self._automaton.iter(view):
            first = last - length + 1
            if (first > 0 and view[first - 1] != " ") or (last + 1 < len(view) and view[last + 1] != " "):
                continue
            begin, end = folded.to_text(first), folded.to_text(last) + 1
            surface = text[begin:end]
            for iri, label, kind, exact in payload:
                if exact and not _same_as_written(surface, label):
                    continue
                hits.append(LexiconHit(begin, end, iri, label, kind))
        return hits
