"""SHACL validation compiled to SPARQL and answered by the store.

pySHACL checks an rdflib copy of the whole graph one focus node at a time: 22 minutes and 3.8 GB
for the 1.27 million quads of 1,000 articles, so the graph of 10,000 does not fit in this
machine's memory. The shapes of ``ontology/shapes.ttl`` use a small part of SHACL, and each of
their constraints is a question SPARQL can put to the whole store at once ("which mentions have
no ``kg:denotes``?"), as the SHACL specification itself defines the core constraint components
in SPARQL. So every constraint here becomes one SELECT whose rows are its violations, and
Oxigraph answers it from its indexes without copying the graph anywhere.

Entailment: ``kg validate`` has always validated as ``pyshacl.validate(data, ont_graph=ontology,
inference="rdfs")`` does, and so does this engine, without materialising anything. From the
ontology it reads, once, what RDFS would infer: a node is an instance of a class when it is typed
with the class or a subclass, is the subject of a property whose ``rdfs:domain`` is one of them,
or is the object of a property whose ``rdfs:range`` is (a literal too: pySHACL's inference
writes generalised RDF); a property also holds where one of its sub-properties does. The
queries name those classes and properties instead of asking the store to infer them.

A shape that uses SHACL this engine does not implement is refused with the feature's name
rather than skipped; ``kg validate --engine pyshacl`` runs pySHACL, which the tests compare this
engine with, result for result.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from functools import cached_property

import pyoxigraph as ox
from rdflib import Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import RDF, RDFS, SH, XSD
from rdflib.term import Node

from kg.errors import DataError
from kg.query import where_clause_start
from kg.store import GraphStore

# the parts of a shape this engine reads; anything else in the sh: namespace is refused
_SHAPE_KEYS = {RDF.type, RDFS.comment, RDFS.label, SH.targetClass, SH.targetSubjectsOf, SH.severity,
               SH.message, SH.property, SH.path, SH.deactivated, SH.name, SH.description}
_VALUE_COMPONENTS = {SH["class"], SH.datatype, SH.nodeKind, SH.minInclusive, SH.languageIn, SH.pattern,
                     SH["in"], SH["or"], SH.xone}
_COMPONENTS = _VALUE_COMPONENTS | {SH.minCount, SH.maxCount, SH.lessThan, SH.sparql}
_PARAMETERS = {SH.flags}
_COMPONENT_NAMES = {SH["class"]: "Class", SH.datatype: "Datatype", SH.nodeKind: "NodeKind",
                    SH.minInclusive: "MinInclusive", SH.languageIn: "LanguageIn", SH.pattern: "Pattern",
                    SH["in"]: "In", SH["or"]: "Or", SH.xone: "Xone", SH.minCount: "MinCount",
                    SH.maxCount: "MaxCount", SH.lessThan: "LessThan", SH.sparql: "SPARQL"}
_NODE_KINDS = {SH.IRI: "isIRI(?v)", SH.Literal: "isLiteral(?v)", SH.BlankNode: "isBlank(?v)",
               SH.BlankNodeOrIRI: "!isLiteral(?v)", SH.BlankNodeOrLiteral: "!isIRI(?v)",
               SH.IRIOrLiteral: "!isBlank(?v)"}
# SPARQL casts to these answer an error for an ill-formed value ("17 September 2025"^^xsd:date),
# which is what sh:datatype rejects besides another datatype
_CHECKED_DATATYPES = {XSD.date, XSD.gYear, XSD.gYearMonth, XSD.decimal, XSD.integer}
_TEMPLATE = re.compile(r"\{[?$](\w+)\}")


@dataclass(frozen=True)
class Violation:
    """One validation result, in the terms of a SHACL report."""

    focus: ox.NamedNode | ox.BlankNode | ox.Literal
    path: Node | None
    value: ox.NamedNode | ox.BlankNode | ox.Literal | None
    shape: Node
    """The shape the constraint belongs to (``sh:sourceShape``): a property shape or a node shape."""
    component: URIRef
    severity: URIRef
    message: str


@dataclass(frozen=True)
class Constraint:
    """One constraint of one shape, as the query that selects its violations."""

    shape: Node
    path: Node | None
    component: URIRef
    severity: URIRef
    message: str
    query: str
    has_value: bool = True
    """Whether each row names the value node at fault (``?value``); a count has none."""
    templated: bool = False
    """Whether ``message`` holds ``{?var}`` placeholders filled from each row (SPARQL constraints)."""

    def violations(self, store: GraphStore) -> Iterator[Violation]:
        """The rows of the query, as violations."""
        for row in store.query(self.query):
            message = self.message
            if self.templated:
                message = _TEMPLATE.sub(lambda m, row=row: _text(row[m.group(1)]), message)
            value = row["value"] if self.has_value else None
            yield Violation(row["this"], self.path, value, self.shape, self.component, self.severity, message)


@dataclass
class Entailment:
    """What RDFS infers from the ontology, in the form the queries need."""

    ontology: Graph

    @cached_property
    def _super_classes(self) -> dict[Node, set[Node]]:
        return _closure(self.ontology, RDFS.subClassOf)

    @cached_property
    def _super_properties(self) -> dict[Node, set[Node]]:
        return _closure(self.ontology, RDFS.subPropertyOf)

    def subclasses(self, cls: Node) -> list[Node]:
        """``cls`` and every class below it."""
        return sorted({cls} | {c for c, supers in self._super_classes.items() if cls in supers})

    def subproperties(self, prop: Node) -> list[Node]:
        """``prop`` and every property below it."""
        return sorted({prop} | {p for p, supers in self._super_properties.items() if prop in supers})

    def typing(self, classes: Iterable[Node], axiom: URIRef) -> list[Node]:
        """The properties whose use types a node as one of ``classes`` (given with their
        subclasses): those with an ``axiom`` (``rdfs:domain`` or ``rdfs:range``) among them, and
        their sub-properties."""
        classes = set(classes)
        typed = {p for p, c in self.ontology.subject_objects(axiom) if c in classes}
        return sorted({sub for p in typed for sub in self.subproperties(p)})


def _closure(graph: Graph, relation: URIRef) -> dict[Node, set[Node]]:
    """Every node's transitive successors under ``relation``."""
    direct: dict[Node, set[Node]] = {}
    for below, above in graph.subject_objects(relation):
        direct.setdefault(below, set()).add(above)
    closed: dict[Node, set[Node]] = {}
    for node, aboves in direct.items():
        seen, todo = set(), list(aboves)
        while todo:
            above = todo.pop()
            if above not in seen:
                seen.add(above)
                todo.extend(direct.get(above, ()))
        closed[node] = seen
    return closed


