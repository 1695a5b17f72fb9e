"""Finding lexicon names in a text in one pass (Aho-Corasick over folded labels).

Every label of every entry is folded (lower case, no accents, single spaces) and put in one
automaton; a text is folded the same way and scanned once, whatever the lexicon's size.
Short one-word labels and labels in capitals ("US", "VS", "Mỹ", "Pháp", "ACFTA") must also
match the text exactly, so "us", "my" or "giải pháp" in running text are not countries.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from typing import NamedTuple

import ahocorasick

from kg.extractor.normalise import FoldedText, fold
from kg.lexicon import Lexicon

_SEPARATORS = re.compile(r"[\W_]+")


class LexiconHit(NamedTuple):
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


def _written_form(label: str) -> tuple[bool, str]:
    """What a surface must equal, once normalised the same way, to be this label as written:
    case and accents as in the label, and punctuation too when the label is mostly digits and
    signs ("10+1" is not "10/1"). Returns (whether punctuation counts, the label so normalised)."""
    signs = sum(c.isalpha() for c in label) < 2
    return signs, _written(label, signs)


def _written(text: str, signs: bool) -> str:
    return " ".join(text.split()) if signs else _exact_key(text)


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
                exact = _written_form(label.text) if _needs_exact_case(label.text) else None
                table.setdefault(key, []).append((entry.iri, label.text, label.kind, exact))
        # Each label between two spaces, and the text between two spaces, so the automaton
        # reports whole words only.
        for key, payload in table.items():
            automaton.add_word(f" {key} ", (len(key), payload))
        automaton.make_automaton()
        self._automaton = automaton
        self._empty = not table

    def find(self, text: str, folded: FoldedText | None = None) -> list[LexiconHit]:
        """Every whole-word occurrence of a label in ``text`` (overlaps included)."""
        if self._empty:
            return []
        folded = folded or FoldedText(text)
        hits: list[LexiconHit] = []
        cuts, shift = folded.cuts, folded.shift
        for space, (length, payload) in self._automaton.iter(f" {folded.view} "):
            # ``space`` is the padded view's index of the space after the label: the label is
            # view[space - 1 - length:space - 1]
            first, last = space - 1 - length, space - 2
            k = bisect_right(cuts, first)
            begin = first + (shift[k - 1] if k else 0)
            k = bisect_right(cuts, last)
            end = last + (shift[k - 1] if k else 0) + 1
            surface = text[begin:end]
            for iri, label, kind, exact in payload:
                if exact is not None and _written(surface, exact[0]) != exact[1]:
                    continue  # the label must match as written
                hits.append(LexiconHit(begin, end, iri, label, kind))
        return hits
