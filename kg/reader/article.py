"""The reader's product: an article's clean body text and its metadata."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date


@dataclass(frozen=True)
class Article:
    """One article, ready for extraction.

    ``body`` is the clean article text (NFC, page furniture removed); every character offset
    the later stages record points into it, so ``body[begin:end]`` gives back the mention.
    """

    stem: str
    """The file stem: the article's identifier in the graph (``dcterms:identifier``)."""
    path: str
    body: str
    language: str
    """ISO 639-1 code of the body, detected from the text; ``und`` when undetermined."""
    content_hash: str
    """``sha256:…`` of the file's bytes: a changed file is a changed article."""
    title: str | None = None
    published: date | None = None
    source_url: str | None = None
    warnings: tuple[str, ...] = field(default=())
