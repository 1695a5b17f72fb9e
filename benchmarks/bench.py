"""The benchmark: build throughput, memory, store size, query and view times, and two ratios.

    python -m benchmarks.bench                       # N = 100 … 100,000 within a 30-minute budget
    python -m benchmarks.bench --max-articles 1000   # a quick run

For each corpus size N (synthetic articles from :mod:`benchmarks.corpus`) it runs the product
command ``kg build --full --no-html`` end to end (files → on-disk store, graph.ttl, graph.trig) in a
child process and records wall and CPU time, peak memory of the whole process tree, triples and
store size. It then times every library query (``queries/*.rq``, median of repeated runs after a
warm-up), the network view of the 1,000 most central entities, and measures in the same run:

- the build against a *bare pass* over the same files (read, NFC, one combined regex scan): what
  the extraction and the store cost on top of touching the text at all;
- pyoxigraph against rdflib's in-memory graph on the same queries and the same graph;
- ``--workers W`` against ``--workers 1`` on the same corpus;
- ``kg validate`` (the shapes compiled to SPARQL) on the queried graphs, and against pySHACL, the
  reference engine, on the smallest.

A size whose build would not fit in what is left of the time budget (estimated from the
throughput of the size before) is skipped and reported as such, never silently dropped. Figures go
to the terminal as a table and to a JSON file.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import resource
import shlex
import shutil
import signal
import statistics
import subprocess
import sys
import time
import unicodedata
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import psutil
import pyoxigraph as ox

from benchmarks.corpus import DEFAULT_SEED, generate

if TYPE_CHECKING:
    from kg.query import Query

SIZES = (100, 1_000, 10_000, 100_000)
QUERY_SIZES = (10_000, 100_000)
VIEW_NODES = 1_000
_BARE = re.compile(r"\d+(?:[.,]\d+)*|[^\W\d_][\w'’-]*(?:[ \t]+[^\W\d_a-zà-ỹ][\w'’-]*)*|[^\w\s]")
"""The bare pass's one regex: numbers, runs of capitalised words (names), other words, punctuation."""


@dataclass
class BuildRun:
    """One ``kg build`` run."""

    articles: int
    workers: int
    words: int
    wall_s: float
    cpu_s: float
    peak_rss_mb: float
    triples: int
    store_mb: float
    ttl_mb: float
    trig_mb: float
    phases: dict[str, float] = field(default_factory=dict)
    """Wall seconds of the build's steps, as ``kg build`` reports them on its ``time:`` line."""

    @property
    def articles_per_s(self) -> float:
        return self.articles / self.wall_s

    @property
    def words_per_cpu_s(self) -> float:
        """Throughput per core: words over the CPU seconds of every process of the build."""
        return self.words / self.cpu_s


@dataclass
class Results:
    """Everything one benchmark run measured, as written to the JSON file."""

    machine: dict[str, Any]
    corpus: dict[str, Any] = field(default_factory=dict)
    builds: list[dict[str, Any]] = field(default_factory=list)
    bare: dict[str, dict[str, float]] = field(default_factory=dict)
    queries: dict[str, dict[str, dict[str, Any]]] = field(default_factory=dict)
    views: dict[str, dict[str, float]] = field(default_factory=dict)
    stores: dict[str, Any] = field(default_factory=dict)
    workers: dict[str, Any] = field(default_factory=dict)
    replicated: dict[str, dict[str, float]] = field(default_factory=dict)
    validation: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    """Per graph size: ``kg validate`` with each engine measured there."""
    skipped: list[str] = field(default_factory=list)
    seconds: float = 0.0


def log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


# --------------------------------------------------------------------------- measuring a build

def _tree(proc: psutil.Process) -> list[psutil.Process]:
    try:
        return [proc, *proc.children(recursive=True)]
    except psutil.NoSuchProcess:
        return []


@dataclass
class Sampled:
    """A child process's wall time, CPU time and peak memory (its whole process tree)."""

    wall_s: float
    cpu_s: float
    peak_rss_mb: float
    returncode: int
    stdout: str
    stderr: str


