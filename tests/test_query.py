"""``kg query`` and its library, local and through ``kg serve``.

The seed articles are built once per session (``seed_out``). Every library query runs as its
header's example shows and must return rows; the main ones must return rows the gold files
also state. Answers are compared term by term (:func:`same_answer`), the way the Virtuoso round
trip in ``test_store_roundtrip.py`` compares them too.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import re
import shlex
import socket
import subprocess
import sys
import time
import unicodedata
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import pyoxigraph as ox
import pytest

from kg.build import build
from kg.cli import main
from kg.paths import ROOT, SEEDS_DIR
from kg.query import Query, bind, library, with_prefixes, with_values

ID = "https://w3id.org/cn-asean-kg/id/"
XSD = "http://www.w3.org/2001/XMLSchema#"
NUMERIC = {XSD + name for name in ("integer", "decimal", "double", "float", "int", "long", "short", "byte",
                                   "nonNegativeInteger", "positiveInteger", "negativeInteger",
                                   "nonPositiveInteger", "unsignedInt", "unsignedLong")}
LIBRARY = library()
HOSTILE = [
    'x" } ; DROP ALL ; SELECT * WHERE { "',
    "') } DROP GRAPH <https://w3id.org/cn-asean-kg/graph/entities> #",
    '\\u0022 } INSERT DATA { <urn:a> <urn:b> <urn:c> } #',
    "Nanning\" . } } DELETE WHERE { ?s ?p ?o } #",
]


# --------------------------------------------------------------------------- helpers

def seed_graph(factory: pytest.TempPathFactory) -> Path:
    """The seeds built into one folder of the session (built by whichever module asks first)."""
    out = factory.getbasetemp() / "seed-graph"
    if not (out / "graph.trig").exists():
        build([SEEDS_DIR], out, html=False)
    return out


@pytest.fixture(scope="session")
def seed_out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return seed_graph(tmp_path_factory)


@dataclass
class Run:
    code: int
    out: str
    err: str


def kg(*args: str | os.PathLike) -> Run:
    """``kg ARGS`` in this process (the real command line, without an interpreter start)."""
    out, err = io.BytesIO(), io.StringIO()
    stdout = io.TextIOWrapper(out, encoding="utf-8", write_through=True)
    with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(err):
        try:
            code = main([os.fspath(a) for a in args])
        except SystemExit as exc:
            code = int(exc.code or 0)
    stdout.flush()
    return Run(code, out.getvalue().decode("utf-8"), err.getvalue())


def example_args(name: str) -> list[str]:
    """The arguments of a library query's ``# Example:`` line, after ``kg``."""
    return shlex.split(LIBRARY[name].example)[1:]


def is_graph_query(name: str) -> bool:
    return re.search(r"^\s*(CONSTRUCT|DESCRIBE)\b", LIBRARY[name].text, re.MULTILINE) is not None


def ordered(name: str) -> bool:
    return re.search(r"^ORDER BY", LIBRARY[name].text, re.MULTILINE) is not None


def _term(binding: dict | None) -> tuple | None:
    """A JSON result term, comparable across stores: numbers by value, other literals by
    lexical form, datatype (xsd:string when absent) and language."""
    if binding is None:
        return None
    if binding["type"] in ("literal", "typed-literal"):
        datatype = binding.get("datatype")
        if datatype in NUMERIC:
            return ("number", Decimal(binding["value"]))
        language = binding.get("xml:lang")
        return ("literal", binding["value"], None if language else datatype or XSD + "string", language)
    return (binding["type"], binding["value"])


def rows(answer: str) -> tuple[list[str], list[tuple]]:
    """Variables and rows of a SPARQL JSON results document."""
    data = json.loads(answer)
    names = data["head"]["vars"]
    return names, [tuple(_term(b.get(v)) for v in names) for b in data["results"]["bindings"]]


def triples(answer: str) -> set[ox.Triple]:
    return {q.triple for q in ox.parse(answer.encode("utf-8"), format=ox.RdfFormat.N_TRIPLES)}


