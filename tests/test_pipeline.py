"""The whole pipeline on the seed articles: what the graph says, where it says it, and that
building again gives the same graph."""

from __future__ import annotations

import shutil
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Dataset, Graph
from rdflib.compare import isomorphic

from kg.build import build
from kg.paths import ROOT, SEEDS_DIR
from kg.store import GraphStore
from kg.vocab import PREFIXES

PREFIX = "\n".join(f"PREFIX {p}: <{iri}>" for p, iri in PREFIXES.items()) + "\n"
ID = "https://w3id.org/cn-asean-kg/id/"


@pytest.fixture(scope="module")
def seeds_out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("seeds-out")
    build([SEEDS_DIR], out, html=False)
    return out


@pytest.fixture(scope="module")
def store(seeds_out: Path) -> GraphStore:
    return GraphStore.open(seeds_out, read_only=True)


def rows(store: GraphStore, sparql: str) -> list[dict[str, str]]:
    result = store.query(PREFIX + sparql)
    names = [v.value for v in result.variables]
    return [{n: (row[n].value if row[n] is not None else None) for n in names} for row in result]


def facts_of(store: GraphStore, stem: str) -> set[tuple[str, str, str]]:
    """(subject label, relation, object label or value) stated in one article's graph."""
    g = rows(store, f'SELECT ?g WHERE {{ GRAPH ?g {{ ?a dcterms:identifier "{stem}" }} }}')[0]["g"]
    result = set()
    for quad in store.store.quads_for_pattern(None, None, None, ox.NamedNode(g)):
        p = quad.predicate.value
        if not p.startswith(PREFIXES["kg"]) or p.endswith(("denotes", "inArticle", "inSentence", "evidence",
                                                              "value", "unit", "measure", "period", "about",
                                                              "fileName", "contentHash")):
            continue
        result.add((label(store, quad.subject), p.rsplit("#", 1)[1], label(store, quad.object)))
    return result


def label(store: GraphStore, term) -> str:
    if isinstance(term, ox.Literal):
        return term.value
    found = rows(store, f"SELECT ?l WHERE {{ <{term.value}> rdfs:label ?l }} LIMIT 1")
    return found[0]["l"] if found else term.value


def test_dutch_article_yields_its_forums_places_and_frame(store: GraphStore) -> None:
    facts = facts_of(store, "000_d18b5ccdbd353e4f")
    conference = "1st China-ASEAN Science and Technology Trade and Investment Consultation Conference"
    expo = "26th Beijing International Science and Technology Industry Expo"
    assert (conference, "heldIn", "Beijing") in facts
    assert (conference, "partOf", expo) in facts
    assert (conference, "edition", "1") in facts and (expo, "edition", "26") in facts
    assert ("Vietnam", "memberOf", "ASEAN") in facts


def test_roundtable_in_nanning_within_the_22nd_expo(store: GraphStore) -> None:
    facts = facts_of(store, "001_8583fdb252d8ba90")
    assert ("rondetafelconferentie", "partOf", "22nd China-ASEAN Expo") in facts
    assert ("rondetafelconferentie", "heldIn", "Nanning") in facts
    assert ("rondetafelconferentie", "startDate", "2025-09-17") in facts
    assert ("Bui Hoang Phuong", "role", "Deputy Minister") in facts


def test_vietnamese_forum_in_shenzhen_with_its_organisers(store: GraphStore) -> None:
    facts = facts_of(store, "004_5eb895e2dd946bd6")
    forum = next(s for s, p, o in facts if p == "heldIn")
    assert (forum, "heldIn", "Shenzhen") in facts
    assert (forum, "startDate", "2025-11-28") in facts
    assert (forum, "organizer", "ASEAN-China Centre") in facts
    assert ("Shenzhen", "locatedIn", "Guangdong") in facts


