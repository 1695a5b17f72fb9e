"""Bad input, interrupted builds and hostile text: nothing good is lost, nothing bad gets in.

Every test makes its own input: a folder of bad files beside good ones, a few hundred
generated articles for a build that is killed half-way, articles written to attack the RDF
and the HTML view, and a Vietnamese sentence in both Unicode normal forms.
"""

from __future__ import annotations

import ctypes
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
import unicodedata
from html.parser import HTMLParser
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Dataset, Graph

from kg.build import build
from kg.errors import KGError
from kg.extractor import extract
from kg.paths import ROOT, SEEDS_DIR
from kg.reader import read_article
from kg.staging import MANIFEST, STAGING_DIRNAME, STORES_DIRNAME, Staging, staged_build
from kg.store import GraphStore
from kg.validate import validate

SEED = SEEDS_DIR / "000_d18b5ccdbd353e4f.txt"
OUTPUTS = ("graph.ttl", "graph.trig", "graph.html", ".build-fingerprint")
COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
IDS = "SELECT ?id WHERE { ?a <http://purl.org/dc/terms/identifier> ?id }"


def kg(*args: str, preexec_fn=None) -> subprocess.CompletedProcess[str]:
    """Run the ``kg`` command of this checkout."""
    return subprocess.run([sys.executable, "-m", "kg", *args], capture_output=True, text=True, env=_env(),
                          preexec_fn=preexec_fn, timeout=600)


def _env() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(ROOT)}


def _without_dac_override() -> None:
    """In the child, before exec: as root, give up the capabilities that read any file, so a
    file with mode 000 is unreadable as it is for any user (PR_CAPBSET_DROP)."""
    libc = ctypes.CDLL(None, use_errno=True)
    for capability in (1, 2):  # CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH
        if libc.prctl(24, capability, 0, 0, 0) != 0:
            raise OSError(ctypes.get_errno(), "prctl(PR_CAPBSET_DROP) failed: cannot drop root's file access")


def _paragraphs() -> list[str]:
    return [line for seed in sorted(SEEDS_DIR.glob("*.txt"))
            for line in seed.read_text(encoding="utf-8").split("\n") if len(line) > 80 and "://" not in line]


def _generate(folder: Path, first: int, count: int) -> None:
    """``count`` articles of three seed paragraphs and a line of their own (so no two are alike)."""
    paragraphs = _paragraphs()
    folder.mkdir(parents=True, exist_ok=True)
    for number in range(first, first + count):
        chosen = [paragraphs[(number * step + step) % len(paragraphs)] for step in (1, 3, 7)]
        text = "\n".join(chosen) + f"\nGenerated article number {number}.\n"
        (folder / f"gen-{number:04d}.txt").write_text(text, encoding="utf-8")


def _ids(out: Path) -> set[str]:
    result = kg("query", "-o", str(out), "-f", "json", IDS)
    assert result.returncode == 0, result.stderr
    return {row["id"]["value"] for row in json.loads(result.stdout)["results"]["bindings"]}


# -- bad input -------------------------------------------------------------------------------

def _bad_corpus(folder: Path) -> dict[str, str]:
    """Good articles beside bad files; returns bad file (relative) → the words its skip reason must hold."""
    (folder / "sub").mkdir(parents=True)
    seed = SEED.read_bytes()
    (folder / "good.txt").write_bytes(seed)
    (folder / "sub" / "copy.txt").write_bytes(seed)
    (folder / "sub" / "good.txt").write_text("Thailand and Laos opened a railway in Vientiane.", encoding="utf-8")
    (folder / "utf16.txt").write_bytes("Trung Quốc và Việt Nam hợp tác tại Thâm Quyến.".encode("utf-16"))
    (folder / "legacy.txt").write_bytes("De minister bezocht Vietnam en België, één dag.".encode("cp1252"))
    (folder / "page.html").write_text("<html><head><title>Expo opens</title></head><body><nav>Home | News</nav>"
                                      "<article><p>The China-ASEAN Expo opened in Nanning with ministers from "
                                      "Vietnam and Malaysia.</p></article></body></html>", encoding="utf-8")
    records = [{"text": "Singapore and China signed a memorandum in Beijing.", "title": "MoU"},
               {"id": "feed-custom", "text": "Cambodia joined the summit in Phnom Penh.", "date": "2025-09-18"}]
    (folder / "feed.jsonl").write_text("\n".join([json.dumps(records[0]), "{broken", json.dumps({"title": "x"}),
                                                  json.dumps(records[1])]) + "\n", encoding="utf-8")
    (folder / "nothing.txt").write_text("nothing to see here, only lower-case words.", encoding="utf-8")
    (folder / "empty.txt").write_bytes(b"")
    (folder / "blank.txt").write_text(" \n\t\n", encoding="utf-8")
    (folder / "binary.txt").write_bytes(bytes(range(256)) * 16)
    (folder / "huge.txt").write_bytes(b"China and Vietnam. " * 10_000)
    (folder / "locked.txt").write_text("Vietnam and China.", encoding="utf-8")
    (folder / "locked.txt").chmod(0)
    return {"empty.txt": "empty file", "blank.txt": "empty", "binary.txt": "binary", "huge.txt": "too large",
            "locked.txt": "cannot read (Permission denied)", "sub/copy.txt": "same bytes as",
            "sub/good.txt": "same article id", "feed.jsonl:2": "not valid JSON", "feed.jsonl:3": 'no "text"'}


