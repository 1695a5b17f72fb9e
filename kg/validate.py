"""Validate: the stored graph against the SHACL shapes (``ontology/shapes.ttl``).

pySHACL runs on an rdflib copy of the graph with the ontology as its ontology graph and RDFS
inference, so a shape aimed at ``kg:Forum`` also checks every ``kg:Expo``. It returns both the
machine report (RDF) and a human one.
"""

from __future__ import annotations

from dataclasses import dataclass

import pyoxigraph as ox
from rdflib import Dataset, Graph

from kg.paths import ONTOLOGY_FILE, SHAPES_FILE
from kg.store import GraphStore


@dataclass
class ValidationResult:
    conforms: bool
    violations: int
    text: str
    report: Graph


def to_rdflib(store: GraphStore) -> Graph:
    """The union of all graphs as one rdflib graph."""
    data = ox.serialize(store.quads(), format=ox.RdfFormat.N_QUADS)
    dataset = Dataset()
    dataset.parse(data=data, format="nquads")
    union = Graph()
    for s, p, o, _ in dataset.quads((None, None, None, None)):
        union.add((s, p, o))
    return union


def validate(store: GraphStore) -> ValidationResult:
    """SHACL-validate the stored graph."""
    from pyshacl import validate as shacl_validate
    from rdflib.namespace import SH

    shapes = Graph().parse(SHAPES_FILE, format="turtle")
    ontology = Graph().parse(ONTOLOGY_FILE, format="turtle")
    conforms, report, text = shacl_validate(to_rdflib(store), shacl_graph=shapes, ont_graph=ontology,
                                            inference="rdfs", advanced=True, allow_warnings=True)
    violations = len(list(report.subjects(predicate=SH.resultSeverity, object=SH.Violation)))
    return ValidationResult(bool(conforms), violations, text, report)