def run_sampled(cmd: list[str]) -> Sampled:
    """``cmd`` as a child process, sampled every 0.2 s for the memory and CPU of its tree."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    proc = psutil.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    peak = 0
    cpu: dict[int, float] = {}
    while proc.poll() is None:
        rss = 0
        for p in _tree(proc):
            try:
                rss += p.memory_info().rss
                times = p.cpu_times()
                cpu[p.pid] = times.user + times.system
            except psutil.NoSuchProcess:
                continue
        peak = max(peak, rss)
        time.sleep(0.2)
    wall = time.perf_counter() - started
    stdout, stderr = proc.communicate()
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    waited = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
    # the child itself is measured exactly by rusage; its own children by the last samples
    children_cpu = sum(seconds for pid, seconds in cpu.items() if pid != proc.pid)
    return Sampled(wall, max(waited, cpu.get(proc.pid, 0.0) + children_cpu), peak / 2**20, proc.returncode,
                   stdout, stderr)


def run_build(corpus: Path, out: Path, *, articles: int, words: int, workers: int) -> BuildRun:
    """``kg build`` as a child process (:func:`run_sampled`)."""
    cmd = [sys.executable, "-m", "kg", "build", str(corpus), "-o", str(out), "--full", "--no-html", "-q",
           "--workers", str(workers)]
    run = run_sampled(cmd)
    if run.returncode != 0:
        raise RuntimeError(f"{shlex.join(cmd)} failed ({run.returncode}):\n{run.stderr[-2000:]}")
    triples = int(re.search(r"^triples: (\d+)", run.stdout, re.M).group(1))  # type: ignore[union-attr]
    steps = re.search(r"^time: [\d.]+ s \((.*)\)$", run.stdout, re.M)
    phases = {name: float(seconds) for name, seconds in
              (step.rsplit(" ", 1) for step in steps.group(1).split(", "))} if steps else {}
    store = Path(os.path.realpath(out / "store"))
    return BuildRun(articles, workers, words, run.wall_s, run.cpu_s, run.peak_rss_mb, triples,
                    _size(store) / 2**20, _size(out / "graph.ttl") / 2**20, _size(out / "graph.trig") / 2**20,
                    phases)


def time_validation(out: Path, engine: str) -> dict[str, Any]:
    """``kg validate -q --engine ENGINE`` on a built graph: time, memory and the verdict."""
    run = run_sampled([sys.executable, "-m", "kg", "validate", "-q", "-o", str(out), "--engine", engine])
    if run.returncode not in (0, 1):
        return {"engine": engine, "error": run.stderr.strip()[-300:]}
    return {"engine": engine, "wall_s": run.wall_s, "cpu_s": run.cpu_s, "peak_rss_mb": run.peak_rss_mb,
            "conforms": run.returncode == 0}


def _size(path: Path) -> int:
    if path.is_file():
        return path.stat().st_size
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def bare_pass(corpus: Path) -> dict[str, float]:
    """Read every file, NFC it and scan it once with one regex: the floor any build stands on."""
    started = time.process_time()
    tokens = 0
    for path in sorted(corpus.glob("*.txt")):
        text = unicodedata.normalize("NFC", path.read_bytes().decode("utf-8"))
        tokens += sum(1 for _ in _BARE.finditer(text))
    return {"cpu_s": time.process_time() - started, "tokens": tokens}


# --------------------------------------------------------------------------- queries and view

def _library(store: ox.Store | None = None) -> list[tuple[str, str, dict[str, Any]]]:
    """(name, text for rdflib, bindings) of every library query, parameters from
    :func:`_example_bindings`."""
    from kg.query import library, with_prefixes, with_values

    found = []
    for name, query in library().items():
        bindings = _example_bindings(query, store)
        found.append((name, with_values(with_prefixes(query.text)[0], bindings), bindings))
    return found


def _example_bindings(query: Query, store: ox.Store | None = None) -> dict[str, Any]:
    """The parameters of the query's example, as terms.

    With ``store``: a parameter named after a top class (``forum``, ``person``) whose example
    names no entity of that class in the graph measured (the examples name the seeds' entities)
    takes the English name of the class's most-mentioned entity instead, so that the query is
    timed on answers, not on a lookup that finds nothing."""
    from kg.query import bind, parse_params

    words = shlex.split(query.example)
    params = parse_params(words[i + 1] for i, w in enumerate(words[:-1]) if w == "--param")
    if store is not None:
        params = {key: _known_or_busiest(store, key, value) for key, value in params.items()}
    return bind(query, params)


def _known_or_busiest(store: ox.Store, parameter: str, value: str) -> str:
    """``value`` when it names an entity whose IRI has the class segment ``parameter`` (or no
    entity IRI has that segment); otherwise the English name of the one with the most mentions."""
    from kg.vocab import ID_NS, KG_NS, RDFS

    prefix = json.dumps(f"{ID_NS}{parameter}/")
    known = store.query(f"""ASK {{ GRAPH ?g {{ ?e <{KG_NS}nameKey> ?key }}
        FILTER(STRSTARTS(STR(?e), {prefix}) && ?key = LCASE({json.dumps(value)})) }}""")
    busiest = list(store.query(f"""SELECT ?label WHERE {{
        GRAPH ?g {{ ?e <{KG_NS}mentionCount> ?n ; <{RDFS}label> ?label }}
        FILTER(STRSTARTS(STR(?e), {prefix})) }} ORDER BY DESC(?n) STR(?e) LIMIT 1"""))
    return value if bool(known) or not busiest else busiest[0]["label"].value


def _timed(action: Callable[[], Any], *, budget_s: float) -> dict[str, Any]:
    """Median wall time of ``action`` after one warm-up run; fewer repeats for slow ones."""
    started = time.perf_counter()
    rows = action()
    first = time.perf_counter() - started
    repeats = 7 if first < 0.2 else 5 if first < 2 else 3 if first < budget_s / 10 else 0
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        action()
        times.append(time.perf_counter() - started)
    return {"median_ms": 1000 * statistics.median(times or [first]), "runs": len(times) or 1, "rows": rows}


def time_queries(out: Path, *, timeout_s: float, budget: Budget) -> dict[str, dict[str, Any]]:
    """Every library query on the store in ``out``, each in a child process that is stopped
    after ``timeout_s`` (a query cannot be interrupted inside Oxigraph); none is started once
    the budget is spent."""
    results: dict[str, dict[str, Any]] = {}
    for name, _, _ in _library():
        if budget.left < timeout_s:
            results[name] = {"error": "not run: the time budget was spent"}
            continue
        cmd = [sys.executable, "-m", "benchmarks.bench", "--query-worker", str(out), "--query", name]
        try:
            proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout_s + 10)
        except subprocess.TimeoutExpired:
            results[name] = {"timeout_s": timeout_s}
            continue
        results[name] = json.loads(proc.stdout) if proc.returncode == 0 else {"error": proc.stderr.strip()[-300:]}
    return results


def query_worker(out: Path, name: str, timeout_s: float) -> None:
    """(Child process) time one library query through :func:`kg.query.run_local`; JSON to stdout."""
    from kg.query import library, run_local
    from kg.store import GraphStore

    store = GraphStore.open(out, read_only=True)
    query = library()[name]
    bindings = _example_bindings(query, store.store)
    timed = _timed(lambda: _count(run_local(store, query, bindings)), budget_s=timeout_s)
    json.dump({**timed, "params": {key: term.value for key, term in bindings.items()}}, sys.stdout)


def _count(result: Any) -> int:
    """Rows, triples or the boolean of a query's answer, reading all of it (a lazy answer costs
    nothing until read)."""
    if isinstance(result, ox.QueryBoolean):
        return int(bool(result))
    return sum(1 for _ in result)


def time_view(out: Path, html: Path) -> dict[str, float]:
    """The network view of the ``VIEW_NODES`` most central entities, through :func:`kg.view.write_view`."""
    from kg.store import GraphStore
    from kg.view import Selection, write_view

    store = GraphStore.open(out, read_only=True)
    started = time.perf_counter()
    write_view(store, html, Selection(max_nodes=VIEW_NODES))
    return {"seconds": time.perf_counter() - started, "html_mb": html.stat().st_size / 2**20}


# --------------------------------------------------------------------------- rdflib for comparison

def rdflib_worker(nquads: Path, timeout_s: float, budget_s: float) -> None:
    """(Child process) load ``nquads`` into rdflib's memory store and time the library queries
    read as JSON from stdin, each within ``timeout_s`` and all within ``budget_s``; one JSON
    object to stdout."""
    import rdflib

    started = time.perf_counter()
    dataset = rdflib.Dataset(default_union=True)
    dataset.parse(str(nquads), format="nquads")
    load = time.perf_counter() - started
    results: dict[str, Any] = {}

    def stop(*_: object) -> None:
        raise TimeoutError

    signal.signal(signal.SIGALRM, stop)
    for name, text in json.load(sys.stdin):
        if time.perf_counter() - started > budget_s:
            results[name] = {"error": "not run: the rdflib budget was spent"}
            continue
        signal.alarm(int(timeout_s))
        try:
            results[name] = _timed(lambda: sum(1 for _ in dataset.query(text)), budget_s=timeout_s)
        except TimeoutError:
            results[name] = {"timeout_s": timeout_s}
        except Exception as exc:  # noqa: BLE001
            results[name] = {"error": f"{type(exc).__name__}: {str(exc)[:200]}"}
        finally:
            signal.alarm(0)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    json.dump({"load_s": load, "peak_rss_mb": peak, "queries": results}, sys.stdout)


def compare_stores(out: Path, work: Path, oxigraph: dict[str, dict[str, Any]], *, timeout_s: float,
                   budget_s: float) -> dict[str, Any]:
    """rdflib (memory) on the graph of ``out`` against the pyoxigraph times already measured."""
    from kg.export import export
    from kg.store import GraphStore

    store = GraphStore.open(out, read_only=True)
    nquads = export(store, work / "compare.nq")
    queries = [(name, text) for name, text, _ in _library(store.store) if "median_ms" in oxigraph.get(name, {})]
    proc = subprocess.run([sys.executable, "-m", "benchmarks.bench", "--rdflib-worker", str(nquads),
                           "--query-timeout", str(timeout_s), "--rdflib-budget", str(budget_s)],
                          input=json.dumps(queries), capture_output=True, text=True, timeout=budget_s + 4 * timeout_s)
    if proc.returncode != 0:
        raise RuntimeError(f"rdflib worker failed:\n{proc.stderr[-2000:]}")
    rdflib = json.loads(proc.stdout)
    ratios = {}
    for name, _ in queries:
        theirs = rdflib["queries"].get(name, {})
        ours = oxigraph[name]["median_ms"]
        if "median_ms" in theirs:
            ratios[name] = {"ratio": theirs["median_ms"] / ours, "rdflib_ms": theirs["median_ms"], "oxigraph_ms": ours}
        elif "timeout_s" in theirs:
            ratios[name] = {"ratio_at_least": 1000 * theirs["timeout_s"] / ours, "rdflib_ms": None, "oxigraph_ms": ours}
    measured = [r["ratio"] for r in ratios.values() if "ratio" in r]
    # a query rdflib did not finish counts with its lower bound: the median of all queries is at
    # least the median of these (the median of the finished ones alone leaves out rdflib's worst)
    bounds = [r.get("ratio", r.get("ratio_at_least")) for r in ratios.values()]
    return {"rdflib_load_s": rdflib["load_s"], "rdflib_peak_rss_mb": rdflib["peak_rss_mb"], "per_query": ratios,
            "median_ratio": statistics.median(measured) if measured else None,
            "median_ratio_at_least": statistics.median(bounds) if bounds else None,
            "min_ratio": min(measured) if measured else None,
            "rdflib_errors": {k: v for k, v in rdflib["queries"].items() if "error" in v}}


# --------------------------------------------------------------------------- the run

class Budget:
    """Wall-clock budget of the whole run; steps ask before they start."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.started = time.perf_counter()

    @property
    def left(self) -> float:
        return self.seconds - (time.perf_counter() - self.started)

    def allows(self, estimate: float, what: str, results: Results) -> bool:
        if estimate <= self.left:
            return True
        note = f"{what}: skipped, estimated {estimate / 60:.1f} min with {max(self.left, 0) / 60:.1f} min of the budget left"
        results.skipped.append(note)
        log(note)
        return False