def test_english_articles_people_roles_and_affiliations(store: GraphStore) -> None:
    facts = facts_of(store, "002_19c5a4c4e326abf1")
    assert ("Joko Widodo", "role", "President") in facts
    assert ("Joko Widodo", "affiliation", "Indonesia") in facts
    assert ("Xing Guangli", "affiliation", "Xinhua News Agency") in facts
    facts = facts_of(store, "003_bd946200b7749807")
    assert ("Antony Blinken", "role", "Secretary of State") in facts


def test_article_metadata(store: GraphStore) -> None:
    found = {r["stem"]: r for r in rows(store, """
        SELECT ?stem ?lang ?date ?url WHERE {
          ?a a kg:Article ; dcterms:identifier ?stem ; dcterms:language ?lang .
          OPTIONAL { ?a schema:datePublished ?date } OPTIONAL { ?a schema:url ?url } }""")}
    assert [found[s]["lang"] for s in sorted(found)] == ["nl", "nl", "en", "en", "vi"]
    assert found["001_8583fdb252d8ba90"]["date"] == "2025-09-18"
    assert found["003_bd946200b7749807"]["date"] == "2023-07-11"
    assert found["000_d18b5ccdbd353e4f"]["url"].startswith("https://www.sggp.org.vn/")


@pytest.mark.parametrize("noise", ["Nepal", "FIFA", "U Minh Ha", "Hanoi", "Yu Zhou", "Chen Qiao'en", "Jing Jianfeng",
                                   "Nanping", "Wuyi", "Tongde", "Five Eyes", "National Development and Reform"])
def test_nothing_from_page_noise(store: GraphStore, noise: str) -> None:
    assert rows(store, f"""SELECT ?x WHERE {{ {{ ?x nif:anchorOf ?t }} UNION {{ ?x rdfs:label ?t }}
                          FILTER(CONTAINS(?t, "{noise}")) }}""") == []


@pytest.mark.parametrize("iri", ["country/china", "organization/asean", "country/vietnam", "place/nanning"])
def test_one_node_per_real_thing_whatever_the_language(store: GraphStore, iri: str) -> None:
    found = rows(store, f"""SELECT (COUNT(DISTINCT ?stem) AS ?n) WHERE {{
        ?m kg:denotes <{ID}{iri}> ; kg:inArticle/dcterms:identifier ?stem }}""")
    assert int(found[0]["n"]) >= 2
    name = iri.split("/")[1]
    others = rows(store, f"""SELECT DISTINCT ?e WHERE {{ ?m kg:denotes ?e . ?e rdfs:label ?l
        FILTER(LCASE(STR(?l)) = "{name}" && ?e != <{ID}{iri}>) }}""")
    assert others == []


def test_china_is_found_in_vietnamese_too(store: GraphStore) -> None:
    anchors = {r["t"] for r in rows(store, f"SELECT ?t WHERE {{ ?m kg:denotes <{ID}country/china> ; nif:anchorOf ?t }}")}
    assert {"China", "Trung Quốc"} <= anchors


def test_every_mention_points_at_its_text(store: GraphStore) -> None:
    found = rows(store, """SELECT ?anchor ?b ?e ?body WHERE {
        ?m a kg:Mention ; nif:anchorOf ?anchor ; nif:beginIndex ?b ; nif:endIndex ?e ; kg:inArticle ?a .
        ?a schema:articleBody ?body }""")
    assert len(found) > 100
    for r in found:
        assert r["body"][int(r["b"]):int(r["e"])] == r["anchor"]


def test_every_fact_has_its_sentence(store: GraphStore) -> None:
    found = rows(store, """SELECT ?s ?p ?o ?sentence ?stem ?b ?e WHERE {
        GRAPH ?g { ?s ?p ?o . FILTER(STRSTARTS(STR(?p), STR(kg:)))
                   FILTER(STRAFTER(STR(?p), "#") IN ("heldIn","startDate","partOf","participant","topic","party",
                          "role","affiliation","locatedIn","memberOf","cooperatesWith","organizer","edition")) }
        OPTIONAL { ?x rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o ; kg:evidence ?sent ; kg:inArticle ?a .
                   ?sent nif:anchorOf ?sentence ; nif:beginIndex ?b ; nif:endIndex ?e . ?a dcterms:identifier ?stem } }""")
    assert len(found) > 50
    assert all(r["sentence"] and r["stem"] for r in found)


