"""Figures: amounts and counts stated in the text, with unit, measure, period and subjects.

"34,9 miljard dollar" → 34900000000 USD; "3.59 trillion yuan" → 3590000000000 CNY; "over 6500
direct investment enterprises" → 6500 enterprises. The words are data
(``ontology/patterns/figures.yaml``); the number format follows the article's language
(decimal comma in Dutch and Vietnamese).
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from functools import cache

from kg.datafiles import patterns
from kg.extractor.entities import EntityTable
from kg.extractor.model import Extraction, Figure

_NUMBER = r"\d{1,3}(?:[.,]\d{3})+(?:[.,]\d+)?|\d+(?:[.,]\d+)?"
_YEAR = re.compile(r"(?<!\d)(?:19|20)\d\d(?!\d)")


def _alternatives(words) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


@cache
def _compiled() -> tuple[re.Pattern[str], re.Pattern[str], dict]:
    config = patterns("figures")
    lower = {k.lower(): v for k, v in config["currencies"].items()}
    scales = _alternatives(config["scales"])
    currencies = _alternatives(config["currencies"])
    counted = _alternatives(config["counted"])
    amount = re.compile(
        rf"(?<![\w.,])(?:(?P<sign>{currencies})\s?)?(?P<number>{_NUMBER})(?:\s+(?P<scale>{scales}))?"
        rf"(?:\s+(?P<currency>{currencies})(?!\w))?", re.IGNORECASE)
    count = re.compile(rf"\s+(?:\w+\s+){{0,3}}?(?P<noun>{counted})(?!\w)", re.IGNORECASE)
    return amount, count, {**config, "currencies": lower}


def parse_number(text: str, language: str) -> Decimal | None:
    """"34,9" in Dutch is 34.9; "1.000" in Vietnamese is 1000; "6,500" in English is 6500."""
    config = patterns("figures")
    if language in config["decimal_comma"]:
        text = text.replace(".", "").replace(",", ".")
    else:
        text = text.replace(",", "")
    try:
        return Decimal(text)
    except InvalidOperation:
        return None


def currency_spans(text: str) -> list[tuple[int, int]]:
    """Where currency words stand ("US dollars"): no country is named there."""
    amount, _, _ = _compiled()
    spans = []
    for match in amount.finditer(text):
        for group in ("sign", "currency"):
            if match[group]:
                spans.append(match.span(group))
    return spans


def _plain(value: Decimal) -> Decimal:
    return value.quantize(Decimal(1)) if value == value.to_integral_value() else value.normalize()


def extract_figures(text: str, language: str, extraction: Extraction, table: EntityTable,
                    year: int | None = None) -> list[Figure]:
    """Every amount with a currency and every count of a known noun; ``year`` is the
    publication year, for "this year"."""
    amount, count, config = _compiled()
    scales = {k.lower(): Decimal(str(v)) for k, v in config["scales"].items()}
    measures = {k.lower(): v for k, v in config["measures"].items()}
    counted = {k.lower(): v for k, v in config["counted"].items()}
    this_year = [p.lower() for p in config["this_year"]]
    sentences = table.by_sentence()
    figures = []
    for index, span in enumerate(extraction.sentences):
        sentence = text[span.begin:span.end]
        lowered = sentence.lower()
        for match in amount.finditer(text, span.begin, span.end):
            if _YEAR.fullmatch(match["number"]) and not (match["scale"] or match["currency"] or match["sign"]):
                continue
            value = parse_number(match["number"], language)
            if value is None:
                continue
            unit = (config["currencies"].get((match["currency"] or match["sign"] or "").lower()))
            end = match.end()
            if unit is None:
                noun = count.match(text, match.end(), span.end)
                if not noun:
                    continue
                unit = counted[noun["noun"].lower()]
                end = noun.end()
                measure = unit
            else:
                measure = next((m for word, m in measures.items() if re.search(rf"(?<!\w){re.escape(word)}", lowered)),
                               "amount")
            if match["scale"]:
                value *= scales[match["scale"].lower()]
            if any(m.begin <= match.start() < m.end for m, _ in sentences.get(index, [])):
                continue
            years = _YEAR.findall(sentence)
            period = years[0] if years else None
            if period is None and year and any(p in lowered for p in this_year):
                period = str(year)
            about = tuple(dict.fromkeys(e.key for _, e in sentences.get(index, []) if e.type in ("Country", "Organization")))
            figures.append(Figure(match.start(), end, text[match.start():end].strip(), _plain(value), unit, measure,
                                  period, about, index))
    return figures