def test_bad_files_are_reported_one_line_each_and_the_good_articles_are_built(tmp_path: Path) -> None:
    corpus, out = tmp_path / "corpus", tmp_path / "out"
    bad = _bad_corpus(corpus)
    drop = _without_dac_override if os.geteuid() == 0 else None
    result = kg("build", str(corpus), "-o", str(out), "-q", "--max-bytes", "100000", preexec_fn=drop)
    assert result.returncode == 0, result.stderr
    lines = result.stderr.splitlines()
    for name, reason in bad.items():
        matching = [line for line in lines if line.startswith(f"skipped {corpus / name}: ")]
        assert len(matching) == 1 and reason in matching[0], (name, lines)
    assert sum(line.startswith("skipped ") for line in lines) == len(bad)
    assert f"warning: {corpus / 'nothing.txt'}: no entity found; the article is kept" in lines
    assert f"warning: {corpus / 'legacy.txt'}: not UTF-8: decoded as cp1252 (detected)" in lines
    summary = next(line for line in result.stdout.splitlines() if line.startswith("articles:"))
    assert ("7 added" in summary and "9 skipped (1 binary, 1 duplicate, 2 empty, 2 invalid, 1 same id, "
            "1 too large, 1 unreadable)" in summary), summary
    assert _ids(out) == {"good", "utf16", "legacy", "page", "feed-1", "feed-custom", "nothing"}

    strict = kg("build", str(corpus), "-o", str(out), "-q", "--max-bytes", "100000", "--strict", preexec_fn=drop)
    assert strict.returncode == 1 and "9 input(s) skipped (--strict)" in strict.stderr
    assert "0 added, 0 replaced, 0 removed, 7 unchanged, 9 skipped" in strict.stdout


# -- interrupted builds ----------------------------------------------------------------------

def _snapshot(out: Path) -> dict[str, bytes | str]:
    state: dict[str, bytes | str] = {name: (out / name).read_bytes() for name in OUTPUTS}
    state["store"] = os.readlink(out / "store")
    return state


def _interruptible() -> None:
    """In the child, before exec: Ctrl-C as at a terminal. A test run started in the background
    inherits SIGINT ignored, and Python then installs no KeyboardInterrupt handler."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


MIDWAY_ARTICLES = 800
"""About 8 s of building on the project's machine: the latest stop (3 s in) must still find it running."""


@pytest.mark.parametrize(("signal_number", "after", "workers"),
                         [(signal.SIGKILL, 1.5, "1"), (signal.SIGKILL, 1.5, "2"), (signal.SIGTERM, 0.2, "1"),
                          (signal.SIGTERM, 0.2, "2"), (signal.SIGINT, 3.0, "1"), (signal.SIGINT, 3.0, "2")],
                         ids=["kill-9", "kill-9-workers", "term", "term-workers", "ctrl-c", "ctrl-c-workers"])