def run(args: argparse.Namespace, save: Callable[[Results], None]) -> Results:
    """Builds in increasing size, the comparisons at ``--compare-at``, then queries and views.

    Queries and the view need a 10,000-article graph; when its build does not fit in the budget
    they run on the ``--compare-at`` graph replicated to that size instead (marked so): the store
    and the queries see the same amount of data, only the extraction is not paid again.
    """
    budget = Budget(args.budget_minutes * 60)
    work: Path = args.work
    work.mkdir(parents=True, exist_ok=True)
    results = Results(machine={"cpus": os.cpu_count(), "python": platform.python_version(),
                               "platform": platform.platform(),
                               "memory_gb": round(psutil.virtual_memory().total / 2**30, 1),
                               "load_average_at_start": os.getloadavg()})
    builds: dict[int, BuildRun] = {}
    previous: BuildRun | None = None
    for n in args.sizes:
        # a build's cost per article grows a little with the store: 1.3× leaves room for that,
        # and the corpus is written first (about 1 ms an article)
        estimate = 1.3 * n * previous.wall_s / previous.articles + n / 500 + 10 if previous else 0
        if not budget.allows(estimate, f"build of {n:,} articles", results):
            continue
        log(f"corpus of {n:,} articles")
        corpus = work / f"corpus-{n}"
        manifest = generate(corpus, n, seed=args.seed)
        results.corpus[str(n)] = {k: v for k, v in manifest.items() if k != "fingerprint"}
        results.bare[str(n)] = bare_pass(corpus)
        log(f"build {n:,} articles with {args.workers} workers")
        build = run_build(corpus, work / f"out-{n}", articles=n, words=manifest["words"], workers=args.workers)
        builds[n] = previous = build
        _record(build, results)
        log(f"  {build.wall_s:.0f} s, {build.words_per_cpu_s:,.0f} words/CPU-s, {build.triples:,} triples")
        save(results)
        if n == args.compare_at or n in QUERY_SIZES:
            _queries_and_view(str(n), work / f"out-{n}", build.triples, work, args, budget, results)
        if n in (args.validate_reference_at, args.compare_at) or n in QUERY_SIZES:
            engines = ("sparql", "pyshacl") if n == args.validate_reference_at else ("sparql",)
            _validation(n, work / f"out-{n}", build.triples, engines, budget, results)
        if n == args.compare_at:
            _compare_stores(n, work, args, budget, results)
        if n == args.workers_at:
            _one_worker(n, build, corpus, work, args, budget, results)
        save(results)
    for n in QUERY_SIZES:
        source = builds.get(args.compare_at)
        if n in builds or n not in args.replicate or source is None:
            continue
        copies = n // args.compare_at
        # bulk loads and their compactions: about 50,000 quads a second on this machine
        if budget.allows(copies * source.triples / 5e4 + 30, f"graph of {n:,} replicated from {args.compare_at:,}",
                         results):
            log(f"graph of {n:,} articles: the {args.compare_at:,}-article graph replicated {copies}×")
            label = f"{n} (replicated)"
            out = work / f"out-{n}-replicated"
            results.replicated[label] = replicate(work / f"out-{args.compare_at}", out, copies)
            _queries_and_view(label, out, int(results.replicated[label]["triples"]), work, args, budget, results)
            save(results)
    results.seconds = time.perf_counter() - budget.started
    results.machine["load_average_at_end"] = os.getloadavg()
    return results


