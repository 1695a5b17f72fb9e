"""Typed literals for the values facts carry (dates at their precision, integers, roles)."""

from __future__ import annotations

from datetime import date

import pyoxigraph as ox

from kg.dates import PartialDate
from kg.vocab import XSD

_XSD = {name: ox.NamedNode(XSD + name) for name in
        ("date", "gYearMonth", "gYear", "integer", "nonNegativeInteger", "decimal", "string", "anyURI")}


def xsd(name: str) -> ox.NamedNode:
    return _XSD.get(name) or ox.NamedNode(XSD + name)


def date_literal(value: PartialDate | date) -> ox.Literal:
    """``xsd:date``, ``xsd:gYearMonth`` or ``xsd:gYear``, as precise as the text was."""
    if isinstance(value, date):
        return ox.Literal(value.isoformat(), datatype=_XSD["date"])
    iso = value.iso()
    if iso is None:
        raise ValueError("a date without a year cannot be written")
    kind = {10: "date", 7: "gYearMonth", 4: "gYear"}[len(iso)]
    return ox.Literal(iso, datatype=_XSD[kind])


def integer(value: int, *, non_negative: bool = False) -> ox.Literal:
    return ox.Literal(str(value), datatype=_XSD["nonNegativeInteger" if non_negative else "integer"])