def same_answer(name: str, local: str, remote: str) -> None:
    """Assert two answers of the library query ``name`` are the same: the same triples for a
    graph, else the same variables and rows (in the same order when the query sorts them)."""
    if is_graph_query(name):
        assert triples(remote) == triples(local)
        return
    local_vars, local_rows = rows(local)
    remote_vars, remote_rows = rows(remote)
    assert remote_vars == local_vars
    if ordered(name):
        assert remote_rows == local_rows
    else:
        assert sorted(map(repr, remote_rows)) == sorted(map(repr, local_rows))


def answer_args(name: str) -> list[str]:
    """The example's arguments with a machine-readable format."""
    return [*example_args(name), "-f", "ntriples" if is_graph_query(name) else "json"]


def triple_count(*where: str) -> int:
    run = kg("query", "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", "-f", "json", *where)
    assert run.code == 0, run.err
    return int(json.loads(run.out)["results"]["bindings"][0]["n"]["value"])


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# --------------------------------------------------------------------------- the library

def test_list_shows_the_library_one_line_each() -> None:
    run = kg("query", "--list")
    assert run.code == 0, run.err
    lines = run.out.strip().splitlines()
    assert len(lines) == len(LIBRARY) >= 15
    for line, (name, query) in zip(lines, sorted(LIBRARY.items())):
        assert line.split()[0] == name
        assert query.question in line and query.question.endswith("?")


@pytest.mark.parametrize("name", sorted(LIBRARY))
def test_library_query_has_a_header_and_portable_prologue(name: str) -> None:
    query = LIBRARY[name]
    lines = query.text.splitlines()
    assert lines[0].startswith("# ") and lines[0].endswith("?"), "first line: # <one-line question>"
    assert query.example.startswith(f"kg query {name}")
    args = example_args(name)
    given = {args[i + 1].split("=", 1)[0] for i, arg in enumerate(args) if arg == "--param"}
    assert {p.name for p in query.parameters if p.required} <= given <= {p.name for p in query.parameters}
    # self-contained: every prefix it uses is declared, so it runs as is on any endpoint
    assert with_prefixes(query.text)[1] == 0


@pytest.mark.parametrize("name", sorted(LIBRARY))
def test_every_library_query_answers_on_the_seeds(seed_out: Path, name: str) -> None:
    run = kg(*answer_args(name), "-o", seed_out)
    assert run.code == 0, run.err
    if is_graph_query(name):
        assert triples(run.out)
    else:
        assert rows(run.out)[1], f"{name} returned no rows on the seeds"


def test_label_search_finds_china_by_its_vietnamese_name_any_case(seed_out: Path) -> None:
    china = ("uri", ID + "country/china")
    for text in ("Trung Quốc", "TRUNG QUỐC", "trung quốc", unicodedata.normalize("NFD", "Trung Quốc")):
        run = kg("query", "find-entity", "--param", f"text={text}", "-f", "json", "-o", seed_out)
        assert run.code == 0, run.err
        names, found = rows(run.out)
        assert china in {row[names.index("entity")] for row in found}, text
    # the shortest matching names come first: the whole-name match
    assert found[0][names.index("entity")] == china


def test_mentions_give_offsets_into_the_article_body(seed_out: Path) -> None:
    run = kg("query", "mentions", "--param", "entity=Nanning", "-f", "json", "-o", seed_out)
    assert run.code == 0, run.err
    names, found = rows(run.out)
    assert found
    column = {name: i for i, name in enumerate(names)}
    for row in found:
        assert row[column["iri"]] == ("uri", ID + "place/nanning")
        article = row[column["article"]][1]
        body_run = kg("query", f"SELECT ?body WHERE {{ <{article}> schema:articleBody ?body }}", "-f", "json",
                      "-o", seed_out)
        body = json.loads(body_run.out)["results"]["bindings"][0]["body"]["value"]
        begin, end = int(row[column["begin"]][1]), int(row[column["end"]][1])
        sentence_begin, sentence_end = int(row[column["sentenceBegin"]][1]), int(row[column["sentenceEnd"]][1])
        assert body[begin:end] == row[column["anchor"]][1] == "Nanning"
        assert body[sentence_begin:sentence_end] == row[column["sentence"]][1]
        assert sentence_begin <= begin < end <= sentence_end


