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
from kg.dates import first_chars, ignore_case_trie
from kg.extractor.entities import EntityTable
from kg.extractor.model import Extraction, Figure
from kg.extractor.sentences import matches_by_sentence

_NUMBER = r"\d{1,3}(?:[.,]\d{3})+(?:[.,]\d+)?|\d+(?:[.,]\d+)?"
_YEAR = re.compile(r"(?<!\d)(?:19|20)\d\d(?!\d)")


def _alternatives(words) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


@cache
def _tables() -> tuple[dict, dict, dict, list[str], list[tuple[re.Pattern[str], str]]]:
    """The word tables of ``figures.yaml`` as :func:`extract_figures` reads them: scales,
    measures and counted nouns by lower-case word, this-year phrases, and a pattern per measure
    word (in the file's order: the first found wins)."""
    config = patterns("figures")
    scales = {k.lower(): Decimal(str(v)) for k, v in config["scales"].items()}
    measures = {k.lower(): v for k, v in config["measures"].items()}
    counted = {k.lower(): v for k, v in config["counted"].items()}
    this_year = [p.lower() for p in config["this_year"]]
    measure_patterns = [(re.compile(rf"(?<!\w){re.escape(word)}"), m) for word, m in measures.items()]
    return scales, measures, counted, this_year, measure_patterns


@cache
def _decimal_comma() -> frozenset[str]:
    return frozenset(patterns("figures")["decimal_comma"])


@cache
def _compiled() -> tuple[re.Pattern[str], re.Pattern[str], dict]:
    config = patterns("figures")
    lower = {k.lower(): v for k, v in config["currencies"].items()}
    scales = ignore_case_trie(config["scales"]) or _alternatives(config["scales"])
    currencies = ignore_case_trie(config["currencies"]) or _alternatives(config["currencies"])
    counted = _alternatives(config["counted"])
    # An amount starts with a currency sign or a digit: the look-ahead changes no match and
    # spares the engine the rest of the pattern at every other position.
    starts = first_chars(config["currencies"]) + r"\d"
    amount = re.compile(
        rf"(?=[{starts}])(?<![\w.,])(?:(?P<sign>{currencies})\s?)?(?P<number>{_NUMBER})(?:\s+(?P<scale>{scales}))?"
        rf"(?:\s+(?P<currency>{currencies})(?!\w))?", re.IGNORECASE)
    count = re.compile(rf"\s+(?:\w+\s+){{0,3}}?(?P<noun>{counted})(?!\w)", re.IGNORECASE)
    return amount, count, {**config, "currencies": lower}


def parse_number(text: str, language: str) -> Decimal | None:
    """"34,9" in Dutch is 34.9; "1.000" in Vietnamese is 1000; "6,500" in English is 6500."""
    if language in _decimal_comma():
        text = text.replace(".", "").replace(",", ".")
    else:
        text = text.replace(",", "")
    try:
        return Decimal(text)
    except InvalidOperation:
        return None


def amounts(text: str) -> list[re.Match[str]]:
    """Every amount pattern match in ``text`` (what :func:`currency_spans` and
    :func:`extract_figures` read)."""
    return list(_compiled()[0].finditer(text))


def currency_spans(text: str, matches: list[re.Match[str]] | None = None) -> list[tuple[int, int]]:
    """Where currency words stand ("US dollars"): no country is named there. ``matches`` are
    :func:`amounts` of ``text``, when the caller has them."""
    spans = []
    for match in amounts(text) if matches is None else matches:
        for group in ("sign", "currency"):
            if match[group]:
                spans.append(match.span(group))
    return spans


def _plain(value: Decimal) -> Decimal:
    return value.quantize(Decimal(1)) if value == value.to_integral_value() else value.normalize()


def extract_figures(text: str, language: str, extraction: Extraction, table: EntityTable,
                    year: int | None = None, matches: list[re.Match[str]] | None = None) -> list[Figure]:
    """Every amount with a currency and every count of a known noun; ``year`` is the
    publication year, for "this year"; ``matches`` are :func:`amounts` of ``text``, when the
    caller has them."""
    amount, count, config = _compiled()
    scales, _, counted, this_year, measure_patterns = _tables()
    sentences = table.by_sentence()
    by_sentence = matches_by_sentence(amount, text, extraction.sentences, matches)
    figures = []
    for index, span in enumerate(extraction.sentences):
        sentence = lowered = None
        for match in by_sentence[index]:
            if _YEAR.fullmatch(match["number"]) and not (match["scale"] or match["currency"] or match["sign"]):
                continue
            if sentence is None:
                sentence = text[span.begin:span.end]
                lowered = sentence.lower()
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
                measure = next((m for pattern, m in measure_patterns if pattern.search(lowered)), "amount")
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