def replicate(source: Path, out: Path, copies: int) -> dict[str, float]:
    """A store holding ``copies`` copies of the article graphs in ``source`` under new article ids
    (``bench-…`` → ``bench-r<k>-…``), and its entities graph once."""
    from kg.store import GraphStore
    from kg.vocab import ENTITIES_GRAPH

    started = time.perf_counter()
    data = GraphStore.open(source, read_only=True).store.dump(format=ox.RdfFormat.N_QUADS)
    entities = re.compile(rb"^.*<" + re.escape(ENTITIES_GRAPH.encode()) + rb"> \.\n", re.M)
    articles = entities.sub(b"", data)
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    store = ox.Store(str(out / "store"))
    store.bulk_load(data, format=ox.RdfFormat.N_QUADS)
    for k in range(1, copies):
        renamed = articles.replace(b"/bench-", f"/bench-r{k}-".encode()).replace(b'"bench-', f'"bench-r{k}-'.encode())
        store.bulk_load(renamed, format=ox.RdfFormat.N_QUADS)
    store.flush()
    store.optimize()
    triples = len(store)
    del store
    return {"seconds": time.perf_counter() - started, "triples": triples, "store_mb": _size(out / "store") / 2**20}


def _record(build: BuildRun, results: Results) -> None:
    results.builds.append({**asdict(build), "articles_per_s": build.articles_per_s,
                           "words_per_cpu_s": build.words_per_cpu_s,
                           "vs_bare_pass": build.cpu_s / results.bare[str(build.articles)]["cpu_s"]})


