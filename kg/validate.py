"""Validate: the stored graph against the SHACL shapes (``ontology/shapes.ttl``).

Two engines give the same results (the tests compare them result for result, on hand-made
graphs broken in every way the shapes check and on randomly broken ones):

- ``sparql`` (the default): :mod:`kg.shacl` compiles the shapes to SPARQL and the store answers
  them, with the graph where it is: 0.2 s for the seeds, 33-40 s for 1,000 generated articles,
  7-9 minutes and 1.4 GB for 10,000.
- ``pyshacl``: pySHACL, the reference implementation, on an rdflib copy of the union of the
  graphs with the ontology as its ontology graph and RDFS inference: 22 minutes and 3.8 GB for
  1,000 articles, so for small graphs only.

Both return the machine report (a SHACL ``sh:ValidationReport`` graph) and a human one.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

import pyoxigraph as ox
from rdflib import BNode, Dataset, Graph, Literal, URIRef
from rdflib.namespace import RDF, SH
from rdflib.term import Node

from kg.paths import ONTOLOGY_FILE, SHAPES_FILE
from kg.progress import QUIET, Progress
from kg.shacl import Violation, compile_shapes, find_violations
from kg.store import GraphStore

ENGINES = ("sparql", "pyshacl")


@dataclass
class ValidationResult:
    conforms: bool
    violations: int
    text: str
    report: Graph


def validate(store: GraphStore, *, engine: str = "sparql", progress: Progress = QUIET) -> ValidationResult:
    """SHACL-validate the stored graph with ``engine`` (one of :data:`ENGINES`)."""
    shapes = Graph().parse(SHAPES_FILE, format="turtle")
    ontology = Graph().parse(ONTOLOGY_FILE, format="turtle")
    if engine == "pyshacl":
        return _pyshacl(store, shapes, ontology)
    constraints = compile_shapes(shapes, ontology)
    found = find_violations(store, constraints, lambda number, total, c: progress.step(
        f"[{number}/{total}] {_where(shapes, c.shape, c.path)}: {_name(shapes, c.component)}"))
    violations = sum(v.severity == SH.Violation for v in found)
    conforms = violations == 0
    return ValidationResult(conforms, violations, _text(found, shapes), _report(found, shapes, conforms))


def _pyshacl(store: GraphStore, shapes: Graph, ontology: Graph) -> ValidationResult:
    from pyshacl import validate as shacl_validate

    conforms, report, text = shacl_validate(_to_rdflib(store), shacl_graph=shapes, ont_graph=ontology,
                                            inference="rdfs", advanced=True, allow_warnings=True)
    violations = len(list(report.subjects(predicate=SH.resultSeverity, object=SH.Violation)))
    return ValidationResult(bool(conforms), violations, text, report)


def _to_rdflib(store: GraphStore) -> Graph:
    """The union of all graphs as one rdflib graph."""
    dataset = Dataset()
    dataset.parse(data=ox.serialize(store.quads(), format=ox.RdfFormat.N_QUADS), format="nquads")
    union = Graph()
    for s, p, o, _ in dataset.quads((None, None, None, None)):
        union.add((s, p, o))
    return union


def _report(found: list[Violation], shapes: Graph, conforms: bool) -> Graph:
    """The results as a SHACL validation report graph, paths and shapes copied from ``shapes``."""
    report = Graph()
    report.bind("sh", SH)
    root = BNode()
    report.add((root, RDF.type, SH.ValidationReport))
    report.add((root, SH.conforms, Literal(conforms)))
    copied: set = set()
    for violation in found:
        result = BNode()
        report.add((root, SH.result, result))
        report.add((result, RDF.type, SH.ValidationResult))
        report.add((result, SH.focusNode, _rdflib(violation.focus)))
        report.add((result, SH.resultSeverity, violation.severity))
        report.add((result, SH.sourceConstraintComponent, violation.component))
        report.add((result, SH.sourceShape, violation.shape))
        report.add((result, SH.resultMessage, Literal(violation.message)))
        if violation.value is not None:
            report.add((result, SH.value, _rdflib(violation.value)))
        if violation.path is not None:
            report.add((result, SH.resultPath, violation.path))
        for node in (violation.shape, violation.path):
            if isinstance(node, BNode) and node not in copied:
                copied.add(node)
                report += shapes.cbd(node)
    return report


def _rdflib(term: ox.NamedNode | ox.BlankNode | ox.Literal) -> URIRef | BNode | Literal:
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if term.language:
        return Literal(term.value, lang=term.language)
    return Literal(term.value, datatype=URIRef(term.datatype.value))


def _text(found: list[Violation], shapes: Graph) -> str:
    """One paragraph a result, then the number of results each shape gave."""
    lines = [f"Validation report: {len(found)} result(s)"]
    for v in found:
        lines.append(f"{_name(shapes, v.severity)} of {_where(shapes, v.shape, v.path)}: {v.message}")
        lines.append(f"    focus node: {v.focus}")
        if v.value is not None:
            lines.append(f"    value: {v.value}")
    by_shape = Counter(_where(shapes, v.shape, None) for v in found)
    lines.append("results by shape:")
    lines.extend(f"  {count:7,d}  {shape}" for shape, count in by_shape.most_common())
    return "\n".join(lines)


def _where(shapes: Graph, shape: Node, path: Node | None) -> str:
    """The node shape a constraint belongs to (that of a property shape), and its path."""
    node_shape = shapes.value(predicate=SH.property, object=shape) or shape
    return _name(shapes, node_shape) + (f" {_name(shapes, path)}" if path is not None else "")


def _name(shapes: Graph, node: Node) -> str:
    """A term as the shapes file writes it (prefixed); a blank node (a path) by what it says."""
    if isinstance(node, BNode):
        parts = (f"{_name(shapes, p)} {_name(shapes, o)}" for p, o in shapes.predicate_objects(node))
        return "[" + "; ".join(parts) + "]"
    return node.n3(shapes.namespace_manager)
