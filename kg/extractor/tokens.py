"""Word tokens with their offsets, and the per-language pattern data they are read with."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from typing import NamedTuple

from kg.datafiles import patterns

_TOKEN = re.compile(r"\d+(?:[.,]\d+)*[^\W\d_]*|\w+(?:[-'’&]\w+)*|[^\w\s]")


class Token(NamedTuple):
    """A word or sign of the text at ``text[begin:end]``, with what the recognisers ask of it
    again and again worked out once: whether it is capitalised (``is_cap``), a word
    (``is_word``), and its case-folded text (``folded``). Make one with :func:`token`."""

    text: str
    begin: int
    end: int
    is_cap: bool
    is_word: bool
    folded: str


_WORDS: dict[str, tuple[bool, bool, str]] = {}
"""(is_cap, is_word, folded) by token text: the same words come back in every article."""
_WORDS_MAX = 200_000


def _word(text: str) -> tuple[bool, bool, str]:
    first = text[0]
    info = (first.isupper() or (first.isdigit() and len(text) <= 9), first.isalnum(), text.casefold())
    if len(_WORDS) >= _WORDS_MAX:
        _WORDS.clear()
    _WORDS[text] = info
    return info


_new = tuple.__new__


@cache
def _abbreviations() -> frozenset[str]:
    return frozenset(patterns("sentences")["abbreviations"])


_SPACED_TOKEN = re.compile(r"(\s*)(" + _TOKEN.pattern + ")")
"""A token and the white space before it: every character that is not white space is part of
a token, so these pieces tile the text and a token's offset is the sum of the lengths before."""


def tokenize(text: str, begin: int = 0, end: int | None = None) -> list[Token]:
    """Tokens of ``text[begin:end]``; a known abbreviation keeps its full stop ("Co.", "nr.")."""
    end = len(text) if end is None else end
    tokens: list[Token] = []
    append = tokens.append
    abbreviations = _abbreviations()
    known = _WORDS.get
    position = begin
    for space, word in _SPACED_TOKEN.findall(text, begin, end):
        position += len(space)
        if word == "." and not space and tokens and tokens[-1].text + "." in abbreviations:
            prev = tokens.pop()
            word = prev.text + "."
            append(_new(Token, (word, prev.begin, position + 1, *(known(word) or _word(word)))))
            position += 1
            continue
        after = position + len(word)
        append(_new(Token, (word, position, after, *(known(word) or _word(word)))))
        position = after
    return tokens


@dataclass(frozen=True)
class LanguagePatterns:
    """The recogniser data of one language (``ontology/patterns/<lang>.yaml``).

    Tables merged with the fallback language are built once and kept (``_memo``): the
    recognisers ask for them at every token."""

    code: str
    data: dict
    _memo: dict = field(default_factory=dict, compare=False, repr=False)

    def _once(self, key: tuple, build):
        if key not in self._memo:
            self._memo[key] = build()
        return self._memo[key]

    def get(self, key: str, default=None):
        value = self.data.get(key)
        if value is None and self.data.get("also"):
            return language(self.data["also"]).get(key, default)
        return default if value is None else value

    def merged(self, key: str) -> dict:
        """A mapping of this language merged over its fallback language's."""
        def build() -> dict:
            base = language(self.data["also"]).merged(key) if self.data.get("also") else {}
            return {**base, **(self.data.get(key) or {})}
        return self._once(("merged", key), build)

    def heads(self, position: str) -> dict[str, str]:
        def build() -> dict:
            base = language(self.data["also"]).heads(position) if self.data.get("also") else {}
            return {**base, **((self.data.get("heads") or {}).get(position) or {})}
        return self._once(("heads", position), build)

    def words(self, key: str) -> list[str]:
        def build() -> list[str]:
            own = self.data.get(key) or []
            extra = language(self.data["also"]).words(key) if self.data.get("also") else []
            return list(dict.fromkeys([*own, *extra]))
        return self._once(("words", key), build)

    def cue(self, name: str) -> list[str]:
        return list((self.data.get("cues") or {}).get(name) or [])


@cache
def language(code: str) -> LanguagePatterns:
    return LanguagePatterns(code, patterns(code))


@cache
def _phrase_words(phrase: str) -> tuple[str, ...]:
    return tuple(t.text for t in tokenize(phrase))


_INDEXES: dict[int, tuple[object, dict[str, list[tuple[tuple[str, ...], tuple[str, ...], str]]]]] = {}


def _index(phrases: dict[str, object] | list[str] | tuple[str, ...]) -> dict[str, list[tuple[tuple[str, ...], tuple[str, ...], str]]]:
    """Phrases by their first word (case-folded), longest first; built once per phrase table.

    Each entry is (words, case-folded words, phrase). Phrase tables are the cached data of a
    language, so they are indexed by identity (and kept alive with their index, so an identity
    is never reused)."""
    entry = _INDEXES.get(id(phrases))
    if entry is not None and entry[0] is phrases:
        return entry[1]
    index: dict[str, list[tuple[tuple[str, ...], tuple[str, ...], str]]] = {}
    for phrase in phrases:
        words = _phrase_words(phrase)
        if words:
            index.setdefault(words[0].casefold(), []).append((words, tuple(w.casefold() for w in words), phrase))
    for entries in index.values():
        entries.sort(key=lambda e: -len(e[0]))
    _INDEXES[id(phrases)] = (phrases, index)
    return index


def starters(phrases) -> frozenset[str] | dict:
    """The case-folded first words of ``phrases``: a token not in it starts none of them."""
    return _index(phrases)


def phrase_hits(tokens: list[Token], phrases, *, fold_case: bool = False):
    """(index, phrase, length) of every phrase of ``phrases`` that starts in ``tokens``."""
    first_words = _index(phrases)
    for i, tok in enumerate(tokens):
        if tok.folded in first_words:
            hit = phrase_at(tokens, i, phrases, fold_case=fold_case)
            if hit:
                yield i, hit[0], hit[1]


def phrase_at(tokens: list[Token], i: int, phrases, *, fold_case: bool = False):
    """The longest phrase (as token texts) starting at token ``i``: (phrase, length) or None.

    Without ``fold_case`` the words must match as written; with it, case is ignored but a
    phrase written exactly as in the text wins over one that differs in case."""
    if i >= len(tokens):
        return None
    return phrase_in(tokens, i, _index(phrases), fold_case)


def phrase_in(tokens: list[Token], i: int, index: dict, fold_case: bool = False):
    """:func:`phrase_at` with the table's index (``starters(phrases)``) at hand; ``i`` may be
    past the end."""
    if i >= len(tokens):
        return None
    candidates = index.get(tokens[i].folded)
    if not candidates:
        return None
    best, best_exact = None, False
    available = len(tokens) - i
    for words, folded, phrase in candidates:
        n = len(words)
        if best is not None and n < best[1]:
            break
        if n > available:
            continue
        if n == 1:
            exact = tokens[i].text == words[0]
            matched = exact or fold_case  # the first word's folded form is the index key
        else:
            window = tokens[i:i + n]
            exact = tuple([t.text for t in window]) == words
            matched = exact or (fold_case and tuple([t.folded for t in window]) == folded)
        if matched:
            if best is None or (exact and not best_exact):
                best, best_exact = (phrase, n), exact
    return best
