"""Finding and parsing dates in running text, in any supported language.

A date is kept as precise as the text states it (``PartialDate``): "17 september 2025" is a
day, "tháng 11/2025" a month, "ngày 28/11" a day whose year the text leaves open. Ranges
("13-16 juli", "from 12 to 15 July 2023") are read before single dates, so "13-16 juli" is
never misread as 13 July 2016 as a general-purpose parser would. Month names come from CLDR
through Babel, so a new language needs a line in ``ontology/patterns/dates.yaml``, not code.
"""

from __future__ import annotations

import _sre
import re
from dataclasses import dataclass
from datetime import date
from functools import cache

from babel import Locale

from kg.datafiles import patterns


@dataclass(frozen=True, order=True)
class PartialDate:
    """A calendar date known to the year, the month or the day."""

    year: int | None
    month: int | None = None
    day: int | None = None

    def iso(self) -> str | None:
        """ISO 8601 at the stated precision, or None without a year."""
        if self.year is None:
            return None
        if self.month is None:
            return f"{self.year:04d}"
        if self.day is None:
            return f"{self.year:04d}-{self.month:02d}"
        return f"{self.year:04d}-{self.month:02d}-{self.day:02d}"

    def with_year(self, year: int) -> "PartialDate":
        return PartialDate(year, self.month, self.day)

    def is_valid(self) -> bool:
        try:
            date(self.year or 2000, self.month or 1, self.day or 1)
        except ValueError:
            return False
        return True


@dataclass(frozen=True)
class DateMention:
    """A date or date range found at ``text[begin:end]``."""

    begin: int
    end: int
    start: PartialDate
    until: PartialDate | None = None


@cache
def _month_table() -> dict[str, int]:
    """Lower-case month names and abbreviations of every configured language → 1..12."""
    config = patterns("dates")
    table: dict[str, int] = {}
    for lang in config["languages"]:
        locale = Locale.parse(lang)
        for context in ("format", "stand-alone"):
            for width in ("wide", "abbreviated"):
                for number, name in locale.months[context][width].items():
                    name = name.lower().rstrip(".")
                    if name and not name.isdigit() and not name.startswith("tháng"):
                        table[name] = number
    table.update({k.lower(): int(v) for k, v in config["extra_months"].items()})
    return table


@cache
def calendar_words() -> frozenset[str]:
    """Month and weekday names (folded case) of every configured language: they end a name
    ("the … Agreement on Monday")."""
    words = set(_month_table())
    for lang in patterns("dates")["languages"]:
        locale = Locale.parse(lang)
        for width in ("wide", "abbreviated"):
            words.update(name.casefold() for name in locale.days["format"][width].values())
    return frozenset(words)


@cache
def _patterns() -> list[tuple[str, re.Pattern[str]]]:
    config = patterns("dates")
    months = ignore_case_trie(_month_table()) or "|".join(sorted(map(re.escape, _month_table()), key=len, reverse=True))
    joiners = "|".join(map(re.escape, config["range_joiners"]))
    day_words = "|".join(map(re.escape, config["day_words"]))
    month_words = "|".join(map(re.escape, config["month_words"]))
    year_words = "|".join(map(re.escape, config["year_words"]))
    d = r"(?:[12]\d|3[01]|0?[1-9])"
    y = r"(?:1[89]\d\d|2[01]\d\d)"
    sfx = r"(?:st|nd|rd|th|e|ste|de)?"
    mon = rf"(?P<mon>{months})\.?"
    # Each pattern opens with a look-ahead for the characters its matches can start with: it
    # changes no match, and spares the engine trying the month names at every other position.
    digit = "(?=[0-9])"
    mon_first = _first_chars(_month_table())
    day_first = _first_chars(config["day_words"])
    specs = [
        ("iso", rf"(?=[12])\b(?P<y>{y})-(?P<m>0[1-9]|1[0-2])-(?P<d>{d})\b"),
        # 13-16 juli 2024 / 13 - 16 July
        ("d-d mon y", rf"{digit}\b(?P<d>{d}){sfx}\s*(?:{joiners})\s*(?P<d2>{d}){sfx}\s+{mon}(?:,?\s+(?P<y>{y}))?\b"),
        # 12 July to 15 July 2023
        ("d mon-d mon y", rf"{digit}\b(?P<d>{d}){sfx}\s+(?P<mon1>{months})\.?\s*(?:{joiners})\s*(?P<d2>{d}){sfx}\s+{mon}(?:,?\s+(?P<y>{y}))?\b"),
        # ngày 28 tháng 11 năm 2025 / 28 tháng 11
        ("vi long", rf"(?=[0-9{day_first}])(?:\b(?:{day_words})\s+)?\b(?P<d>{d})\s+(?:{month_words})\s+(?P<m>0?[1-9]|1[0-2])\b(?:\s*(?:,\s*)?(?:{year_words})\s+(?P<y>{y}))?"),
        # ngày 28/11/2025, 18/09/2025, 28/11 after a day word
        ("d/m/y", rf"{digit}(?<!\d)(?P<d>{d})[/.](?P<m>0?[1-9]|1[0-2])[/.](?P<y>{y})\b"),
        ("day-word d/m", rf"(?=[{day_first}])\b(?:{day_words})\s+(?P<d>{d})[/.](?P<m>0?[1-9]|1[0-2])\b(?![/.]\d)"),
        # tháng 11/2025, tháng 11 năm 2025
        ("vi month", rf"(?=[{_first_chars(config['month_words'])}])\b(?:{month_words})\s+(?P<m>0?[1-9]|1[0-2])(?:/|\s+(?:{year_words})\s+)(?P<y>{y})\b"),
        # 17 september 2025 / 5 July
        ("d mon y", rf"{digit}\b(?P<d>{d}){sfx}\s+{mon}(?:,?\s+(?P<y>{y}))?\b"),
        # Jul 11, 2023 / September 5th
        ("mon d y", rf"(?=[{mon_first}])\b{mon}\s+(?P<d>{d}){sfx}\b(?:,?\s+(?P<y>{y}))?"),
        # July 2023
        ("mon y", rf"(?=[{mon_first}])\b{mon}\s+(?P<y>{y})\b"),
    ]
    return [(name, re.compile(rx, re.IGNORECASE)) for name, rx in specs]