def _column(seed_out: Path, *args: str) -> list[dict[str, tuple]]:
    run = kg("query", *args, "-f", "json", "-o", seed_out)
    assert run.code == 0, run.err
    names, found = rows(run.out)
    return [dict(zip(names, row)) for row in found]


def test_main_queries_return_the_facts_the_gold_states(seed_out: Path) -> None:
    forums = _column(seed_out, "forums")
    assert any(r["forum"] == ("uri", ID + "forum/22nd-china-asean-expo") and r["placeName"][1] == "Nanning"
               for r in forums)
    people = _column(seed_out, "people")
    assert any(r["name"][1] == "Mai Van Chinh" and r["role"] and r["role"][1] == "Deputy Prime Minister"
               for r in people)
    profile = _column(seed_out, "people-profiles", "--param", "person=mai van chinh")
    assert {r["iri"] for r in profile} == {("uri", ID + "person/mai-van-chinh")}
    assert all(r["person"][1] == "mai van chinh" for r in profile)
    countries = _column(seed_out, "countries-by-forums")
    assert countries[0]["country"] == ("uri", ID + "country/china")
    assert [r["forums"][1] for r in countries] == sorted((r["forums"][1] for r in countries), reverse=True)
    articles = _column(seed_out, "articles-mentioning", "--param", "entity=Nam Ninh")
    assert articles and {r["iri"] for r in articles} == {("uri", ID + "place/nanning")}
    agreements = _column(seed_out, "agreements")
    assert {r["agreement"][1].rsplit("/", 1)[-1] for r in agreements} >= {"rcep"}


def test_optional_parameter_narrows_the_answer(seed_out: Path) -> None:
    every = _column(seed_out, "forum-participants")
    one = _column(seed_out, *example_args("forum-participants")[1:])
    assert one and len(one) < len(every)
    assert {r["iri"] for r in one} < {r["iri"] for r in every}


# --------------------------------------------------------------------------- parameters

@pytest.mark.parametrize("value", HOSTILE)
def test_hostile_parameter_values_stay_values(seed_out: Path, value: str) -> None:
    before = triple_count("-o", seed_out)
    for name, param in (("mentions", "entity"), ("find-entity", "text"), ("figures", "about")):
        run = kg("query", name, "--param", f"{param}={value}", "-f", "json", "-o", seed_out)
        assert run.code == 0, run.err
        assert rows(run.out)[1] == [], (name, value)
    assert triple_count("-o", seed_out) == before


@pytest.mark.parametrize("value", [*HOSTILE, "Trung Quốc", "é\\\n\t\"'"])
def test_values_block_holds_exactly_the_value(value: str) -> None:
    """The remote binding: the VALUES block parses as one literal equal to the value."""
    query = Query('SELECT ?v ?w WHERE { BIND(1 AS ?w) }', "test")
    text = with_values(query.text, bind(query, {"v": value}))
    answer = list(ox.Store().query(text))
    assert len(answer) == 1 and answer[0]["v"].value == unicodedata.normalize("NFC", value)


def test_parameters_are_checked_against_the_header(seed_out: Path) -> None:
    run = kg("query", "mentions", "--param", "entty=Nanning", "-o", seed_out)
    assert run.code == 2 and "no parameter entty" in run.err and "entity" in run.err
    run = kg("query", "mentions", "-o", seed_out)
    assert run.code == 2 and "needs --param entity=" in run.err
    run = kg("query", "neighbourhood", "--param", "entity=Vietnam", "-o", seed_out)
    assert run.code == 2 and "find-entity" in run.err
    run = kg("query", "SELECT ?x WHERE { ?x a kg:Country }", "--param", "y=1", "-o", seed_out)
    assert run.code == 2 and "no variable ?y" in run.err


def test_no_credentials_on_the_command_line() -> None:
    for command in ("query", "push"):
        run = kg(command, "--help")
        assert run.code == 0
        assert not re.search(r"--(user|password|pass|credentials)\b", run.out)
        assert "KG_ENDPOINT_PASSWORD" in run.out


# --------------------------------------------------------------------------- errors and formats

