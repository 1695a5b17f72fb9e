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
from collections import deque
from collections.abc import Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field

import pyoxigraph as ox

from kg.errors import KGError
from kg.extractor import extract
from kg.mapper import EntitySummary, map_article, summarise
from kg.reader import article_from_bytes

_IN_FLIGHT_PER_WORKER = 4
_MAX_CHUNK = 32


@dataclass(frozen=True)
class Job:
    """One article file to process."""

    path: str
    stem: str


@dataclass
class Outcome:
    """What a worker made of one article file."""

    path: str
    stem: str
    nquads: bytes = b""
    """The article's named graph in N-Quads (empty when it was skipped)."""
    summaries: list[EntitySummary] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    skipped: str | None = None
    """Why the file gave no article, or ``None``."""


def process(job: Job) -> Outcome:
    """read → extract → map one article file."""
    try:
        with open(job.path, "rb") as handle:
            data = handle.read()
    except OSError as exc:
        return Outcome(job.path, job.stem, skipped=f"cannot read ({exc.strerror})")
    try:
        article = article_from_bytes(data, stem=job.stem, path=job.path)
    except KGError as exc:
        return Outcome(job.path, job.stem, skipped=str(exc).split(": ", 1)[-1])
    extraction = extract(article)
    quads = map_article(article, extraction)
    return Outcome(job.path, job.stem, nquads=ox.serialize(quads, format=ox.RdfFormat.N_QUADS),
                   summaries=summarise(extraction.entities.values()), warnings=list(extraction.warnings))


def _process_chunk(jobs: Sequence[Job]) -> list[Outcome]:
    return [process(job) for job in jobs]


def chunk_size(jobs: int, workers: int) -> int:
    """Chunks big enough to amortise inter-process traffic, small enough to balance the load."""
    return max(1, min(_MAX_CHUNK, jobs // (workers * 8) or 1))


def process_all(jobs: Sequence[Job], *, workers: int = 1) -> Iterator[Outcome]:
    """The outcome of every job, in the order of ``jobs``.

    With one worker the jobs run in this process (no start-up cost, easy to profile); with more,
    in a pool of ``workers`` processes started by a fork server, so no child inherits the
    parent's open store or its threads.
    """
    if workers <= 1 or len(jobs) <= 1:
        yield from map(process, jobs)
        return
    size = chunk_size(len(jobs), workers)
    chunks = [jobs[i:i + size] for i in range(0, len(jobs), size)]
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["kg.parallel"])
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        pending: deque[Future[list[Outcome]]] = deque()
        submitted = 0
        while submitted < len(chunks) or pending:
            while submitted < len(chunks) and len(pending) < workers * _IN_FLIGHT_PER_WORKER:
                pending.append(pool.submit(_process_chunk, chunks[submitted]))
                submitted += 1
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