def _trie_pattern(words) -> str:
    """An alternation of ``words`` with shared beginnings factored out ("jan(?:uar[iy]?|…)?").

    It matches what the plain alternation, longest word first, matches, and tries the words
    that fit the text in the same order (a longer word before its own beginning), so the match
    and the month read from it are the same; but the engine compares each character once
    instead of once per word. The words are lower case, so no two differ only in case."""
    trie: dict = {}
    for word in words:
        node = trie
        for char in word:
            node = node.setdefault(char, {})
        node[""] = {}

    def emit(node: dict) -> str:
        branches = [re.escape(char) + emit(child) for char, child in sorted(node.items()) if char]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        return f"(?:{body})?" if "" in node else body

    return emit(trie)


def ignore_case_trie(words) -> str | None:
    """"Any of ``words``" for a case-insensitive regex, as :func:`_trie_pattern` of their
    lower-case forms; it matches what the alternation of the words, longest first, matches,
    since each character's lower-case form is what the regex engine folds it to (so the two
    match the same characters). None when some character folds otherwise ("İ")."""
    words = [w for w in words if w]
    for word in words:
        for char in word:
            lower = char.lower()
            if len(lower) != 1 or _sre.unicode_tolower(ord(char)) != ord(lower) \
                    or _sre.unicode_tolower(ord(lower)) != ord(lower):
                return None
    return _trie_pattern(sorted({w.lower() for w in words}))


def first_chars(words) -> str:
    """A character class body of the lower-case first characters of ``words``."""
    return _first_chars([w.lower() for w in words])


def _first_chars(words) -> str:
    """The first characters of ``words``, escaped for a character class."""
    return "".join(sorted({re.escape(w[0]) for w in words if w}))


def _int(value: str | None) -> int | None:
    return int(value) if value else None


def _month(match: re.Match[str], group: str = "mon") -> int | None:
    if match.groupdict().get("m"):
        return int(match["m"])
    name = match.groupdict().get(group)
    return _month_table().get(name.lower().rstrip(".")) if name else None


_ANY_DIGIT = re.compile(r"[0-9]")


def find_dates(text: str) -> list[DateMention]:
    """Every date or range in ``text``, leftmost-longest, without overlaps."""
    found: list[DateMention] = []
    taken: list[tuple[int, int]] = []
    if not _ANY_DIGIT.search(text):
        return found  # every pattern reads at least one digit 0-9
    for name, pattern in _patterns():
        for match in pattern.finditer(text):
            begin, end = match.span()
            if any(begin < e and b < end for b, e in taken):
                continue
            year = _int(match.groupdict().get("y"))
            month = _month(match)
            day = _int(match.groupdict().get("d"))
            start = PartialDate(year, month, day)
            until = None
            if match.groupdict().get("d2"):
                month1 = _month(match, "mon1") if match.groupdict().get("mon1") else month
                start = PartialDate(year, month1, day)
                until = PartialDate(year, month, int(match["d2"]))
            if not start.is_valid() or (until and not until.is_valid()):
                continue
            found.append(DateMention(begin, end, start, until))
            taken.append((begin, end))
    return sorted(found, key=lambda m: m.begin)


def parse_date(text: str) -> PartialDate | None:
    """The first date stated in ``text`` (used for metadata lines), or None."""
    dates = find_dates(text)
    return dates[0].start if dates else None
