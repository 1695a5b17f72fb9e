"""Reading, extraction and mapping of many articles, in worker processes, in file order.

Extraction is pure Python and takes nearly all of a build's time, so a build spreads it over
processes (``kg build --workers N``) while the store stays in the parent: RocksDB allows one
writer, and keeping every write there keeps the store's state easy to reason about.

A worker hands back each article's graph as N-Quads bytes, not as term objects: serialising and
bulk-parsing them happens in Rust and costs a fraction of pickling a thousand Python objects per
article. Results come back in the order of the files whatever the number of workers, so the
parent sees the same sequence of summaries and warnings and builds the same graph; at most a few
chunks per worker are in flight, so memory stays flat however many articles there are.

Sharding (``kg build --shard i/n``) picks the articles of one machine by a stable hash of the
file stem, so any number of machines can split a corpus without talking to each other.
"""

from __future__ import annotations

import hashlib
import multiprocessing
import os
import threading
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from itertools import islice
from multiprocessing.connection import Connection

from kg.errors import KGError
from kg.export import article_blocks
from kg.extractor import extract
from kg.mapper import EntitySummary, map_article, summarise
from kg.reader import ArticleError, Skipped, Source, parse_source

CHUNK = 8
"""Articles per task: a second or so of work, enough to amortise the traffic between processes."""
_IN_FLIGHT_PER_WORKER = 3


@dataclass
class Outcome:
    """What a worker made of one source."""

    stem: str
    path: str
    nquads: bytes = b""
    """The article's named graph in N-Quads (empty when it was skipped)."""
    blocks: dict[str, bytes] = field(default_factory=dict)
    """The article's block of each export file (:func:`kg.export.article_blocks`)."""
    summaries: list[EntitySummary] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    skipped: Skipped | None = None
    """Why the source gave no article, or ``None``."""


def process(source: Source, exports: tuple[str, ...] = ()) -> Outcome:
    """parse → extract → map one source, and serialise its blocks of the ``exports`` files."""
    try:
        article = parse_source(source)
    except ArticleError as exc:
        return Outcome(source.stem, source.path, skipped=exc.skipped)
    extraction = extract(article)
    lines = map_article(article, extraction)
    nquads = lines.text().encode()
    return Outcome(source.stem, source.path, nquads=nquads, blocks=article_blocks(nquads, exports, lines.triples),
                   summaries=summarise(extraction.entities.values()),
                   warnings=[*article.warnings, *extraction.warnings])


def _exit_with_parent(lifeline: Connection) -> None:
    """In a worker: end the process as soon as the build that started it has gone.

    A build killed outright (``kill -9``, or ``SIGTERM``, which Python does not turn into an
    exception) cannot shut its pool down, and its workers, waiting on a queue nobody writes to,
    would live on for ever, holding the terminal's pipes open. Their parent is the fork server,
    which they keep alive themselves, so ``getppid`` tells nothing; the ``lifeline`` tells: only
    the build holds its other end, and the kernel closes it when the build ends however it ends.
    """

    def watch() -> None:
        lifeline.poll(None)  # nothing is ever sent: it returns at end of file
        os._exit(1)

    threading.Thread(target=watch, name="exit-with-parent", daemon=True).start()


def _process_chunk(sources: list[Source], exports: tuple[str, ...]) -> list[Outcome]:
    return [process(source, exports) for source in sources]


def process_all(sources: Iterable[Source], *, workers: int = 1, exports: tuple[str, ...] = ()) -> Iterator[Outcome]:
    """The outcome of every source, in the order of ``sources`` (read lazily), with the
    blocks of the ``exports`` files.

    With one worker the sources are processed in this process (no start-up cost, easy to
    profile); with more, in a pool of ``workers`` processes started by a fork server, so no child
    inherits the parent's open store or its threads.
    """
    if workers <= 1:
        yield from (process(source, exports) for source in sources)
        return
    iterator = iter(sources)
    chunks = iter(lambda: list(islice(iterator, CHUNK)), [])
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["kg.parallel"])
    lifeline, held = context.Pipe(duplex=False)
    with held, lifeline, ProcessPoolExecutor(max_workers=workers, mp_context=context,
                                             initializer=_exit_with_parent, initargs=(lifeline,)) as pool:
        pending: deque[Future[list[Outcome]]] = deque()
        for chunk in chunks:
            pending.append(pool.submit(_process_chunk, chunk, exports))
            if len(pending) >= workers * _IN_FLIGHT_PER_WORKER:
                yield from pending.popleft().result()
        while pending:
            yield from pending.popleft().result()


def default_workers() -> int:
    """The CPUs this process may use."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


@dataclass(frozen=True)
class Shard:
    """Shard ``index`` of ``count`` (1-based, as written on the command line: ``2/4``)."""

    index: int
    count: int

    @classmethod
    def parse(cls, text: str) -> "Shard":
        """``"i/n"`` → :class:`Shard`; raises :class:`KGError` on anything else."""
        try:
            index, count = (int(part) for part in text.split("/"))
        except ValueError:
            raise KGError(f"--shard {text!r}: expected i/n, e.g. 1/4") from None
        if not 1 <= index <= count:
            raise KGError(f"--shard {text!r}: i must be between 1 and n")
        return cls(index, count)

    def holds(self, stem: str) -> bool:
        """Whether the article ``stem`` belongs here: SHA-256 of the stem, not Python's
        ``hash``, which changes from process to process."""
        digest = hashlib.sha256(stem.encode("utf-8")).digest()
        return int.from_bytes(digest[:8], "big") % self.count == self.index - 1

    def __str__(self) -> str:
        return f"{self.index}/{self.count}"
