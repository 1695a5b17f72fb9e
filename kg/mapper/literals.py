"""Dates as typed literals, as precise as the text was."""

from __future__ import annotations

from datetime import date

import pyoxigraph as ox

from kg.dates import PartialDate
from kg.vocab import XSD

_XSD = {name: ox.NamedNode(XSD + name) for name in ("date", "gYearMonth", "gYear")}


def date_literal(value: PartialDate | date) -> ox.Literal:
    """``xsd:date``, ``xsd:gYearMonth`` or ``xsd:gYear``, as precise as the text was."""
    if isinstance(value, date):
        return ox.Literal(value.isoformat(), datatype=_XSD["date"])
    iso = value.iso()
    if iso is None:
        raise ValueError("a date without a year cannot be written")
    kind = {10: "date", 7: "gYearMonth", 4: "gYear"}[len(iso)]
    return ox.Literal(iso, datatype=_XSD[kind])

