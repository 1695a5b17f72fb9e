"""Property tests: any input gives an article or a reason, and any article a graph that is valid.

Texts are drawn from names the lexicon knows (in both Unicode normal forms), fragments of
SPARQL, Turtle and HTML, invisible and control characters, and arbitrary Unicode. The seed is
fixed (``derandomize``) and the examples bounded, so the run is the same everywhere and takes
well under a minute.
"""

from __future__ import annotations

import json
import tempfile
import unicodedata
from pathlib import Path

import pyoxigraph as ox
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rdflib import Dataset

from kg.export import article_blocks
from kg.extractor import extract
from kg.lexicon import load_lexicon
from kg.mapper import describe_entities, map_article, summarise
from kg.mapper.iris import article_node
from kg.paths import SEEDS_DIR
from kg.reader import ArticleError, Skipped, Source, parse_source, read_sources
from kg.reader.decode import clean
from kg.reader.fields import article_id, clean_url
from kg.store import GraphStore
from kg.validate import validate
from kg.vocab import ARTICLE_NS, NIF, PREFIXES

NAMES = [
    "Trung Quốc", "Thâm Quyến", "Việt Nam", "Hà Nội", "Bộ Công Thương", "Hội chợ Trung Quốc - ASEAN", "China",
    "ASEAN", "China-ASEAN Expo", "the 22nd China-ASEAN Expo", "Nanning", "Thailand", "Ministry of Commerce",
    "Singapore", "Prime Minister Pham Minh Chinh", "Belt and Road Initiative", "Lancang-Mekong Cooperation",
    "17 September 2025", "ngày 18/9/2025", "13-16 juli", "1,2 tỷ USD", "$3.5 billion", "34,9 miljard dollar",
    "Nguồn: https://x.vn/a", "Bron: http://a b", "Published: 2025-09-18", "Related news", "(CAEXPO)",
]
HOSTILE = [
    "<script>", "</script>", "<!--", "]]>", "<html>", "&amp;", "@prefix x: <http://e/> .", '"""', "'''",
    "^^xsd:date", "@en", "<http://x>", "_:b", "} ;", "DROP ALL", "SELECT * WHERE { ?s ?p ?o }", "#", "\\u0022",
    "\\", "\n", "\n\n", "\r\n", "\t", " ", ". ", ", ", "-", "–", "(", ")", '"', "'", "\u200d", "\u200b",
    "\u202e", "\u2066", "\ufeff", "\u0301", "\u0323", "\x00", "\x1b", "\x85", "\u2028", "\U0001f1fb\U0001f1f3",
    "\U0010fffd", "\ufffd", "\ue000",
]
# real sentences, so that facts and figures are found as well as names
SENTENCES = [sentence + "." for seed in sorted(SEEDS_DIR.glob("*.txt"))
             for sentence in seed.read_text(encoding="utf-8").split(". ") if 20 < len(sentence) < 400]