def test_a_build_stopped_midway_leaves_the_previous_graph_and_store(signal_number: int, after: float, workers: str,
                                                                     tmp_path: Path) -> None:
    corpus, out = tmp_path / "corpus", tmp_path / "out"
    _generate(corpus, 0, 20)
    assert kg("build", str(corpus), "-o", str(out), "-q").returncode == 0
    before, ids = _snapshot(out), _ids(out)
    _generate(corpus, 20, MIDWAY_ARTICLES)  # enough that every stop lands before the commit point

    process = subprocess.Popen([sys.executable, "-m", "kg", "build", str(corpus), "-o", str(out), "-q",
                                "--workers", workers],
                               env=_env(), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                               preexec_fn=_interruptible, start_new_session=True)
    deadline = time.monotonic() + 120
    while not (out / STAGING_DIRNAME).exists() and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.01)
    time.sleep(after)
    assert process.poll() is None, "the build ended before it could be stopped midway"
    process.send_signal(signal_number)
    try:
        process.communicate(timeout=60)  # returns once every process holding its stderr has ended
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        pytest.fail("processes of the stopped build (its workers) were still running a minute later")
    assert process.returncode != 0, "the build was not stopped: it finished"
    assert not (out / STAGING_DIRNAME / MANIFEST).exists(), "stopped after its commit point, not midway"

    assert _snapshot(out) == before, "an output or the store link changed"
    assert _ids(out) == ids, "the store does not answer as before"

    again = kg("build", str(corpus), "-o", str(out), "-q")
    assert again.returncode == 0, again.stderr
    # nothing of the stopped build was kept (a full rebuild if the code changed meanwhile)
    new, total = MIDWAY_ARTICLES, MIDWAY_ARTICLES + 20
    assert re.search(rf"({new} added, 0 replaced, 0 removed, 20 unchanged|{total} added, 0 replaced, 0 removed, "
                     r"0 unchanged), 0 skipped", again.stdout), again.stdout
    assert len(_ids(out)) == total
    assert not (out / STAGING_DIRNAME).exists() and len(list((out / STORES_DIRNAME).iterdir())) == 1
    for name in OUTPUTS:
        assert (out / name).read_bytes() != before[name] or name == ".build-fingerprint"


def test_a_build_stopped_while_publishing_is_finished_by_the_next(tmp_path: Path, monkeypatch) -> None:
    corpus, out = tmp_path / "corpus", tmp_path / "out"
    _generate(corpus, 0, 3)
    build([corpus], out, html=False)
    _generate(corpus, 3, 2)
    real_replace = os.replace

    def crash_on_trig(source, target):
        if Path(target) == out / "graph.trig":
            raise KeyboardInterrupt
        real_replace(source, target)

    monkeypatch.setattr(os, "replace", crash_on_trig)
    with pytest.raises(KeyboardInterrupt):
        build([corpus], out, html=False)
    monkeypatch.setattr(os, "replace", real_replace)
    assert (out / STAGING_DIRNAME / MANIFEST).exists()  # committed, half moved
    report = build([corpus], out, html=False)
    assert report.unchanged == 5 and report.added == 0
    trig = ox.parse(path=str(out / "graph.trig"), format=ox.RdfFormat.TRIG)
    assert len({q.graph_name for q in trig}) == 6  # 5 articles and the entities graph


def test_a_build_that_would_fill_the_disk_stops_before_it_starts(tmp_path: Path, monkeypatch) -> None:
    """Out of space hours into a big build loses the hours: the build measures first, says how
    much it needs, leaves the published graph as it was, and builds when told to anyway."""
    corpus, out = tmp_path / "corpus", tmp_path / "out"
    _generate(corpus, 0, 3)
    build([corpus], out, html=False)
    before = {name: (out / name).read_bytes() for name in ("graph.ttl", "graph.trig")}
    _generate(corpus, 3, 2)
    article_bytes = sum(p.stat().st_size for p in corpus.iterdir())
    nearly_full = shutil.disk_usage(tmp_path)._replace(free=article_bytes)  # room for the articles, not the build
    monkeypatch.setattr("kg.build.shutil.disk_usage", lambda path: nearly_full)
    with pytest.raises(KGError, match=r"not enough free disk .* needs about [0-9.]+ MB .*--no-disk-check"):
        build([corpus], out, html=False)
    assert {name: (out / name).read_bytes() for name in before} == before
    assert build([corpus], out, html=False, disk_check=False).added == 2


def test_the_new_store_is_closed_before_readers_can_open_it(tmp_path: Path, monkeypatch) -> None:
    """A reader must never open a store that a writer still holds (RocksDB: undefined)."""
    real_publish = Staging.publish

    def publish_if_closed(staging: Staging, names: list[str]) -> None:
        ox.Store(str(staging.store_dir))  # raises "lock hold by current process" while the build holds it
        real_publish(staging, names)

    monkeypatch.setattr(Staging, "publish", publish_if_closed)
    assert build([SEED], tmp_path / "out", html=False).added == 1


def test_two_builds_of_one_folder_take_turns(tmp_path: Path) -> None:
    with staged_build(tmp_path / "out"):
        with pytest.raises(KGError, match="another `kg build` is writing"):
            build([SEED], tmp_path / "out", html=False)


# -- hostile text ----------------------------------------------------------------------------

