"""Separating the article from the page it was scraped from.

Scraped news pages carry a site header, section trails, a metadata line or two, and after
the article a comment counter, menus or whole unrelated stories glued on. The cues that mark
them are data (``ontology/patterns/reader.yaml``); this module applies them line by line and
keeps the article's own lines verbatim, so the body is the article as its author wrote it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from functools import cache

from kg.dates import parse_date
from kg.datafiles import patterns
from kg.reader.fields import clean_url

_URL = r"(?P<url>https?://[^\s<>\"']+)"
_MIN_SENTENCE_CHARS = 60


@dataclass(frozen=True)
class Page:
    """What the page says beside its body."""

    body: str
    title: str | None
    published: date | None
    source_url: str | None


@dataclass(frozen=True)
class _Cues:
    """``ontology/patterns/reader.yaml`` compiled."""

    source: re.Pattern[str]
    published: re.Pattern[str]
    end: frozenset[str]
    furniture: tuple[re.Pattern[str], ...]
    glued_at: float


@cache
def _cues() -> _Cues:
    config = patterns("reader")
    labels = "|".join(map(re.escape, config["source_labels"]))
    published = "|".join(map(re.escape, config["published_labels"]))
    return _Cues(
        source=re.compile(rf"^\s*(?:{labels})\s*[:：]\s*{_URL}\s*$", re.IGNORECASE),
        published=re.compile(rf"^\s*(?:{published})\s*[:：]\s*(?P<rest>.+)$", re.IGNORECASE),
        end=frozenset(cue.casefold() for cue in config["end_of_article_cues"]),
        furniture=tuple(re.compile(rf"^(?:{rx})$", re.IGNORECASE) for rx in config["furniture_lines"]),
        glued_at=float(config["glued_story_min_position"]),
    )


def _is_furniture(line: str) -> bool:
    return any(rx.match(line) for rx in _cues().furniture)


def _dateline(line: str) -> date | None:
    """A short line that is only a source name and a date ("Ministry…18/09/2025")."""
    if len(line) > 120 or line.rstrip().endswith((".", "!", "?")):
        return None
    found = parse_date(line)
    if found and found.year and found.month and found.day and line.rstrip()[-1:].isdigit():
        return date(found.year, found.month, found.day)
    return None


def _looks_like_title(line: str) -> bool:
    return 8 <= len(line) <= 200 and not line.rstrip().endswith((".", ":", ";"))


def split_page(text: str) -> Page:
    """Find body, title, publication date and source URL in a scraped page's text."""
    cues = _cues()
    lines = text.split("\n")
    stripped = [line.strip() for line in lines]
    nonempty = [i for i, line in enumerate(stripped) if line]
    source_url: str | None = None
    published: date | None = None
    end = len(lines)

    for i in nonempty:
        line = stripped[i]
        match = cues.source.match(line)
        if match:
            source_url = clean_url(match["url"].rstrip(".,;)"))
            end = i
            break
        if line.casefold().rstrip(":") in cues.end:
            end = i
            break
    # A teaser headline printed twice in a row, late in the page, opens glued-on stories.
    first_glued = int(len(nonempty) * cues.glued_at)
    for k in range(first_glued, len(nonempty) - 1):
        i, j = nonempty[k], nonempty[k + 1]
        if i < end and j == i + 1 and stripped[i] == stripped[j] and len(stripped[i]) > 20:
            end = i
            break

    keep: list[int] = []
    for i in range(end):
        line = stripped[i]
        if not line:
            continue
        match = cues.published.match(line)
        if match and parse_date(match["rest"]):
            published = published or _as_date(parse_date(match["rest"]))
            continue
        dateline = _dateline(line)
        if dateline:
            published = published or dateline
            continue
        if _is_furniture(line):
            continue
        keep.append(i)
    # trailing furniture: short lines without sentence punctuation after the last paragraph
    while keep and _is_furniture(stripped[keep[-1]]):
        keep.pop()

    title = None
    for i in keep[:3]:
        if _looks_like_title(stripped[i]) and len(stripped[i]) < _MIN_SENTENCE_CHARS * 3:
            title = stripped[i]
            break
    body = "\n".join(lines[i].rstrip() for i in keep)
    return Page(body=body, title=title, published=published, source_url=source_url)


def _as_date(partial) -> date | None:
    if partial and partial.year and partial.month and partial.day:
        return date(partial.year, partial.month, partial.day)
    return None
