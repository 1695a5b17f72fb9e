"""Read: article files → :class:`Article` (clean body text and metadata).

Knows nothing of RDF or of entities: it finds the article in the page and says what the
page states about it (title, publication date, source URL, language).

Two steps, so that unchanged articles cost only a hash: :func:`read_sources` walks a file
into :class:`Source` items (one per article: a text or HTML file, or a line of a JSON Lines
file), and :func:`parse_source` turns a new or changed one into an :class:`Article`. Neither
lets a bad input stop the walk: each problem is one :class:`Skipped` (file, kind, reason).
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from kg.reader.article import Article
from kg.reader.decode import UnreadableText, clean, decode
from kg.reader.fields import clean_language, clean_title, clean_url, parse_published
from kg.reader.language import detect_language
from kg.reader.page import Page, split_page
from kg.reader.source import (DEFAULT_MAX_BYTES, ArticleError, Skipped, Source, find_article_files, read_sources,
                              suffixes)

__all__ = ["Article", "ArticleError", "DEFAULT_MAX_BYTES", "Skipped", "Source", "find_article_files",
           "parse_source", "read_article", "read_sources", "suffixes"]

# Optional fields of a JSON Lines record and how each is checked; a stated value wins over
# what the text's own cues say.
_RECORD_FIELDS = {"title": clean_title, "url": clean_url, "date": parse_published, "language": clean_language}
_LOOKS_LIKE_HTML = re.compile(r"\s*(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html[\s>])", re.IGNORECASE | re.DOTALL)


def read_article(path: Path, *, max_bytes: int = DEFAULT_MAX_BYTES) -> Article:
    """Read a file holding one article; raises :class:`ArticleError` with the reason when it cannot."""
    for item in read_sources(path, max_bytes=max_bytes):
        if isinstance(item, Skipped):
            raise ArticleError(item.path, item.kind, item.reason)
        return parse_source(item)
    raise ArticleError(str(path), "empty", "no article in the file")


def parse_source(source: Source) -> Article:
    """The article a source holds; raises :class:`ArticleError` with the kind of problem and the reason."""
    warnings: list[str] = []
    record: dict[str, Any] = {}
    if source.format == "jsonl":
        record = json.loads(source.data)
        text = record.get("text")
        if not isinstance(text, str):
            raise ArticleError(source.path, "invalid", "no \"text\" string in the record")
    else:
        try:
            decoded = decode(source.data)
        except UnreadableText as exc:
            raise ArticleError(source.path, "binary", str(exc)) from exc
        text = decoded.text
        if decoded.note:
            warnings.append(f"{source.path}: {decoded.note}")
    text = clean(text)
    if not text.strip():
        raise ArticleError(source.path, "empty", "empty (only white space)")
    page = _page(source, text)
    if not page.body.strip():
        raise ArticleError(source.path, "empty", "no article text left after removing page furniture")
    stated: dict[str, Any] = {}
    for name, parse in _RECORD_FIELDS.items():
        stated[name] = parse(record.get(name))
        if record.get(name) is not None and stated[name] is None:
            warnings.append(f"{source.path}: ignored the {name} {str(record[name])[:60]!r}: not a usable {name}")
    return Article(stem=source.stem, path=source.path, body=page.body,
                   language=stated["language"] or detect_language(page.body), content_hash=source.content_hash,
                   title=stated["title"] or page.title, published=stated["date"] or page.published,
                   source_url=stated["url"] or page.source_url, warnings=tuple(warnings))


def _page(source: Source, text: str) -> Page:
    """Body and metadata: trafilatura for HTML (also a .txt that is a saved page), cues otherwise."""
    if source.format == "html" or (source.format == "text" and _LOOKS_LIKE_HTML.match(text[:4096])):
        from kg.reader.html import read_html

        try:
            page = read_html(text)
        except Exception as exc:  # noqa: BLE001 - one hostile page must not stop the build
            raise ArticleError(source.path, "invalid",
                               f"the HTML page cannot be parsed ({type(exc).__name__})") from exc
        if page is None:
            raise ArticleError(source.path, "empty", "no article text in the HTML page")
        return page
    return split_page(text)
