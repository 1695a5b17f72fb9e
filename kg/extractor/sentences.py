"""Splitting a body into sentences, the unit facts are read from and cited by.

Lines are paragraphs (the reader keeps the article's line breaks); inside a line a sentence
ends at ., ! or ? followed by a space and a capital, a digit or a quote, unless the word
before is a known abbreviation ("Co.", "nr.", "Mr.").
"""

from __future__ import annotations

import re
from functools import cache

from kg.datafiles import patterns
from kg.extractor.model import Span


@cache
def _boundary() -> tuple[re.Pattern[str], frozenset[str]]:
    abbreviations = frozenset(a.casefold() for a in patterns("sentences")["abbreviations"])
    return re.compile(r"[.!?…]+[\"'”’)]*\s+(?=[\"'“‘(]?[A-ZÀ-ỸĐ0-9])|\n+"), abbreviations


def split_sentences(text: str) -> list[Span]:
    """Sentence spans covering the non-blank parts of ``text``."""
    boundary, abbreviations = _boundary()
    spans: list[Span] = []
    start = 0
    for match in boundary.finditer(text):
        if match.group().strip() and "\n" not in match.group():
            word = text[:match.start()].rsplit(None, 1)[-1] if text[:match.start()].strip() else ""
            if (word + ".").casefold() in abbreviations or word.casefold() in abbreviations:
                continue
        end = match.start() + len(match.group().rstrip())
        if "\n" in match.group():
            end = match.start()
        _add(spans, text, start, end)
        start = match.end()
    _add(spans, text, start, len(text))
    return spans


def _add(spans: list[Span], text: str, begin: int, end: int) -> None:
    while begin < end and text[begin].isspace():
        begin += 1
    while end > begin and text[end - 1].isspace():
        end -= 1
    if end > begin:
        spans.append(Span(begin, end))
