"""Splitting a body into sentences, the unit facts are read from and cited by.

Lines are paragraphs (the reader keeps the article's line breaks); inside a line a sentence
ends at ., ! or ? followed by a space and a capital, a digit or a quote, unless the word
before is a known abbreviation ("Co.", "nr.", "Mr.").
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable
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
        group = match.group()
        at = match.start()
        if "\n" in group:
            end = at
        else:
            if group.strip():
                word = _word_before(text, at)
                if (word + ".").casefold() in abbreviations or word.casefold() in abbreviations:
                    continue
            end = at + len(group.rstrip())
        _add(spans, text, start, end)
        start = match.end()
    _add(spans, text, start, len(text))
    return spans


def _word_before(text: str, end: int) -> str:
    """The last white-space separated word of ``text[:end]`` ("" if none), without copying it."""
    k = end
    while k > 0 and text[k - 1].isspace():
        k -= 1
    j = k
    while j > 0 and not text[j - 1].isspace():
        j -= 1
    return text[j:k]


def _add(spans: list[Span], text: str, begin: int, end: int) -> None:
    while begin < end and text[begin].isspace():
        begin += 1
    while end > begin and text[end - 1].isspace():
        end -= 1
    if end > begin:
        spans.append(Span(begin, end))


def matches_by_sentence(pattern: re.Pattern[str], text: str, sentences: list[Span],
                        matches: Iterable[re.Match[str]] | None = None) -> list[list[re.Match[str]]]:
    """What ``pattern.finditer(text, s.begin, s.end)`` finds in each sentence ``s``, from one scan
    of the whole text (``matches``, when the caller has it).

    A match that lies inside a sentence is what a scan of that sentence alone finds there: the
    scan reaches the sentence's start as the lone scan starts there, and a sentence is followed
    by white space, which reads like the end of the text to a look-ahead. A sentence that a
    match runs into or out of is scanned on its own. ``pattern`` must not match the empty string
    or white space alone."""
    found: list[list[re.Match[str]]] = [[] for _ in sentences]
    if not sentences:
        return found
    begins = [s.begin for s in sentences]
    again: set[int] = set()
    for match in pattern.finditer(text) if matches is None else matches:
        begin, end = match.span()
        k = bisect.bisect_right(begins, begin) - 1
        if k >= 0 and end <= sentences[k].end:
            found[k].append(match)
            continue
        for j in range(max(k, 0), len(sentences)):
            if sentences[j].begin >= end:
                break
            if sentences[j].end > begin:
                again.add(j)
    for j in again:
        found[j] = list(pattern.finditer(text, sentences[j].begin, sentences[j].end))
    return found
