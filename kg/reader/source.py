"""Finding articles on disk: files and folders → :class:`Source` (one article's raw bytes).

A source is what the build compares with the store before doing any work: its id and the
hash of its bytes. Decoding, page analysis and language detection (tens of milliseconds an
article) happen only for sources that are new or changed. Anything on disk that cannot be an
article becomes a :class:`Skipped` with the reason, and the walk goes on.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import BinaryIO, Literal

from kg.datafiles import patterns
from kg.errors import KGError
from kg.reader.fields import article_id

Format = Literal["text", "html", "jsonl"]
"""How a file holds its articles; ``ontology/patterns/reader.yaml`` maps file suffixes to these."""
SkipKind = Literal["empty", "binary", "too large", "unreadable", "invalid", "duplicate", "same id"]
"""Why an input was skipped: the build's summary counts skips by these."""

DEFAULT_MAX_BYTES = 5_000_000


@dataclass(frozen=True)
class Source:
    """One article's bytes as found on disk: a whole file, or one line of a JSON Lines file."""

    stem: str
    """The article id: the file stem, or ``<file stem>-<line number>`` / the record's ``id``."""
    path: str
    """Where it was found, for messages: the file, or ``file:line`` for a JSON Lines record."""
    data: bytes
    format: Format

    @property
    def content_hash(self) -> str:
        """``sha256:…`` of the bytes (``kg:contentHash``): a changed source is a changed article."""
        return "sha256:" + hashlib.sha256(self.data).hexdigest()


@dataclass(frozen=True)
class Skipped:
    """An input that is not (or not another) article, and why."""

    path: str
    kind: SkipKind
    reason: str


class ArticleError(KGError):
    """A source that cannot be made into an article; the build skips it and says why."""

    def __init__(self, path: str, kind: SkipKind, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.skipped = Skipped(path, kind, reason)


@cache
def suffixes() -> dict[str, Format]:
    """File name suffix (lower case) → format, from ``ontology/patterns/reader.yaml``."""
    return {suffix.lower(): fmt for fmt, names in patterns("reader")["formats"].items() for suffix in names}


def find_article_files(paths: Iterable[Path]) -> Iterator[Path]:
    """Article files under ``paths`` (files as given, folders recursively, sorted)."""
    known = suffixes()
    for path in paths:
        if path.is_dir():
            yield from sorted(p for p in path.rglob("*") if p.suffix.lower() in known and p.is_file())
        elif path.exists():
            yield path
        else:
            raise KGError(f"{path}: no such file or folder")


def read_sources(path: Path, *, max_bytes: int = DEFAULT_MAX_BYTES) -> Iterator[Source | Skipped]:
    """The articles in one file, or why they cannot be read; never raises for a bad file."""
    fmt = suffixes().get(path.suffix.lower(), "text")
    try:
        with open(path, "rb") as handle:
            if fmt == "jsonl":
                yield from _records(handle, path, max_bytes)
                return
            size = os.fstat(handle.fileno()).st_size
            data = handle.read(max_bytes + 1) if size <= max_bytes else b""
    except OSError as exc:
        yield Skipped(str(path), "unreadable", f"cannot read ({exc.strerror or exc})")
        return
    stem = article_id(path.stem)
    if size > max_bytes or len(data) > max_bytes:
        yield Skipped(str(path), "too large", f"too large ({max(size, len(data)):,} bytes; the limit is {max_bytes:,})")
    elif not data:
        yield Skipped(str(path), "empty", "empty file")
    elif stem is None:
        yield Skipped(str(path), "invalid", "the file name is not printable text, so it cannot be an article id")
    else:
        yield Source(stem, str(path), data, fmt)


def _records(handle: BinaryIO, path: Path, max_bytes: int) -> Iterator[Source | Skipped]:
    """One source per non-blank line of a JSON Lines file; lines over ``max_bytes`` are skipped."""
    number = 0
    while True:
        line = handle.readline(max_bytes + 1)
        if not line:
            return
        number += 1
        where = f"{path}:{number}"
        if len(line) > max_bytes and not line.endswith(b"\n"):
            size = len(line)
            while line and not line.endswith(b"\n"):
                line = handle.readline(1 << 20)
                size += len(line)
            yield Skipped(where, "too large", f"too large ({size:,} bytes; the limit is {max_bytes:,})")
            continue
        line = line.rstrip(b"\r\n")
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except (ValueError, RecursionError) as exc:
            yield Skipped(where, "invalid", f"not valid JSON ({str(exc)[:80]})")
            continue
        if not isinstance(record, dict):
            yield Skipped(where, "invalid", "not a JSON object")
            continue
        raw_id = record.get("id")
        if raw_id is None:
            stem = article_id(f"{path.stem}-{number}")
        else:
            stem = article_id(str(raw_id)) if isinstance(raw_id, str | int) and not isinstance(raw_id, bool) else None
        if stem is None:
            yield Skipped(where, "invalid", f"the id {str(raw_id)[:40]!r} is not short printable text")
            continue
        yield Source(stem, where, line, "jsonl")