def test_cooperation_carries_the_fields_its_sentence_names(store: GraphStore) -> None:
    """kg:cooperationField on a cooperatesWith assertion = the topics mentioned in its sentence."""
    stated = rows(store, """SELECT ?x ?field WHERE {
        ?x rdf:predicate kg:cooperatesWith . OPTIONAL { ?x kg:cooperationField ?field } }""")
    named = rows(store, """SELECT ?x ?field WHERE {
        ?x rdf:predicate kg:cooperatesWith ; kg:evidence ?sentence .
        OPTIONAL { ?m kg:inSentence ?sentence ; kg:denotes ?field . ?field a kg:Topic } }""")
    fields = lambda found: {(r["x"], r["field"]) for r in found}
    assert fields(stated) == fields(named)
    assert any(r["field"] for r in stated)


def test_figures_are_queryable(store: GraphStore) -> None:
    found = {(r["value"], r["unit"], r["period"]) for r in rows(store, """
        SELECT ?value ?unit ?period WHERE { ?o a kg:Observation ; kg:value ?value ; kg:unit ?unit .
        OPTIONAL { ?o kg:period ?period } }""")}
    assert ("34900000000", "USD", "2023") in found
    assert any(v == "3590000000000" and u == "CNY" for v, u, _ in found)
    assert any(v == "380000000000" and u == "USD" for v, u, _ in found)


def _dataset(trig: Path) -> Graph:
    ds = Dataset()
    ds.parse(trig, format="trig")
    return ds


def test_two_builds_give_the_same_graph(seeds_out: Path, tmp_path: Path) -> None:
    build([SEEDS_DIR], tmp_path, html=False)
    assert sorted((seeds_out / "graph.ttl").read_bytes().splitlines()) == \
        sorted((tmp_path / "graph.ttl").read_bytes().splitlines())
    assert isomorphic(Graph().parse(seeds_out / "graph.ttl"), Graph().parse(tmp_path / "graph.ttl"))


def test_incremental_build_equals_full_rebuild_and_reads_only_what_changed(tmp_path: Path) -> None:
    """Work done, not seconds (timings belong to the benchmark): a grown folder reads only the
    new article, and the result is the graph a full rebuild gives."""
    articles = tmp_path / "articles"
    shutil.copytree(SEEDS_DIR, articles)
    out = tmp_path / "out"
    build([articles], out, html=False)
    (articles / "005_extra.txt").write_text(
        "Vietnam and Laos signed the Mekong Water Security Agreement in Vientiane, Laos on 3 March 2025.\n"
        "Source: https://example.org/extra\n", encoding="utf-8")
    report = build([articles], out, html=False)
    assert (report.read, report.added, report.unchanged) == (1, 1, 5)
    _assert_same_files_as_a_full_build(articles, out, tmp_path / "full")
    (articles / "001_8583fdb252d8ba90.txt").write_text("Vietnam and China deepen cooperation.\n", encoding="utf-8")
    report = build([articles], out, html=False)
    assert (report.read, report.replaced) == (1, 1)
    _assert_same_files_as_a_full_build(articles, out, tmp_path / "full")
    (articles / "005_extra.txt").unlink()
    report = build([articles], out, html=False)
    assert report.removed == 1
    _assert_same_files_as_a_full_build(articles, out, tmp_path / "full")
    store = GraphStore.open(out, read_only=True)
    assert not rows(store, 'SELECT ?a WHERE { ?a dcterms:identifier "005_extra" }')
    assert not rows(store, 'SELECT ?m WHERE { ?m nif:anchorOf "rondetafelconferentie" }')