def _guarded(action: Callable[[], dict[str, Any]]) -> dict[str, Any]:
    try:
        return action()
    except Exception as exc:  # noqa: BLE001 - reported in the results
        return {"error": f"{type(exc).__name__}: {str(exc)[:200]}"}


def _queries_and_view(label: str, out: Path, triples: int, work: Path, args: argparse.Namespace,
                      budget: Budget, results: Results) -> None:
    """Every library query, then the view of the most central entities, on one graph."""
    if budget.allows(len(_library()) * 5 + 30, f"queries on {label}", results):
        log(f"queries on the {label}-article graph")
        results.queries[label] = time_queries(out, timeout_s=args.query_timeout, budget=budget)
    if budget.allows(20 + triples / 6e5, f"view of {label}", results):
        log(f"view of the {VIEW_NODES:,} most central entities of {label} articles")
        results.views[label] = _guarded(lambda: time_view(out, work / f"view-{label.split()[0]}.html"))


# seconds a triple, measured on generated articles: the SPARQL engine 40-45 µs (10,000 articles),
# pySHACL 600 µs (100 articles) and more the bigger the graph
_VALIDATION_S_PER_TRIPLE = {"sparql": 45e-6, "pyshacl": 700e-6}


def _validation(n: int, out: Path, triples: int, engines: tuple[str, ...], budget: Budget, results: Results) -> None:
    """``kg validate`` of the graph of ``n`` articles with each of ``engines``."""
    for engine in engines:
        if budget.allows(10 + triples * _VALIDATION_S_PER_TRIPLE[engine], f"kg validate --engine {engine} of {n:,}",
                         results):
            log(f"kg validate --engine {engine} on {n:,} articles")
            results.validation.setdefault(str(n), []).append(time_validation(out, engine))


