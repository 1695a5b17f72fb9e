"""The ontology's terms, read from ``ontology/kg.ttl`` rather than typed in Python.

``KG.heldIn`` is the IRI of a declared term; a misspelt or undeclared name raises at once
instead of minting a new IRI (as rdflib's ``_fail`` namespaces do). The class hierarchy read
here tells every stage which of the nine top types a subclass belongs to.
"""

from __future__ import annotations

from functools import cache

import pyoxigraph as ox

from kg.errors import DataError
from kg.paths import ONTOLOGY_FILE

KG_NS = "https://w3id.org/cn-asean-kg/ontology#"
ID_NS = "https://w3id.org/cn-asean-kg/id/"
ARTICLE_NS = "https://w3id.org/cn-asean-kg/article/"
GRAPH_NS = "https://w3id.org/cn-asean-kg/graph/"
ENTITIES_GRAPH = GRAPH_NS + "entities"

RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
OWL = "http://www.w3.org/2002/07/owl#"
XSD = "http://www.w3.org/2001/XMLSchema#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
SCHEMA = "https://schema.org/"
DCTERMS = "http://purl.org/dc/terms/"
PROV = "http://www.w3.org/ns/prov#"
NIF = "http://persistence.uni-leipzig.org/nlp2rdf/ontologies/nif-core#"
WD = "http://www.wikidata.org/entity/"

PREFIXES = {
    "kg": KG_NS, "rdf": RDF, "rdfs": RDFS, "owl": OWL, "xsd": XSD, "skos": SKOS, "schema": SCHEMA,
    "dcterms": DCTERMS, "prov": PROV, "nif": NIF, "wd": WD,
    "org": "http://www.w3.org/ns/org#", "foaf": "http://xmlns.com/foaf/0.1/",
}

TOP_TYPES = ("Country", "Organization", "Person", "Forum", "Agreement", "Initiative", "Project", "Place", "Topic")


@cache
def _ontology() -> ox.Store:
    store = ox.Store()
    try:
        store.load(path=str(ONTOLOGY_FILE), format=ox.RdfFormat.TURTLE)
    except (OSError, SyntaxError) as exc:
        raise DataError(f"cannot read the ontology {ONTOLOGY_FILE}: {exc}") from exc
    return store


@cache
def declared_terms() -> frozenset[str]:
    """Local names of every term declared in the ``kg:`` namespace."""
    rdf_type = ox.NamedNode(RDF + "type")
    names = set()
    for quad in _ontology().quads_for_pattern(None, rdf_type, None):
        if isinstance(quad.subject, ox.NamedNode) and quad.subject.value.startswith(KG_NS):
            names.add(quad.subject.value[len(KG_NS):])
    return frozenset(names)


class _Namespace:
    """Attribute access to the terms the ontology declares, as :class:`pyoxigraph.NamedNode`: a
    misspelt term fails at once rather than write triples no query or shape knows."""

    def __init__(self, base: str) -> None:
        self._base = base
        self._cache: dict[str, ox.NamedNode] = {}

    def __getattr__(self, name: str) -> ox.NamedNode:
        if name.startswith("_"):
            raise AttributeError(name)
        return self[name]

    def __getitem__(self, name: str) -> ox.NamedNode:
        node = self._cache.get(name)
        if node is None:
            if name not in declared_terms():
                raise DataError(f"kg:{name} is not declared in {ONTOLOGY_FILE}")
            node = self._cache[name] = ox.NamedNode(self._base + name)
        return node


KG = _Namespace(KG_NS)


@cache
def top_type_of() -> dict[str, str]:
    """Local class name → the top type it belongs to (``Expo`` → ``Forum``)."""
    sub = ox.NamedNode(RDFS + "subClassOf")
    parents: dict[str, set[str]] = {}
    for quad in _ontology().quads_for_pattern(None, sub, None):
        s, o = quad.subject, quad.object
        if isinstance(s, ox.NamedNode) and isinstance(o, ox.NamedNode) and s.value.startswith(KG_NS) and o.value.startswith(KG_NS):
            parents.setdefault(s.value[len(KG_NS):], set()).add(o.value[len(KG_NS):])
    result = {top: top for top in TOP_TYPES}
    for cls in parents:
        seen, todo = set(), [cls]
        while todo:
            current = todo.pop()
            if current in TOP_TYPES:
                result[cls] = current
                break
            if current not in seen:
                seen.add(current)
                todo.extend(parents.get(current, ()))
    return result


def entity_iri(type_: str, slug: str) -> str:
    """``id/{type}/{slug}`` for a top type."""
    return f"{ID_NS}{type_.lower()}/{slug}"
