"""Entity resolution across articles: near-repeats of a name become one node, with evidence;
never across types, never across different numbers, and the threshold is the user's."""

from __future__ import annotations

from pathlib import Path

import pytest

from kg.build import build
from kg.store import GraphStore
from kg.vocab import PREFIXES

PREFIX = "\n".join(f"PREFIX {p}: <{iri}>" for p, iri in PREFIXES.items()) + "\n"

ARTICLES = {
    "a.txt": "Indonesian Foreign Minister Retno Marsudi praised the Mekong Youth Innovation Council.\n"
             "The 21st China-ASEAN Expo was held in Nanning.\nSource: https://example.org/a\n",
    "b.txt": "Indonesian Foreign Minister Retno Marsuti met the Mekong Youth Innovation Council again.\n"
             "The 22nd China-ASEAN Expo was held in Nanning.\nSource: https://example.org/b\n",
    "c.txt": "The Mekong Youth Innovation Conference opened in Hanoi on 3 May 2025.\nSource: https://example.org/c\n",
    "d.txt": "On 4 May 2025 a roundtable on digital trade took place in Hanoi.\nSource: https://example.org/d\n",
    "e.txt": "On 9 June 2025 a roundtable on green energy took place in Jakarta.\nSource: https://example.org/e\n",
}


def _build(tmp_path: Path, threshold: float | None = None) -> GraphStore:
    folder = tmp_path / "articles"
    folder.mkdir(exist_ok=True)
    for name, text in ARTICLES.items():
        (folder / name).write_text(text, encoding="utf-8")
    out = tmp_path / f"out-{threshold}"
    build([folder], out, html=False, **({} if threshold is None else {"merge_threshold": threshold}))
    return GraphStore.open(out, read_only=True)


def _people(store: GraphStore) -> set[str]:
    return {row["e"].value for row in store.query(PREFIX + "SELECT DISTINCT ?e WHERE { ?m kg:denotes ?e . ?e a kg:Person }")}


def test_near_repeat_of_a_name_is_one_person_with_evidence(tmp_path: Path) -> None:
    store = _build(tmp_path)
    assert len(_people(store)) == 1
    rows = list(store.query(PREFIX + """SELECT ?name ?score ?stem WHERE {
        ?r a kg:EntityResolution ; kg:resolvedName ?name ; kg:score ?score ; kg:resolvedTo ?e ;
           kg:inArticle/dcterms:identifier ?stem }"""))
    assert [(r["name"].value, r["stem"].value) for r in rows] == [("Retno Marsuti", "b")]
    assert 90 <= float(rows[0]["score"].value) < 100
    anchors = {r["t"].value for r in store.query(PREFIX + "SELECT ?t WHERE { ?m kg:denotes ?e ; nif:anchorOf ?t . ?e a kg:Person }")}
    assert anchors == {"Retno Marsudi", "Retno Marsuti"}


def test_threshold_is_the_users(tmp_path: Path) -> None:
    assert len(_people(_build(tmp_path, threshold=100))) == 2


def test_editions_and_types_are_never_merged(tmp_path: Path) -> None:
    store = _build(tmp_path)
    forums = {row["l"].value for row in store.query(PREFIX + """SELECT DISTINCT ?l WHERE {
        ?m kg:denotes ?e . ?e rdfs:label ?l FILTER(CONTAINS(STR(?e), "/id/forum/")) }""")}
    assert {"21st China-ASEAN Expo", "22nd China-ASEAN Expo"} <= forums
    council = list(store.query(PREFIX + 'SELECT ?e WHERE { ?e rdfs:label "Mekong Youth Innovation Council"@en }'))
    conference = list(store.query(PREFIX + 'SELECT ?e WHERE { ?m kg:denotes ?e ; nif:anchorOf "Mekong Youth Innovation Conference" }'))
    assert council and conference and council[0]["e"] != conference[0]["e"]


def test_unnamed_events_of_two_articles_are_two_events(tmp_path: Path) -> None:
    """"a roundtable" in one article and "a roundtable" in another are two events, each with
    its own place, though they are called alike."""
    store = _build(tmp_path)
    rows = {(row["stem"].value, row["place"].value) for row in store.query(PREFIX + """
        SELECT DISTINCT ?stem ?place WHERE {
          ?m kg:denotes ?e ; nif:anchorOf "roundtable" ; kg:inArticle/dcterms:identifier ?stem .
          ?e kg:heldIn/rdfs:label ?place }""")}
    assert rows == {("d", "Hanoi"), ("e", "Jakarta")}


@pytest.mark.parametrize("threshold", ["-1", "101", "x"])
def test_bad_threshold_is_a_clear_error(threshold: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from kg.cli import main

    with pytest.raises(SystemExit) as exit_:
        main(["build", "--merge-threshold", threshold, "-o", str(tmp_path / "out")])
    assert exit_.value.code == 2
    assert "merge-threshold" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("a, b", [
    ("Li Thomas", "Liu Thomas"), ("Đỗ Quốc Hương", "Đỗ Quốc Phương"), ("Dela Cruz Jing", "Dela Cruz Ming"),
    ("Diễn đàn hợp tác kinh tế Trung Quốc - ASEAN", "Diễn đàn hợp tác kinh tế số ASEAN - Trung Quốc"),
])
def test_different_names_that_look_alike_stay_apart(a: str, b: str) -> None:
    from kg.mapper.resolve import Resolver

    resolver = Resolver()
    resolver.register("https://w3id.org/cn-asean-kg/id/person/a", "person", a)
    assert resolver.match("https://w3id.org/cn-asean-kg/id/person/b", "person", b) is None


def test_a_misspelt_word_is_the_same_name() -> None:
    from kg.mapper.resolve import Resolver

    resolver = Resolver()
    resolver.register("https://w3id.org/cn-asean-kg/id/organization/a", "organization", "Tsim Chuk Bun Fruit Company")
    found = resolver.match("https://w3id.org/cn-asean-kg/id/organization/b", "organization", "Tsim Chuk Bun Fruits Company")
    assert found and found[0].endswith("/a")