def test_syntax_errors_name_line_and_column(seed_out: Path, tmp_path: Path) -> None:
    broken = tmp_path / "broken.rq"
    broken.write_text("PREFIX kg: <https://w3id.org/cn-asean-kg/ontology#>\nSELECT ?c WHERE {\n"
                      "  ?c a kg:Country ;\n  FILTER(?c = )\n}\n", encoding="utf-8")
    run = kg("query", broken, "-o", seed_out)
    assert run.code == 2
    match = re.search(r"broken\.rq: SPARQL syntax error at line (\d+), column (\d+)", run.err)
    assert match, run.err
    line, column = int(match.group(1)), int(match.group(2))
    source = broken.read_text().splitlines()
    assert 3 <= line <= len(source)
    assert source[line - 1] in run.err
    assert f"\n    {' ' * (column - 1)}^" in run.err
    # on the first line the column is the user's, not shifted by the prefixes kg adds
    inline = "SELECT ?c WHERE { ?c a kg:Country ; } } LIMIT 1"
    declared = "PREFIX kg: <https://w3id.org/cn-asean-kg/ontology#>\n" + inline
    with pytest.raises(SyntaxError) as expected:
        ox.Store().query(declared)
    want = re.match(r"error at 2:(\d+)", str(expected.value)).group(1)
    run = kg("query", inline, "-o", seed_out)
    assert run.code == 2 and f"at line 1, column {want}:" in run.err, run.err


def test_output_formats(seed_out: Path) -> None:
    data = json.loads(kg("query", "mentions", "--param", "entity=Nanning", "-f", "json", "-o", seed_out).out)
    first = data["results"]["bindings"][0]
    assert first["iri"]["type"] == "uri"
    assert first["begin"]["type"] == "literal" and first["begin"]["datatype"].startswith(XSD)
    assert first["anchor"] == {"type": "literal", "value": "Nanning"}
    people = json.loads(kg("query", "people", "-f", "json", "-o", seed_out).out)
    assert people["results"]["bindings"][0]["name"]["xml:lang"] == "en"

    csv_lines = kg("query", "people", "-f", "csv", "-o", seed_out).out.splitlines()
    assert csv_lines[0] == "person,name,role" and csv_lines[1].startswith(ID + "person/")
    tsv_lines = kg("query", "people", "-f", "tsv", "-o", seed_out).out.splitlines()
    assert tsv_lines[0] == "?person\t?name\t?role" and tsv_lines[1].startswith(f"<{ID}person/")
    assert '"@en' in tsv_lines[1]
    xml = kg("query", "people", "-f", "xml", "-o", seed_out).out
    assert len(list(ox.parse_query_results(xml, format=ox.QueryResultsFormat.XML))) == len(people["results"]["bindings"])

    table = kg("query", "people", "-o", seed_out).out.splitlines()
    assert table[0].split() == ["person", "name", "role"] and set(table[1]) <= {"-", " "}
    assert table[-1] == f"({len(people['results']['bindings'])} rows)"

    turtle = kg(*example_args("neighbourhood"), "-o", seed_out)
    assert turtle.code == 0 and "@prefix kg:" in turtle.out
    assert len(list(ox.parse(turtle.out.encode(), format=ox.RdfFormat.TURTLE))) > 0
    assert kg("query", "ASK { ?c a kg:Country }", "-o", seed_out).out == "true\n"
    wrong = kg("query", "people", "-f", "turtle", "-o", seed_out)
    assert wrong.code == 2 and "CONSTRUCT" in wrong.err


def test_updates_are_refused_before_anything_is_sent(seed_out: Path) -> None:
    for text in ("DROP ALL", "PREFIX kg: <x:> INSERT DATA { <urn:a> <urn:b> <urn:c> }"):
        run = kg("query", text, "--endpoint", f"http://127.0.0.1:{free_port()}/sparql", "--retries", "0")
        assert run.code == 2 and "not a SPARQL query" in run.err, run.err


def test_unreachable_endpoint_gives_up_after_bounded_retries() -> None:
    url = f"http://127.0.0.1:{free_port()}/sparql"
    started = time.monotonic()
    run = kg("query", "forums", "--endpoint", url, "--retries", "2")
    elapsed = time.monotonic() - started
    assert run.code == 2
    assert f"{url}: no answer after 3 attempts" in run.err and "refused" in run.err.lower(), run.err
    assert 1.4 < elapsed < 10  # waited 0.5 s + 1 s between the tries, and no more