PROPERTY = settings(derandomize=True, database=None, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

pieces = st.one_of(st.sampled_from(NAMES), st.sampled_from(SENTENCES), st.sampled_from(HOSTILE),
                   st.sampled_from(HOSTILE), st.text(st.characters(codec="utf-8"), max_size=12))
texts = st.tuples(st.lists(pieces, max_size=60).map("".join), st.sampled_from(["NFC", "NFD", None])).map(
    lambda drawn: unicodedata.normalize(drawn[1], drawn[0]) if drawn[1] else drawn[0])
encoded = st.one_of(texts.map(lambda t: t.encode("utf-8")), texts.map(lambda t: t.encode("utf-16")),
                    texts.map(lambda t: t.encode("utf-16-le")), st.binary(max_size=600),
                    texts.map(lambda t: t.encode("cp1258", errors="ignore")))
records = st.fixed_dictionaries({}, optional={"text": st.one_of(texts, st.integers(), st.none()),
                                              "title": st.one_of(texts, st.integers()),
                                              "url": st.one_of(texts, st.just("https://vn.vn/Thâm Quyến")),
                                              "date": st.one_of(texts, st.just("2025-09-18T08:00:00Z")),
                                              "language": st.one_of(texts, st.just("vi-VN")),
                                              "id": st.one_of(texts, st.integers(), st.booleans())})


def _check_article(article) -> None:
    assert article.body.strip() and article.body == clean(article.body)
    assert article.body == unicodedata.normalize("NFC", article.body)
    assert article.title is None or "\n" not in article.title
    assert article.language == "und" or (len(article.language) == 2 and article.language.isalpha())
    if article.source_url:
        ox.NamedNode(article.source_url)
    article_node(article.stem)


@settings(PROPERTY, max_examples=150)
@given(data=encoded, name=st.sampled_from(["a.txt", "a.html", "a.md"]))
def test_any_bytes_give_an_article_or_a_reason(data: bytes, name: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / name
        path.write_bytes(data)
        for item in read_sources(path, max_bytes=10_000):
            if isinstance(item, Skipped):
                continue
            try:
                _check_article(parse_source(item))
            except ArticleError as exc:
                assert exc.skipped.reason


@settings(PROPERTY, max_examples=80)
@given(lines=st.lists(st.one_of(records.map(json.dumps), texts, st.binary(max_size=80).map(repr),
                                st.just('{"text": "China \\ud800 and Vietnam", "id": "x\\udcff"}')), max_size=8))
def test_any_json_lines_give_articles_or_reasons(lines: list[str]) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "feed.jsonl"
        path.write_text("\n".join(lines), encoding="utf-8")
        for item in read_sources(path, max_bytes=10_000):
            if isinstance(item, Source):
                try:
                    _check_article(parse_source(item))
                except ArticleError as exc:
                    assert exc.skipped.kind in ("invalid", "empty")


@settings(PROPERTY, max_examples=300)
@given(raw=st.one_of(texts, st.text(), st.sampled_from(["http://", "https://a.b/c?d#e", "HTTP://[::1]/x y"])
                     .flatmap(lambda url: st.text(max_size=8).map(lambda tail: url + tail))))
def test_any_url_or_id_becomes_a_valid_iri_or_nothing(raw: str) -> None:
    url = clean_url(raw)
    if url is not None:
        ox.NamedNode(url)
    stem = article_id(raw)
    if stem is not None:
        article_node(stem)


def test_any_text_gives_a_graph_that_parses_back_has_true_offsets_and_passes_shacl() -> None:
    """One SHACL run over the union of every example's graph: validating each alone would
    cost seconds an example."""
    graphs: list[ox.Quad] = []
    lexicon = load_lexicon()

    @settings(PROPERTY, max_examples=80)
    @given(text=texts)
    def graph_of(text: str) -> None:
        stem = f"fuzz-{len(graphs)}"
        try:
            article = parse_source(Source(stem, f"{stem}.txt", text.encode("utf-8"), "text"))
        except ArticleError:
            return
        extraction = extract(article)
        lines = map_article(article, extraction)
        nquads = lines.text()
        quads = list(ox.parse(nquads, format=ox.RdfFormat.N_QUADS))  # the mapper writes the text itself
        assert len(quads) == nquads.count("\n")
        # the store keeps every literal as written (canonical forms), so the files agree with it
        store = ox.Store()
        store.extend(quads)
        assert set(store) == set(quads)
        # the export blocks, written from the text too, hold the same statements
        blocks = article_blocks(nquads.encode(), ["graph.trig", "graph.ttl"], lines.triples)
        assert blocks == article_blocks(nquads.encode(), ["graph.trig", "graph.ttl"])  # from the text alone too
        prefixes = "".join(f"@prefix {p}: <{ns}> .\n" for p, ns in PREFIXES.items()).encode()
        assert set(ox.parse(prefixes + blocks["graph.trig"], format=ox.RdfFormat.TRIG)) == set(quads)
        own = {q.triple for q in quads if q.subject.value.startswith(ARTICLE_NS)}
        assert {q.triple for q in ox.parse(prefixes + blocks["graph.ttl"], format=ox.RdfFormat.TURTLE)} == own
        quads += describe_entities(summarise(extraction.entities.values()), lexicon)
        trig = ox.serialize(quads, format=ox.RdfFormat.TRIG)
        assert sum(1 for _ in Dataset().parse(data=trig, format="trig").quads()) == len(set(quads))
        spans: dict[ox.NamedNode, dict[str, object]] = {}
        for quad in quads:
            if quad.predicate.value in (NIF + "beginIndex", NIF + "endIndex", NIF + "anchorOf"):
                spans.setdefault(quad.subject, {})[quad.predicate.value[len(NIF):]] = quad.object.value
        for node, span in spans.items():
            begin, end = int(span["beginIndex"]), int(span["endIndex"])
            assert 0 <= begin < end <= len(article.body), node
            assert article.body[begin:end] == span["anchorOf"], node
        graphs.extend(quads)

    graph_of()
    store = GraphStore.in_memory()
    store.store.extend(graphs)
    result = validate(store)
    assert result.conforms, result.text