def _compare_stores(n: int, work: Path, args: argparse.Namespace, budget: Budget, results: Results) -> None:
    """rdflib's memory store against pyoxigraph on the same queries and graph."""
    if str(n) in results.queries and budget.allows(args.rdflib_budget + 4 * args.query_timeout,
                                                     f"rdflib comparison on {n:,}", results):
        log(f"rdflib against pyoxigraph on {n:,} articles")
        results.stores = {"articles": n, **_guarded(lambda: compare_stores(
            work / f"out-{n}", work, results.queries[str(n)], timeout_s=args.query_timeout,
            budget_s=args.rdflib_budget))}


def _one_worker(n: int, build: BuildRun, corpus: Path, work: Path, args: argparse.Namespace,
                budget: Budget, results: Results) -> None:
    """The same corpus built with one worker: the speed-up of ``--workers``."""
    if args.workers > 1 and budget.allows(1.1 * build.cpu_s + 10, f"--workers 1 build of {n:,}", results):
        log(f"build {n:,} articles with 1 worker")
        one = run_build(corpus, work / f"out-{n}-w1", articles=n, words=build.words, workers=1)
        _record(one, results)
        results.workers = {"articles": n, "workers": args.workers, "speed_up": one.wall_s / build.wall_s,
                           "same_triples": one.triples == build.triples}