@dataclass
class _Compiler:
    """Turns shapes into :class:`Constraint` queries."""

    shapes: Graph
    entailment: Entailment
    _names: Iterator[int] = field(default_factory=itertools.count)

    def fresh(self, stem: str) -> str:
        """A variable name no other part of a query uses."""
        return f"?_{stem}{next(self._names)}"

    # ----------------------------------------------------------------------------- whole shapes

    def constraints(self) -> Iterator[Constraint]:
        for shape in sorted(set(self.shapes.subjects(RDF.type, SH.NodeShape))):
            if self.shapes.value(shape, SH.deactivated) == Literal(True):
                continue
            self._check_keys(shape, _SHAPE_KEYS | _COMPONENTS, f"node shape {shape.n3()}")
            focus = self.focus(shape)
            severity = self.shapes.value(shape, SH.severity, default=SH.Violation)
            message = str(self.shapes.value(shape, SH.message, default=""))
            yield from self.components(shape, shape, None, focus, "BIND(?this AS ?value)", severity, message)
            for prop in sorted(self.shapes.objects(shape, SH.property)):
                if self.shapes.value(prop, SH.deactivated) == Literal(True):
                    continue
                self._check_keys(prop, _SHAPE_KEYS | _COMPONENTS | _PARAMETERS, f"property shape of {shape.n3()}")
                path = self.shapes.value(prop, SH.path)
                values = self.path_pattern(path, "?this", "?value")
                yield from self.components(prop, shape, path, focus, values,
                                           self.shapes.value(prop, SH.severity, default=severity),
                                           str(self.shapes.value(prop, SH.message, default=message)))

    def _check_keys(self, node: Node, allowed: set[URIRef], what: str) -> None:
        for key in set(self.shapes.predicates(node)) - allowed:
            if str(key).startswith(str(SH)):
                raise DataError(f"{what} uses {key.n3(self.shapes.namespace_manager)}, which kg's SHACL engine "
                                "does not implement (kg validate --engine pyshacl runs pySHACL)")

    def focus(self, shape: Node) -> str:
        """A group binding ``?this`` to every focus node of ``shape``, once each."""
        alternatives = []
        for cls in sorted(self.shapes.objects(shape, SH.targetClass)):
            alternatives.extend(self.instances("?this", cls))
        for prop in sorted(self.shapes.objects(shape, SH.targetSubjectsOf)):
            alternatives.append(f"{{ {self.path_pattern(prop, '?this', '[]')} }}")
        if not alternatives:
            raise DataError(f"node shape {shape.n3()} has no sh:targetClass or sh:targetSubjectsOf, the targets "
                            "kg's SHACL engine implements")
        return f"{{ SELECT DISTINCT ?this WHERE {{ {' UNION '.join(alternatives)} }} }}"

    def instances(self, var: str, cls: Node) -> list[str]:
        """Groups that bind ``var`` to the instances of ``cls`` under RDFS entailment."""
        classes = self.entailment.subclasses(cls)
        typed = self.fresh("class")
        groups = [f"{{ {var} a {typed} . {_values(typed, classes)} }}"]
        if domain := self.entailment.typing(classes, RDFS.domain):
            prop = self.fresh("domain")
            groups.append(f"{{ {var} {prop} [] . {_values(prop, domain)} }}")
        if range_ := self.entailment.typing(classes, RDFS.range):
            prop = self.fresh("range")
            groups.append(f"{{ [] {prop} {var} . {_values(prop, range_)} }}")
        return groups

    def membership(self, var: str, classes: Iterable[Node]) -> str:
        """An expression, true when the node in ``var`` is an instance of one of ``classes`` under
        RDFS entailment (never a literal, as SHACL's sh:class says). Cheapest test first (``||``
        stops at the first true one): its types, then the properties it is the subject or object
        of, each looked up by name (a property variable filtered afterwards, or a VALUES list
        inside EXISTS, scans every quad of the node: 20-60× slower on 1,000 articles)."""
        below = sorted({sub for cls in classes for sub in self.entailment.subclasses(cls)})
        typed = self.fresh("class")
        tests = [f"EXISTS {{ {var} a {typed} FILTER({typed} IN ({', '.join(c.n3() for c in below)})) }}"]
        tests += [f"EXISTS {{ {var} {p.n3()} [] }}" for p in self.entailment.typing(below, RDFS.domain)]
        tests += [f"EXISTS {{ [] {p.n3()} {var} }}" for p in self.entailment.typing(below, RDFS.range)]
        return f"!isLiteral({var}) && ({' || '.join(tests)})"

    # ----------------------------------------------------------------------------- paths

    def path_pattern(self, path: Node, subject: str, obj: str) -> str:
        """A group pattern binding ``obj`` to the values of ``path`` at ``subject``. A property
        with sub-properties is a UNION of each by name, not a VALUES list: inside the EXISTS of a
        count or a comparison, Oxigraph joins a VALUES list with every quad of the subject."""
        if isinstance(path, URIRef):
            return " UNION ".join(f"{{ {subject} {p.n3()} {obj} }}" for p in self.entailment.subproperties(path))
        inverse = self.shapes.value(path, SH.inversePath)
        if inverse is not None:
            return self.path_pattern(inverse, obj, subject)
        alternatives = self.shapes.value(path, SH.alternativePath)
        if alternatives is not None:
            return " UNION ".join(f"{{ {self.path_pattern(p, subject, obj)} }}"
                                  for p in Collection(self.shapes, alternatives))
        raise DataError(f"the path {path.n3()} is neither an IRI, an sh:inversePath nor an sh:alternativePath, the "
                        "paths kg's SHACL engine implements")

    # ----------------------------------------------------------------------------- components

    def components(self, node: Node, shape: Node, path: Node | None, focus: str, values: str,
                   severity: URIRef, message: str) -> Iterator[Constraint]:
        """The constraints ``node`` declares: a node shape (``path`` None, its value node is the
        focus node) or a property shape of ``shape`` (its value nodes are those of ``path``)."""

        def constraint(component: URIRef, select: str, where: str, group: str = "", **kwargs) -> Constraint:
            name = SH[f"{_COMPONENT_NAMES[component]}ConstraintComponent"]
            return Constraint(node, path, name, severity, message,
                              f"SELECT {select} WHERE {{ {focus} {where} }} {group}", **kwargs)

        for component, parameter in sorted(self.shapes.predicate_objects(node)):
            if component not in _COMPONENTS:
                continue
            if component in (SH.minCount, SH.maxCount, SH.lessThan) and path is None:
                raise DataError(f"node shape {shape.n3()} uses {component.n3(self.shapes.namespace_manager)}, "
                                "which SHACL allows in property shapes only")
            if component == SH.minCount and int(parameter) == 1:
                yield constraint(component, "?this", f"MINUS {{ {values} }}", has_value=False)
            elif component == SH.minCount:
                yield constraint(component, "?this", f"OPTIONAL {{ {values} }}",
                                 f"GROUP BY ?this HAVING (COUNT(DISTINCT ?value) < {int(parameter)})",
                                 has_value=False)
            elif component == SH.maxCount:
                yield constraint(component, "?this", values,
                                 f"GROUP BY ?this HAVING (COUNT(DISTINCT ?value) > {int(parameter)})",
                                 has_value=False)
            elif component == SH.lessThan:
                other = self.fresh("other")
                yield constraint(component, "DISTINCT ?this ?value",
                                 f"{values} {self.path_pattern(parameter, '?this', other)} "
                                 f"FILTER(!COALESCE(?value < {other}, false))")
            elif component == SH.sparql:
                if path is not None:
                    raise DataError(f"a property shape of {shape.n3()} has an sh:sparql constraint, which kg's "
                                    "SHACL engine implements in node shapes only")
                yield self.sparql(node, parameter, focus, severity)
            elif classes := self.classes_of(component, parameter):
                yield constraint(component, "DISTINCT ?this ?value", f"{values} {self.non_members('?value', classes)}")
            else:
                test = self.value_test(node, component, parameter, "?value")
                yield constraint(component, "DISTINCT ?this ?value", f"{values} FILTER(!({test}))")

    def classes_of(self, component: URIRef, parameter: Node) -> list[Node]:
        """The classes an ``sh:class`` names, or an ``sh:or`` of nothing but ``sh:class`` shapes
        (a node conforms when it is an instance of one of them); otherwise none."""
        if component == SH["class"]:
            return [parameter]
        if component != SH["or"]:
            return []
        members = list(Collection(self.shapes, parameter))
        classes = [self.shapes.value(inner, SH["class"]) for inner in members]
        if all(cls is not None and set(self.shapes.predicates(inner)) - {RDF.type} == {SH["class"]}
               for cls, inner in zip(classes, members)):
            return classes
        return []

    def non_members(self, var: str, classes: list[Node]) -> str:
        """MINUS groups that leave the rows whose ``var`` is no instance of any of ``classes``
        under RDFS entailment: typed so, or the subject or object of a property that types it
        (a literal never is one, as SHACL's sh:class says, whatever a range infers).
        Oxigraph answers each as one lookup of the whole set and a hash anti-join; the same test
        as a FILTER with EXISTS, one lookup a row, took 2-12× longer on 1,000 articles."""
        below = sorted({sub for cls in classes for sub in self.entailment.subclasses(cls)})
        typed = self.fresh("class")
        groups = [f"MINUS {{ {var} a {typed} . {_values(typed, below)} }}"]
        groups += [f"MINUS {{ {var} {p.n3()} [] }}" for p in self.entailment.typing(below, RDFS.domain)]
        groups += [f"MINUS {{ [] {p.n3()} {var} FILTER(!isLiteral({var})) }}"
                   for p in self.entailment.typing(below, RDFS.range)]
        return " ".join(groups)

    def value_test(self, node: Node, component: URIRef, parameter: Node, var: str) -> str:
        """A SPARQL expression, true when the node in ``var`` satisfies the component that the
        shape ``node`` declares with ``parameter``."""
        if component == SH["class"]:
            return self.membership(var, [parameter])
        if component == SH.datatype:
            return _datatype_test(parameter, var)
        if component == SH.nodeKind:
            return _NODE_KINDS[parameter].replace("?v", var)
        if component == SH.minInclusive:
            return f"COALESCE({var} >= {parameter.n3()}, false)"
        if component == SH.languageIn:
            tags = " || ".join(f"LANGMATCHES(LANG({var}), {Literal(str(tag)).n3()})"
                               for tag in Collection(self.shapes, parameter))
            return f"COALESCE(isLiteral({var}) && ({tags or 'false'}), false)"
        if component == SH.pattern:
            flags = self.shapes.value(node, SH.flags, default=Literal(""))
            return f"COALESCE(!isBlank({var}) && REGEX(STR({var}), {parameter.n3()}, {flags.n3()}), false)"
        if component == SH["in"]:
            members = [f"sameTerm({var}, {member.n3()})" for member in Collection(self.shapes, parameter)]
            return " || ".join(members) or "false"
        tests = [self.shape_test(inner, var) for inner in Collection(self.shapes, parameter)]
        if component == SH["or"]:
            return " || ".join(f"({test})" for test in tests) or "false"
        return "(" + " + ".join(f"IF({test}, 1, 0)" for test in tests) + ") = 1"  # sh:xone

    def shape_test(self, inner: Node, var: str) -> str:
        """Whether the node in ``var`` conforms to ``inner``, a shape of value constraints only
        (the members of an ``sh:or`` or ``sh:xone`` list)."""
        tests = []
        for component, parameter in sorted(self.shapes.predicate_objects(inner)):
            if component in _VALUE_COMPONENTS:
                tests.append(f"({self.value_test(inner, component, parameter, var)})")
            elif str(component).startswith(str(SH)) and component not in (SH.message, SH.severity, SH.name):
                name = component.n3(self.shapes.namespace_manager)
                raise DataError(f"a shape in an sh:or or sh:xone list uses {name}, which kg's SHACL engine "
                                "implements only as a constraint of its own")
        return " && ".join(tests) or "true"

    def sparql(self, shape: Node, node: Node, focus: str, severity: URIRef) -> Constraint:
        """An ``sh:SPARQLConstraint``: its SELECT, with ``$this`` bound to every focus node at once
        by the focus group opening its WHERE clause (where pre-binding would bind it one by one;
        the same thing for a query without sub-queries, which see no outer binding)."""
        select = str(self.shapes.value(node, SH.select))
        if re.search(r"\{\s*SELECT", select[where_clause_start(select):], re.IGNORECASE):
            raise DataError(f"the SPARQL constraint of {shape.n3()} has a sub-query, which would not see $this "
                            "bound in kg's SHACL engine")
        prologue = "".join(f"PREFIX {prefix}: <{namespace}>\n" for prefix, namespace in self.prefixes(node))
        at = where_clause_start(select)
        message = str(self.shapes.value(node, SH.message, default=""))
        return Constraint(shape, None, SH.SPARQLConstraintComponent, severity, message,
                          prologue + select[:at] + f" {focus} " + select[at:], templated=True)

    def prefixes(self, node: Node) -> Iterator[tuple[str, str]]:
        """The prefixes ``sh:prefixes`` declares for a SPARQL constraint."""
        for ontology in self.shapes.objects(node, SH.prefixes):
            for declaration in self.shapes.objects(ontology, SH.declare):
                yield str(self.shapes.value(declaration, SH.prefix)), str(self.shapes.value(declaration, SH.namespace))


