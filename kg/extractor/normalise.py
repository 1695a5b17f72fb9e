"""Folding text for matching, without losing the way back to the original offsets.

Names are written many ways: "China-ASEAN", "China – ASEAN", "China ASEAN", "Trung Quốc",
"TRUNG QUỐC". Matching runs on a folded view (lower case, no accents, any run of spaces and
punctuation as one space) and every hit is mapped back to exact offsets in the body.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_RUNS = re.compile(r"  +")


class _FoldTable(dict):
    """``str.translate`` table built on demand: letter → bare lower-case letter, else space."""

    def __missing__(self, code: int) -> str:
        char = chr(code)
        if char in "đĐ":
            folded = "d"
        elif char.isalnum():
            base = unicodedata.normalize("NFD", char)[0].lower()
            folded = base if len(base) == 1 else char.lower()
        else:
            folded = " "
        self[code] = folded
        return folded


_TABLE = _FoldTable()


@lru_cache(maxsize=200_000)
def fold(text: str) -> str:
    """The folded form of a label: lower case, no accents, single spaces, trimmed."""
    return _RUNS.sub(" ", text.translate(_TABLE)).strip()


class FoldedText:
    """A folded view of a text with a map from view offsets back to text offsets: view offset
    ``o`` is text offset ``o + shift[k - 1]`` (``o`` when ``k`` is 0), where
    ``k = bisect_right(cuts, o)``. The lexicon matcher does that lookup inline, twice a hit."""

    def __init__(self, text: str) -> None:
        view = text.translate(_TABLE)
        # Collapse runs of spaces; remember where the view skipped characters.
        self.cuts: list[int] = []   # view offsets after which text offsets jump
        self.shift: list[int] = []  # cumulative jump at each cut
        pieces: list[str] = []
        last = 0
        removed = 0
        for match in _RUNS.finditer(view):
            pieces.append(view[last:match.start() + 1])
            removed += match.end() - match.start() - 1
            self.cuts.append(match.start() + 1 - (removed - (match.end() - match.start() - 1)))
            self.shift.append(removed)
            last = match.end()
        pieces.append(view[last:])
        self.view = "".join(pieces)