# --------------------------------------------------------------------------- reporting

def table(results: Results) -> str:
    """The figures as plain-text tables."""
    lines = ["builds (kg build --full --no-html; per core = over the CPU seconds of all processes)",
             f"{'articles':>9} {'workers':>7} {'wall s':>8} {'art/s':>7} {'words/CPU-s':>12} {'× bare':>7} "
             f"{'peak MB':>8} {'triples':>11} {'store MB':>9} {'ttl MB':>7} {'trig MB':>8}"]
    for b in results.builds:
        lines.append(f"{b['articles']:>9,} {b['workers']:>7} {b['wall_s']:>8.1f} {b['articles_per_s']:>7.1f} "
                     f"{b['words_per_cpu_s']:>12,.0f} {b['vs_bare_pass']:>7.1f} {b['peak_rss_mb']:>8.0f} "
                     f"{b['triples']:>11,} {b['store_mb']:>9.0f} {b['ttl_mb']:>7.1f} {b['trig_mb']:>8.1f}")
    for b in results.builds:
        if b.get("phases"):
            steps = ", ".join(f"{name} {seconds:.1f}" for name, seconds in b["phases"].items())
            lines.append(f"steps of {b['articles']:,} × {b['workers']} (wall s): {steps}")
    for n, bare in results.bare.items():
        lines.append(f"bare pass {int(n):,} articles: {bare['cpu_s']:.2f} CPU s")
    if results.workers:
        w = results.workers
        lines.append(f"--workers {w['workers']} vs 1 on {w['articles']:,} articles: {w['speed_up']:.2f}× "
                     f"(same triples: {w['same_triples']})")
    for label, r in results.replicated.items():
        lines.append(f"graph of {label} articles: {r['triples']:,} triples loaded in {r['seconds']:.0f} s, "
                     f"store {r['store_mb']:.0f} MB")
    for label, queries in results.queries.items():
        lines += ["", f"queries on the {label}-article graph (median ms after a warm-up; rows)"]
        for name, q in sorted(queries.items()):
            if "median_ms" in q:
                shown = f"{q['median_ms']:>10.1f} {q['rows']:>8}"
            else:
                shown = f"  > {q['timeout_s']:.0f} s (stopped)" if "timeout_s" in q else f"  {q.get('error', '')}"
            given = " ".join(f"{k}={v!r}" for k, v in q.get("params", {}).items())
            lines.append(f"  {name:32s} {shown}  {given}".rstrip())
    if results.stores.get("per_query"):
        s = results.stores
        lines += ["", f"rdflib memory / pyoxigraph on {s['articles']:,} articles (rdflib load {s['rdflib_load_s']:.0f} s, "
                      f"{s['rdflib_peak_rss_mb']:.0f} MB)"]
        for name, r in sorted(s["per_query"].items()):
            ratio = f"{r['ratio']:>8.1f}×" if "ratio" in r else f"  ≥{r['ratio_at_least']:.0f}× (timeout)"
            rd = f"{r['rdflib_ms']:.1f} ms" if r["rdflib_ms"] is not None else "stopped"
            lines.append(f"  {name:32s} {ratio}  rdflib {rd}, oxigraph {r['oxigraph_ms']:.1f} ms")
        if s["median_ratio"]:
            lines.append(f"  median of the {sum('ratio' in r for r in s['per_query'].values())} rdflib finished "
                         f"{s['median_ratio']:.1f}×, min {s['min_ratio']:.1f}×; median of all "
                         f"{len(s['per_query'])} (a timeout at its lower bound) ≥ {s['median_ratio_at_least']:.1f}×")
        lines += [f"  rdflib failed: {name}: {e['error']}" for name, e in sorted(s["rdflib_errors"].items())]
    elif results.stores:
        lines += ["", f"rdflib comparison: {results.stores}"]
    for n, runs in results.validation.items():
        shown = "; ".join(f"{r['engine']} {r['wall_s']:.1f} s, {r['cpu_s']:.1f} CPU s, {r['peak_rss_mb']:.0f} MB, "
                          f"{'conforms' if r['conforms'] else 'violations'}" if "wall_s" in r
                          else f"{r['engine']} {r['error']}" for r in runs)
        timed = {r["engine"]: r["wall_s"] for r in runs if "wall_s" in r}
        ratio = f" (pyshacl / sparql {timed['pyshacl'] / timed['sparql']:.1f}×)" if len(timed) == 2 else ""
        lines.append(f"kg validate, {int(n):,} articles: {shown}{ratio}")
    for label, v in results.views.items():
        lines.append(f"view of {VIEW_NODES:,} most central entities, {label} articles: "
                     + (f"{v['seconds']:.1f} s, {v['html_mb']:.1f} MB" if "seconds" in v else v.get("error", "")))
    lines += [f"skipped: {s}" for s in results.skipped]
    lines.append(f"total {results.seconds / 60:.1f} min")
    return "\n".join(lines)