HOSTILE = {
    "sparql": "China and Vietnam agreed } ; DROP ALL ; INSERT DATA { <http://x> <http://y> \"z\" } "
              "SELECT * WHERE { ?s ?p ?o } # Thailand joined the China-ASEAN Expo.",
    "turtle": "@prefix x: <http://evil/> . <http://a> <http://b> \"\"\"c\"\"\" . China met \"ASEAN\" \\\" \\u0022 "
              "^^xsd:date @en <> _:b . Laos'' '''",
    "script": "<script>alert('Vietnam')</script> The China-ASEAN Expo opened in Nanning. </script><!-- <script> "
              "<img src=x onerror=alert(1)> &lt;b&gt; ]]>",
    "controls": "China\x00 and\x07 Vietnam\x1b[31m signed\x7f a deal\x85 in\u2028Hanoi\x0c.\x9b",
    "long": "China and Vietnam " + "x" * 300_000 + " signed in Hanoi.\n" + "lorem ipsum " * 20_000 + "Laos.",
    "unicode": "Trung\u200dQuốc \u202eVietnam\u202c và Thâm\u200bQuyến \ufeffASEAN \u2066China\u2069 🇻🇳 "
               "Singapore\u0301\u0301\u0301 \U0010fffd",
}


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, str | None]] = []
        self.data: list[str] = []
        self._in_data = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs).get("id")))
        self._in_data = dict(attrs).get("id") == "kg-data"

    def handle_endtag(self, tag: str) -> None:
        self._in_data = False

    def handle_data(self, data: str) -> None:
        if self._in_data:
            self.data.append(data)


def test_hostile_text_gives_valid_rdf_and_a_page_it_cannot_change(tmp_path: Path) -> None:
    corpus, out = tmp_path / "corpus", tmp_path / "out"
    corpus.mkdir()
    for name, text in HOSTILE.items():
        (corpus / f"{name}.txt").write_text(text, encoding="utf-8")
    report = build([corpus], out)
    assert report.added == len(HOSTILE) and not report.skipped
    for name, fmt in (("graph.ttl", "turtle"), ("graph.trig", "trig")):
        data = (out / name).read_bytes()
        (Graph() if fmt == "turtle" else Dataset()).parse(data=data, format=fmt)
        assert list(ox.parse(data, format=ox.RdfFormat.TURTLE if fmt == "turtle" else ox.RdfFormat.TRIG))
    store = GraphStore.open(out, read_only=True)
    bodies = {row["id"].value: row["body"].value for row in store.query(
        "SELECT ?id ?body WHERE { ?a <http://purl.org/dc/terms/identifier> ?id ; "
        "<https://schema.org/articleBody> ?body }")}
    assert "DROP ALL" in bodies["sparql"] and "\"\"\"c\"\"\"" in bodies["turtle"] and "<script>" in bodies["script"]
    assert "\x00" not in bodies["controls"] and "\u202e" not in bodies["unicode"]
    result = validate(store)
    assert result.conforms, result.text

    page = (out / "graph.html").read_text(encoding="utf-8")
    template = (ROOT / "kg" / "templates" / "network.html").read_text(encoding="utf-8")
    parsed, expected = _Tags(), _Tags()
    parsed.feed(page)
    expected.feed(template)
    assert parsed.tags == expected.tags, "article text added or removed an element of the page"
    json.loads("".join(parsed.data))


def test_vietnamese_in_nfd_and_nfc_gives_the_same_entities(tmp_path: Path) -> None:
    sentence = ("Ngày 18/9/2025, Bộ trưởng Bộ Công Thương Việt Nam và đại diện Trung Quốc đã ký bản ghi nhớ "
                "hợp tác thương mại tại Thâm Quyến, trước thềm Hội chợ Trung Quốc - ASEAN ở Nam Ninh.")
    nfc, nfd = tmp_path / "nfc.txt", tmp_path / "nfd.txt"
    nfc.write_text(unicodedata.normalize("NFC", sentence), encoding="utf-8")
    nfd.write_text(unicodedata.normalize("NFD", sentence), encoding="utf-8")
    assert nfc.read_bytes() != nfd.read_bytes()
    composed, decomposed = read_article(nfc), read_article(nfd)
    assert composed.body == decomposed.body
    entities = [{(e.key, e.cls, e.name, tuple((m.begin, m.end, m.surface) for m in e.mentions))
                 for e in extract(article).entities.values()} for article in (composed, decomposed)]
    assert entities[0] == entities[1]
    names = {name for _, _, name, _ in entities[0]}
    assert {"China", "Vietnam", "Shenzhen"} <= names, names
