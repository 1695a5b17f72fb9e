"""N-Quads written as text, the form the store's bulk loader reads.

An article yields about a thousand quads. Making a pyoxigraph term object for each of their
parts and serialising them afterwards cost more than the rest of the mapping (≈ 9 ms an
article); formatting the lines directly costs a fraction of that, and the bytes go to the
bulk loader and between processes as they are. Terms are written exactly as Oxigraph writes
them (``str`` of its terms), so IRIs derived from a term's text (a fact's assertion node) do
not change with the way the quads were made, and typed values in the canonical form the store
keeps them in, so files written from these lines hold what the store holds. The fuzz tests
parse everything back and compare it with the store's copy.
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

from kg.vocab import XSD

_ESCAPES = {0x22: '\\"', 0x5C: "\\\\", 0x08: "\\b", 0x09: "\\t", 0x0A: "\\n", 0x0C: "\\f", 0x0D: "\\r"}
_ESCAPES.update({c: f"\\u{c:04X}" for c in [*range(0x20), 0x7F] if c not in _ESCAPES})
_ESCAPE_TABLE = str.maketrans(_ESCAPES)


def iri(value: str) -> str:
    """An IRI term. The caller vouches for the IRI (made by :mod:`kg.mapper.iris`, a lexicon
    entry, or a URL the reader validated)."""
    return f"<{value}>"


def literal(text: str, *, language: str | None = None, datatype: str | None = None) -> str:
    """A literal term: plain, language-tagged, or typed (``datatype`` a full IRI)."""
    quoted = f'"{text.translate(_ESCAPE_TABLE)}"'
    if language:
        return f"{quoted}@{language}"
    if datatype and datatype != XSD + "string":
        return f"{quoted}^^<{datatype}>"
    return quoted


def decimal(value: Decimal) -> str:
    """An ``xsd:decimal`` in its canonical form (``34.9``, ``380``), the form the store keeps."""
    return typed(format(value.normalize(), "f"), "decimal")


def typed(text: str, xsd_name: str) -> str:
    """A literal of an XML Schema datatype, by local name (``integer``, ``gYear`` …)."""
    return literal(text, datatype=XSD + xsd_name)


class QuadLines:
    """The statements of one named graph, gathered in order; their N-Quads lines on demand."""

    def __init__(self, graph: str) -> None:
        self._tail = f" <{graph}> .\n"
        self.triples: list[tuple[str, str, str]] = []
        """``(subject, predicate, object)`` terms in the order added: the export blocks are
        written from them (:func:`kg.export.article_blocks`) without parsing the lines again."""

    def add(self, subject: str, predicate: str, obj: str) -> None:
        """Add ``subject predicate obj`` (terms as made by :func:`iri`, :func:`literal`)."""
        self.triples.append((subject, predicate, obj))

    def text(self) -> str:
        tail = self._tail
        return "".join([f"{s} {p} {o}{tail}" for s, p, o in self.triples])


def statements(nquads: str) -> Iterator[tuple[str, str, str, str]]:
    """``(subject, predicate, object, graph)`` terms of N-Quads lines as Oxigraph or
    :class:`QuadLines` write them (single spaces, every quad in a named graph). Subject,
    predicate and graph are IRIs or blank nodes, which hold no space; the object is the rest."""
    for line in nquads.splitlines():
        if line:
            body, graph, _ = line.rsplit(" ", 2)
            subject, predicate, obj = body.split(" ", 2)
            yield subject, predicate, obj, graph