def _sizes(text: str) -> list[int]:
    try:
        return sorted(int(part.replace("_", "")) for part in text.split(","))
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r}: expected sizes like 1000,10000") from None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Benchmark kg build, the store, the queries and the view.")
    parser.add_argument("--max-articles", type=int, default=SIZES[-1], help="largest corpus size (default 100000)")
    parser.add_argument("--sizes", type=_sizes, help="corpus sizes to build, comma-separated "
                        "(default 100,1000,10000,100000 up to --max-articles)")
    parser.add_argument("--budget-minutes", type=float, default=30.0, help="time budget of the whole run (default 30)")
    parser.add_argument("--workers", type=int, default=2, help="build processes (default 2)")
    parser.add_argument("--compare-at", type=int, default=1_000,
                        help="size of the rdflib comparison (default 1000; its graph is also what is "
                             "replicated when a query size was not built)")
    parser.add_argument("--workers-at", type=int, default=10_000,
                        help="size at which a one-worker build measures the speed-up of --workers (default 10000)")
    parser.add_argument("--validate-reference-at", type=int, default=100,
                        help="size at which kg validate also runs pySHACL, the reference engine (default 100; "
                             "the SPARQL engine runs at every size that is queried)")
    parser.add_argument("--query-timeout", type=float, default=20.0,
                        help="seconds a query may take, on either store (default 20; slower ones are stopped)")
    parser.add_argument("--rdflib-budget", type=float, default=240.0,
                        help="seconds for the whole rdflib side, loading included (default 240)")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help="corpus seed")
    parser.add_argument("--work", type=Path, default=Path("/tmp/kg-bench"), help="working folder (default /tmp/kg-bench)")
    parser.add_argument("--json", type=Path, help="where to write the figures (default WORK/bench.json)")
    parser.add_argument("--rdflib-worker", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--query-worker", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--query", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    # a query size that is not built is replicated from the comparison graph (not when --sizes chose)
    args.replicate = [] if args.sizes else [n for n in QUERY_SIZES if n <= args.max_articles]
    args.sizes = args.sizes or [n for n in SIZES if n <= args.max_articles]
    if args.query_worker:
        query_worker(args.query_worker, args.query, args.query_timeout)
        return 0
    if args.rdflib_worker:
        rdflib_worker(args.rdflib_worker, args.query_timeout, args.rdflib_budget)
        return 0
    target = args.json or args.work / "bench.json"

    def save(results: Results) -> None:
        """Written after every step, so a run that dies keeps what it measured."""
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(json.dumps(asdict(results), indent=1, default=str))

    results = run(args, save)
    save(results)
    print(table(results))
    print(f"figures: {target}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