def _values(var: str, terms: Iterable[Node]) -> str:
    return f"VALUES {var} {{ {' '.join(term.n3() for term in terms)} }}"


def _datatype_test(datatype: Node, var: str) -> str:
    """``var`` is a literal of ``datatype``, and a well-formed one for the datatypes SPARQL can
    cast to (others are compared by IRI only; Oxigraph keeps xsd:nonNegativeInteger values as
    xsd:integer, so no other datatype of the shapes reaches the store)."""
    test = f"DATATYPE({var}) = {datatype.n3()}"
    if datatype in _CHECKED_DATATYPES:
        test += f" && DATATYPE({datatype.n3()}({var})) = {datatype.n3()}"
    return f"COALESCE(isLiteral({var}) && {test}, false)"


def _text(term: ox.NamedNode | ox.BlankNode | ox.Literal | None) -> str:
    """A term in a message: its IRI or lexical form."""
    return "" if term is None else term.value


def compile_shapes(shapes: Graph, ontology: Graph) -> list[Constraint]:
    """Every constraint of ``shapes``, as a query (see the module's documentation)."""
    return list(_Compiler(shapes, Entailment(ontology)).constraints())


def find_violations(store: GraphStore, constraints: Iterable[Constraint],
                    progress: Callable[[int, int, Constraint], None] | None = None) -> list[Violation]:
    """The violations of ``constraints`` in the union of the store's graphs."""
    constraints = list(constraints)
    found: list[Violation] = []
    for number, constraint in enumerate(constraints, 1):
        if progress is not None:
            progress(number, len(constraints), constraint)
        found.extend(constraint.violations(store))
    return found
