"""Read: article files → :class:`Article` (clean body text and metadata).

Knows nothing of RDF or of entities: it finds the article in the page and says what the
page states about it (title, publication date, source URL, language).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator
from pathlib import Path

from kg.errors import KGError
from kg.reader.article import Article
from kg.reader.decode import clean, decode
from kg.reader.language import detect_language
from kg.reader.page import split_page

__all__ = ["Article", "read_article", "find_article_files", "ARTICLE_SUFFIXES"]

ARTICLE_SUFFIXES = (".txt", ".text", ".md")


def read_article(path: Path) -> Article:
    """Read one article file; raises :class:`KGError` with the reason when it cannot."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise KGError(f"{path}: cannot read ({exc.strerror})") from exc
    return article_from_bytes(data, stem=path.stem, path=str(path))


def article_from_bytes(data: bytes, *, stem: str, path: str) -> Article:
    """Build an :class:`Article` from a file's bytes."""
    text = clean(decode(data))
    if not text.strip():
        raise KGError(f"{path}: empty file")
    page = split_page(text)
    if not page.body.strip():
        raise KGError(f"{path}: no article text left after removing page furniture")
    return Article(
        stem=stem,
        path=path,
        body=page.body,
        language=detect_language(page.body),
        content_hash="sha256:" + hashlib.sha256(data).hexdigest(),
        title=page.title,
        published=page.published,
        source_url=page.source_url,
    )


def find_article_files(paths: Iterable[Path]) -> Iterator[Path]:
    """Article files under ``paths`` (files as given, folders recursively, sorted)."""
    for path in paths:
        if path.is_dir():
            yield from sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in ARTICLE_SUFFIXES)
        elif path.exists():
            yield path
        else:
            raise KGError(f"{path}: no such file or folder")
