"""Word tokens with their offsets, and the per-language pattern data they are read with."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from kg.datafiles import patterns

_TOKEN = re.compile(r"\d+(?:[.,]\d+)*[^\W\d_]*|\w+(?:[-'’&]\w+)*|[^\w\s]")


@dataclass(frozen=True)
class Token:
    text: str
    begin: int
    end: int

    @property
    def is_cap(self) -> bool:
        first = self.text[0]
        return first.isupper() or (first.isdigit() and len(self.text) <= 9)

    @property
    def is_word(self) -> bool:
        return self.text[0].isalnum()


@cache
def _abbreviations() -> frozenset[str]:
    return frozenset(patterns("sentences")["abbreviations"])


def tokenize(text: str, begin: int = 0, end: int | None = None) -> list[Token]:
    """Tokens of ``text[begin:end]``; a known abbreviation keeps its full stop ("Co.", "nr.")."""
    end = len(text) if end is None else end
    tokens: list[Token] = []
    abbreviations = _abbreviations()
    for match in _TOKEN.finditer(text, begin, end):
        tok = Token(match.group(), match.start(), match.end())
        if tok.text == "." and tokens and tokens[-1].end == tok.begin and tokens[-1].text + "." in abbreviations:
            prev = tokens.pop()
            tok = Token(prev.text + ".", prev.begin, tok.end)
        tokens.append(tok)
    return tokens


@dataclass(frozen=True)
class LanguagePatterns:
    """The recogniser data of one language (``ontology/patterns/<lang>.yaml``)."""

    code: str
    data: dict

    def get(self, key: str, default=None):
        value = self.data.get(key)
        if value is None and self.data.get("also"):
            return language(self.data["also"]).get(key, default)
        return default if value is None else value

    def merged(self, key: str) -> dict:
        """A mapping of this language merged over its fallback language's."""
        base = language(self.data["also"]).merged(key) if self.data.get("also") else {}
        return {**base, **(self.data.get(key) or {})}

    def heads(self, position: str) -> dict[str, str]:
        base = language(self.data["also"]).heads(position) if self.data.get("also") else {}
        return {**base, **((self.data.get("heads") or {}).get(position) or {})}

    def words(self, key: str) -> list[str]:
        own = self.data.get(key) or []
        extra = language(self.data["also"]).words(key) if self.data.get("also") else []
        return list(dict.fromkeys([*own, *extra]))

    def cue(self, name: str) -> list[str]:
        return list((self.data.get("cues") or {}).get(name) or [])


@cache
def language(code: str) -> LanguagePatterns:
    return LanguagePatterns(code, patterns(code))


@cache
def _phrase_words(phrase: str) -> list[str]:
    return [t.text for t in tokenize(phrase)]


def phrase_at(tokens: list[Token], i: int, phrases: dict[str, object] | list[str], *, fold_case: bool = False):
    """The longest phrase (as token texts) starting at token ``i``: (phrase, length) or None."""
    best, best_exact = None, False
    for phrase in phrases:
        words = _phrase_words(phrase)
        n = len(words)
        if i + n > len(tokens):
            continue
        got = [t.text for t in tokens[i:i + n]]
        exact = got == words
        if (exact or (fold_case and [w.casefold() for w in got] == [w.casefold() for w in words])) \
                and (best is None or (n, exact) > (best[1], best_exact)):
            best, best_exact = (phrase, n), exact
    return best
