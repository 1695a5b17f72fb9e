"""What a long build tells while it runs: each article with its rate and the time left, then
each step after the articles, so that a build of an hour never looks hung."""

from __future__ import annotations

import io
from pathlib import Path

from kg.build import build
from kg.cli import main
from kg.paths import SEEDS_DIR
from kg.progress import ConsoleProgress, duration


class Clock:
    """A clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_a_log_gets_a_line_every_n_articles_with_rate_and_time_left() -> None:
    log, clock = io.StringIO(), Clock()
    progress = ConsoleProgress(log, every=100, interval=30, clock=clock)
    for number in range(1, 401):
        clock.now += 0.05  # 20 articles a second
        progress.article(number, 400, f"article-{number}.txt")
    assert log.getvalue().splitlines() == [
        "[100/400] read, 20.0 articles/s, about 15 s left",
        "[200/400] read, 20.0 articles/s, about 10 s left",
        "[300/400] read, 20.0 articles/s, about 5 s left",
        "[400/400] read, 20.0 articles/s",
    ]


def test_a_slow_log_still_gets_a_line_every_interval() -> None:
    log, clock = io.StringIO(), Clock()
    progress = ConsoleProgress(log, every=500, interval=30, clock=clock)
    for number in range(1, 5):
        clock.now += 20  # 20 s an article: the interval, not the count, decides
        progress.article(number, 100, "big.html")
    assert log.getvalue().splitlines() == [
        "[2/100] read, 3.0 articles/min, about 33 min left",
        "[4/100] read, 3.0 articles/min, about 32 min left",
    ]


def test_a_terminal_line_is_refreshed_in_place_and_ended_once() -> None:
    terminal, clock = Terminal(), Clock()
    progress = ConsoleProgress(terminal, clock=clock)
    for number in (1, 2):
        clock.now += 1
        progress.article(number, 2, f"/news/article-{number}.txt")
    progress.step("summary")
    text = terminal.getvalue()
    assert text.startswith("\r[1/2] 1.0 articles/s, about 1 s left  article-1.txt")
    assert "\r[2/2] 1.0 articles/s  article-2.txt" in text
    assert text.endswith("\nsummary…\n") and text.count("\n") == 2


def test_durations_read_as_a_person_would_say_them() -> None:
    assert [duration(s) for s in (0.4, 40, 59.6, 61, 3599, 3660, 7 * 3600 + 5 * 60)] == [
        "0 s", "40 s", "1 min", "1 min", "1 h 00 min", "1 h 01 min", "7 h 05 min"]


class Recorder:
    def __init__(self) -> None:
        self.events: list[tuple] = []

    def article(self, number: int, total: int, path: str) -> None:
        self.events.append(("article", number, total, Path(path).name))

    def step(self, text: str) -> None:
        self.events.append(("step", text.split(":")[0]))


def test_a_build_reports_every_article_then_each_step_it_times(tmp_path: Path) -> None:
    recorder = Recorder()
    report = build([SEEDS_DIR], tmp_path / "out", progress=recorder)
    seeds = sorted(p.name for p in SEEDS_DIR.iterdir() if p.is_file())
    articles = [e for e in recorder.events if e[0] == "article"]
    assert [e[1:3] for e in articles] == [(n, len(seeds)) for n in range(1, len(seeds) + 1)]
    assert sorted(e[3] for e in articles) == seeds
    steps = [e[1] for e in recorder.events if e[0] == "step"]
    assert steps == ["entities", "summary", "compaction", "exports", "view"]
    assert recorder.events[:len(articles)] == articles  # the steps come after the last article
    # the time: line of kg build shows the same steps, each with its own wall time
    assert list(report.phases) == ["survey", "articles", "entities", "summary", "compaction", "counts",
                                   "exports", "view", "publish"]


def test_kg_load_says_which_shard_it_loads(tmp_path: Path, capsys) -> None:
    assert main(["build", str(SEEDS_DIR), "-o", str(tmp_path / "shard"), "--shard", "1/1", "-q"]) == 0
    capsys.readouterr()
    assert main(["load", str(tmp_path / "shard"), "-o", str(tmp_path / "loaded")]) == 0
    said = capsys.readouterr().err.splitlines()
    assert said[0].startswith("loading shard 1/1: ") and said[0].endswith(" MB)…")
    assert [line.split(":")[0] for line in said[1:]] == ["summary", "compaction"]