def test_a_small_incremental_build_leaves_the_store_uncompacted_and_whole(tmp_path: Path) -> None:
    """Compacting rewrites the whole store (minutes for a large one): a build that changes one
    article in twenty skips it, and its store still holds exactly what a full build's does."""
    articles = tmp_path / "articles"
    shutil.copytree(SEEDS_DIR, articles)
    for i in range(1, 16):
        (articles / f"extra_{i:02d}.txt").write_text(
            f"Vietnam and Laos signed agreement {i} on water security in Vientiane, Laos on {i} March 2025.\n"
            f"Source: https://example.org/extra/{i}\n", encoding="utf-8")
    out = tmp_path / "out"
    assert "compaction" in build([articles], out, html=False).phases  # a full build compacts
    (articles / "extra_01.txt").write_text("China and Cambodia deepen cooperation in Phnom Penh.\n", encoding="utf-8")
    report = build([articles], out, html=False)
    assert (report.replaced, report.unchanged) == (1, 19) and "compaction" not in report.phases
    _assert_same_files_as_a_full_build(articles, out, tmp_path / "full")
    stored = set(GraphStore.open(out, read_only=True).quads())
    assert stored == set(GraphStore.open(tmp_path / "full", read_only=True).quads())
    assert any(q.object.value == "Phnom Penh" for q in stored)


def test_the_fingerprint_covers_what_decides_the_graph_and_nothing_else() -> None:
    """Editing the extractor or a lexicon rebuilds every article; editing a query or the view does not."""
    from kg.build import fingerprinted_files

    names = {path.relative_to(ROOT).as_posix() for path in fingerprinted_files()}
    assert {"kg/extractor/recognisers.py", "kg/mapper/__init__.py", "kg/reader/language.py", "kg/export.py",
            "ontology/kg.ttl", "ontology/lexicon/countries.ttl", "ontology/patterns/en.yaml"} <= names
    assert not names & {"kg/view/read.py", "kg/view/render.py", "kg/query.py", "kg/cli.py", "kg/commands/build.py", "queries/people.rq"}


def _assert_same_files_as_a_full_build(articles: Path, out: Path, full_out: Path) -> None:
    """The files an incremental build leaves (old blocks copied, new ones written) are the bytes
    a full build writes."""
    build([articles], full_out, html=False, full=True)
    for name in ("graph.ttl", "graph.trig"):
        assert (out / name).read_bytes() == (full_out / name).read_bytes(), name


def test_exported_files_hold_exactly_what_the_store_holds(seeds_out: Path) -> None:
    """graph.trig is the store quad for quad; graph.ttl is the union of its graphs, each triple once."""
    store = GraphStore.open(seeds_out, read_only=True)
    stored = set(store.quads())
    trig = list(ox.parse(path=str(seeds_out / "graph.trig"), format=ox.RdfFormat.TRIG))
    assert len(trig) == len(stored) and set(trig) == stored
    turtle = [q.triple for q in ox.parse(path=str(seeds_out / "graph.ttl"), format=ox.RdfFormat.TURTLE)]
    assert len(turtle) == len(set(turtle)) and set(turtle) == {q.triple for q in stored}


def test_trig_holds_one_graph_per_article(seeds_out: Path) -> None:
    ds = _dataset(seeds_out / "graph.trig")
    names = {str(g.identifier) for g in ds.graphs() if len(g)}
    articles = {n for n in names if "/graph/0" in n}
    assert len(articles) == 5


@pytest.mark.component
def test_exports_pass_jena_riot(seeds_out: Path) -> None:
    from tests.support.jena import riot_validate

    for name in ("graph.ttl", "graph.trig"):
        result = riot_validate(seeds_out / name)
        assert result.returncode == 0, result.stderr
