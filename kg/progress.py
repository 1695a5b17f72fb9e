"""Progress of long work on stderr: how far a build is, how fast it goes, which step it is in.

A build of 100,000 articles runs for most of an hour on a laptop, and a quarter of that comes
after the last article is read (the entities, the summary and the store's compaction, the exports):
a terminal that shows nothing for ten minutes looks hung, and a user who cannot tell an hour
from a day cannot plan. So a build reports each article (with the rate so far and the time the
rest will take at that rate) and announces each step after the articles before it starts.
On a terminal the article line is refreshed in place; in a log (not a terminal) one line is
written every ``every`` articles, and at least every ``interval`` seconds, so a log shows
progress without growing by a line an article.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Protocol, TextIO

SUMMARY_STEP = "summary: counting mentions and articles, writing name keys (kg/summary.py)"
COMPACTION_STEP = "compaction: the store's indexes merged for reading (minutes on 100,000 articles)"
"""The steps a build and ``kg load`` share, said the same way by both."""


class Progress(Protocol):
    """What a long command says while it runs (printed by :class:`ConsoleProgress`)."""

    def article(self, number: int, total: int, path: str) -> None:
        """Article ``number`` of ``total`` (its file ``path``) is done."""

    def step(self, text: str) -> None:
        """A step after the articles begins: ``text`` says what it does."""


class Quiet:
    """:class:`Progress` that says nothing (``kg build -q``, tests, library callers)."""

    def article(self, number: int, total: int, path: str) -> None:
        pass

    def step(self, text: str) -> None:
        pass


QUIET = Quiet()


class ConsoleProgress:
    """:class:`Progress` as lines on ``stream`` (standard error by default)."""

    def __init__(self, stream: TextIO | None = None, *, every: int = 500, interval: float = 30.0,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.stream = stream or sys.stderr
        self.terminal = self.stream.isatty()
        self.every, self.interval, self.clock = every, interval, clock
        self.started = self._said = clock()

    def article(self, number: int, total: int, path: str) -> None:
        now = self.clock()
        pace = _pace(number, total, now - self.started)
        if self.terminal:
            self.stream.write(f"\r[{number}/{total}] {pace}  {Path(path).name[:50]:50s}")
            if number == total:
                self.stream.write("\n")
        elif number == total or number % self.every == 0 or now - self._said >= self.interval:
            self.stream.write(f"[{number}/{total}] read, {pace}\n")
            self._said = now
        self.stream.flush()

    def step(self, text: str) -> None:
        self.stream.write(f"{text}…\n")
        self.stream.flush()


def _pace(number: int, total: int, seconds: float) -> str:
    """ "27.5 articles/s, about 58 min left": the rate so far, and the rest at that rate."""
    if seconds <= 0 or number <= 0:
        return "starting"
    rate = number / seconds
    left = (total - number) / rate
    speed = f"{rate:.1f} articles/s" if rate >= 1 else f"{rate * 60:.1f} articles/min"
    return speed + (f", about {duration(left)} left" if number < total else "")


def duration(seconds: float) -> str:
    """A rough human duration: "40 s", "12 min", "1 h 05 min"."""
    if round(seconds) < 60:
        return f"{round(seconds)} s"
    minutes = round(seconds / 60)
    return f"{minutes} min" if minutes < 60 else f"{minutes // 60} h {minutes % 60:02d} min"
