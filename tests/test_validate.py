"""``kg validate`` on real builds: kg's SHACL engine (:mod:`kg.shacl`) against pySHACL.

The shapes themselves, and the two engines on a hand-made graph broken in every way the shapes
check and on randomly broken ones, are tested in ``test_ontology.py``. Here: the seeds' graph
conforms under both engines; the same graph damaged the way a faulty mapper would damage it is
reported by both with the same results, through the command line too (exit status, text,
report graph); a shape the engine does not implement is refused, not skipped.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import RDF, SH

from kg.build import build
from kg.cli import main
from kg.errors import DataError
from kg.paths import ONTOLOGY_FILE, SEEDS_DIR, SHAPES_FILE
from kg.shacl import compile_shapes
from kg.store import GraphStore
from kg.validate import validate
from kg.vocab import KG_NS, NIF, RDF as RDF_NS

KG = KG_NS


@pytest.fixture(scope="module")
def seeds_out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("seeds-out")
    build([SEEDS_DIR], out, html=False)
    return out


def _first(store: GraphStore, sparql: str) -> ox.NamedNode:
    return next(iter(store.query(sparql)))[0]


@pytest.fixture(scope="module")
def damaged_out(seeds_out: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str]]:
    """The seeds' store with a mention that lost its anchor, a mention pointing at a literal, an
    assertion whose fact is missing, and a sentence whose end lies beyond the body; returns the
    output folder and the damaged nodes by kind."""
    out = tmp_path_factory.mktemp("damaged-out")
    shutil.copytree(Path(seeds_out / "store").resolve(), out / "store")
    store = GraphStore.open(out)
    mention = _first(store, f"SELECT ?m WHERE {{ ?m <{KG}denotes> ?e }} ORDER BY STR(?m) LIMIT 1")
    other = _first(store, f"SELECT ?m WHERE {{ ?m <{KG}denotes> ?e }} ORDER BY DESC(STR(?m)) LIMIT 1")
    assertion = _first(store, f"SELECT ?a WHERE {{ ?a <{RDF_NS}predicate> <{KG}heldIn> }} ORDER BY STR(?a) LIMIT 1")
    sentence = _first(store, f"SELECT ?s WHERE {{ ?s a <{KG}Sentence> }} ORDER BY STR(?s) LIMIT 1")
    for quad in list(store.store.quads_for_pattern(mention, ox.NamedNode(NIF + "anchorOf"), None)):
        store.store.remove(quad)
    for quad in list(store.store.quads_for_pattern(other, ox.NamedNode(KG + "denotes"), None)):
        store.store.remove(quad)
        store.store.add(ox.Quad(other, quad.predicate, ox.Literal("Nanning"), quad.graph_name))
    fact = next(store.store.quads_for_pattern(assertion, ox.NamedNode(RDF_NS + "subject"), None))
    place = next(store.store.quads_for_pattern(assertion, ox.NamedNode(RDF_NS + "object"), None)).object
    for quad in list(store.store.quads_for_pattern(fact.object, ox.NamedNode(KG + "heldIn"), place)):
        store.store.remove(quad)
    end = next(store.store.quads_for_pattern(sentence, ox.NamedNode(NIF + "endIndex"), None))
    store.store.remove(end)
    store.store.add(ox.Quad(sentence, end.predicate, ox.Literal("999999", datatype=ox.NamedNode(
        "http://www.w3.org/2001/XMLSchema#integer")), end.graph_name))
    store.store.flush()
    del store
    return out, {"mention": mention.value, "other": other.value, "assertion": assertion.value,
                 "sentence": sentence.value}


def _results(report: Graph) -> set[tuple]:
    return {(str(report.value(r, SH.focusNode)), str(report.value(r, SH.sourceConstraintComponent)),
             str(report.value(r, SH.value)), str(report.value(r, SH.resultMessage)))
            for r in report.subjects(RDF.type, SH.ValidationResult)}


def test_seeds_conform_under_both_engines(seeds_out: Path) -> None:
    store = GraphStore.open(seeds_out, read_only=True)
    for engine in ("sparql", "pyshacl"):
        result = validate(store, engine=engine)
        assert result.conforms and result.violations == 0, (engine, result.text)


def test_damage_is_reported_alike_by_both_engines(damaged_out: tuple[Path, dict[str, str]]) -> None:
    out, damaged = damaged_out
    store = GraphStore.open(out, read_only=True)
    ours, reference = validate(store), validate(store, engine="pyshacl")
    assert not ours.conforms and not reference.conforms
    assert ours.violations == reference.violations
    found = _results(ours.report)
    assert found == _results(reference.report)
    # the per-article checks (spans, stated facts) have the article as focus node, the span or
    # assertion at fault as value
    assert any(f == damaged["mention"] and "exactly one nif:anchorOf" in message for f, _, _, message in found)
    assert any(f == damaged["other"] and "kg:denotes must point to an entity" in message
               for f, _, _, message in found)
    assert any(value == damaged["assertion"] and "not stated in the graph" in message
               for _, _, value, message in found)
    assert any(value == damaged["sentence"] and "beyond the end of the article body" in message
               for _, _, value, message in found)


def test_command_line_reports_and_exits_1(damaged_out: tuple[Path, dict[str, str]], tmp_path: Path,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    out, damaged = damaged_out
    report_file = tmp_path / "report.ttl"
    assert main(["validate", "-o", str(out), "-q", "--report", str(report_file)]) == 1
    printed = capsys.readouterr().out
    assert damaged["mention"] in printed and "A mention needs exactly one nif:anchorOf" in printed
    assert printed.rstrip().endswith("SHACL violation(s)")
    report = Graph().parse(report_file)
    assert (None, SH.conforms, None) in report
    assert not bool(report.value(next(report.subjects(RDF.type, SH.ValidationReport)), SH.conforms))
    assert URIRef(damaged["other"]) in set(report.objects(None, SH.focusNode))


def test_seeds_command_line_conforms(seeds_out: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", "-o", str(seeds_out)]) == 0
    captured = capsys.readouterr()
    assert captured.out.strip() == "conforms: 0 SHACL violations"
    assert "[1/" in captured.err  # progress, one line a constraint


@pytest.mark.parametrize("extra, feature", [
    ("kgsh:ArticleShape sh:targetNode kg:Article .", "sh:targetNode"),
    ("kgsh:ArticleShape sh:property [ sh:path kg:fileName ; sh:maxLength 80 ] .", "sh:maxLength"),
    ("kgsh:ArticleShape sh:property [ sh:path ( kg:fileName kg:fileName ) ; sh:minCount 1 ] .", "path"),
])
def test_unimplemented_shacl_is_refused(extra: str, feature: str) -> None:
    shapes = Graph().parse(SHAPES_FILE)
    shapes.parse(data=f"@prefix sh: <{SH}> . @prefix kg: <{KG}> . "
                      f"@prefix kgsh: <https://w3id.org/cn-asean-kg/shapes#> . {extra}", format="turtle")
    with pytest.raises(DataError, match=feature.replace("(", r"\(")):
        compile_shapes(shapes, Graph().parse(ONTOLOGY_FILE))