# --------------------------------------------------------------------------- kg serve

@pytest.fixture(scope="module")
def served(seed_out: Path) -> Iterator[str]:
    """``kg serve`` on a free port, as a separate process; its URL."""
    proc = subprocess.Popen([sys.executable, "-m", "kg", "serve", "-o", str(seed_out), "--port", "0", "--quiet"],
                            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        line = proc.stdout.readline()
        match = re.search(r"(http://127\.0\.0\.1:\d+/sparql)", line)
        assert match, line + proc.stderr.read()
        yield match.group(1)
    finally:
        proc.terminate()
        proc.wait(timeout=10)


@pytest.mark.parametrize("name", sorted(LIBRARY))
def test_serve_answers_every_library_query_like_the_local_store(seed_out: Path, served: str, name: str) -> None:
    local = kg(*answer_args(name), "-o", seed_out)
    remote = kg(*answer_args(name), "--endpoint", served, "--timeout", "30")
    assert local.code == 0 and remote.code == 0, local.err + remote.err
    same_answer(name, local.out, remote.out)


def test_serve_speaks_the_protocol(seed_out: Path, served: str) -> None:
    from SPARQLWrapper import JSON, SPARQLWrapper

    wrapper = SPARQLWrapper(served)
    wrapper.setQuery("SELECT ?c WHERE { ?c a <https://w3id.org/cn-asean-kg/ontology#Country> } LIMIT 1")
    wrapper.setReturnFormat(JSON)
    assert wrapper.query().convert()["results"]["bindings"][0]["c"]["type"] == "uri"

    def request(method: str = "GET", accept: str | None = None, data: bytes | None = None,
                content_type: str | None = None, **params: str) -> tuple[int, str, str]:
        url = served + ("?" + urllib.parse.urlencode(params) if params else "")
        headers = {k: v for k, v in (("Accept", accept), ("Content-Type", content_type)) if v}
        try:
            with urllib.request.urlopen(urllib.request.Request(url, data=data, method=method, headers=headers)) as r:
                return r.status, r.headers["Content-Type"], r.read().decode()
        except urllib.error.HTTPError as exc:
            return exc.code, exc.headers["Content-Type"], exc.read().decode()

    select = "SELECT ?c WHERE { ?c a <https://w3id.org/cn-asean-kg/ontology#Country> }"
    status, media, body = request(accept="text/csv", query=select)
    assert status == 200 and media.startswith("text/csv") and body.startswith("c\r\n")
    status, media, body = request(accept="text/tab-separated-values", query=select)
    assert status == 200 and body.startswith("?c\n<")
    status, media, body = request(accept="application/sparql-results+xml;q=0.9, text/csv;q=0.5", query=select)
    assert status == 200 and media.startswith("application/sparql-results+xml")
    status, media, body = request(query=select)
    assert status == 200 and media.startswith("application/sparql-results+json") and json.loads(body)["results"]
    status, _, _ = request(accept="image/png", query=select)
    assert status == 406
    construct = "CONSTRUCT WHERE { ?c a <https://w3id.org/cn-asean-kg/ontology#Country> }"
    status, media, body = request("POST", "application/n-triples", construct.encode(), "application/sparql-query")
    assert status == 200 and media.startswith("application/n-triples") and body.count(" .\n") > 1
    status, media, body = request("POST", None, urllib.parse.urlencode({"query": construct}).encode(),
                                  "application/x-www-form-urlencoded")
    assert status == 200 and media.startswith("text/turtle")

    before = triple_count("-o", seed_out)
    drop = urllib.parse.urlencode({"update": "DROP ALL"}).encode()
    assert request("POST", None, drop, "application/x-www-form-urlencoded")[0] == 403
    assert request("POST", None, b"DROP ALL", "application/sparql-update")[0] == 403
    status, _, body = request(query="DROP ALL")
    assert status == 400 and "not a SPARQL query" in body
    status, _, body = request(query="SELECT ?x WHERE {\n ?x ?y \n")
    assert status == 400 and re.search(r"syntax error at line \d+, column \d+", body)
    assert request("PUT", None, b"", "text/turtle")[0] == 405
    assert triple_count("-o", seed_out) == before == triple_count("--endpoint", served)
