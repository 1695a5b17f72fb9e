"""Dates and ranges in each language, at the precision the text states."""

from __future__ import annotations

import pytest

from kg.dates import PartialDate, find_dates
from kg.extractor.figures import parse_number


@pytest.mark.parametrize("text, start, until", [
    ("Op 17 september 2025 vond", PartialDate(2025, 9, 17), None),
    ("(13-16 juli in Beijing)", PartialDate(None, 7, 13), PartialDate(None, 7, 16)),
    ("Published: Jul 11, 2023 10:13 PM", PartialDate(2023, 7, 11), None),
    ("diễn ra ngày 28/11 tại", PartialDate(None, 11, 28), None),
    ("ngày 28 tháng 11 năm 2025", PartialDate(2025, 11, 28), None),
    ("from 12 to 15 July 2023", PartialDate(2023, 7, 12), PartialDate(2023, 7, 15)),
    ("trong tháng 11/2025", PartialDate(2025, 11), None),
    ("Công nghệ18/09/2025", PartialDate(2025, 9, 18), None),
])
def test_dates(text: str, start: PartialDate, until: PartialDate | None) -> None:
    found = find_dates(text)
    assert found and found[0].start == start and found[0].until == until


@pytest.mark.parametrize("text", ["In 2023 bedroeg", "over 6500 enterprises", "version 3.0", "31/02/2024"])
def test_not_dates(text: str) -> None:
    assert find_dates(text) == []


def test_iso_at_stated_precision() -> None:
    assert PartialDate(2023, 7).iso() == "2023-07" and PartialDate(2023).iso() == "2023"
    assert PartialDate(None, 7, 1).iso() is None


@pytest.mark.parametrize("text, language, value", [
    ("34,9", "nl", "34.9"), ("1.000", "vi", "1000"), ("6,500", "en", "6500"), ("3.59", "en", "3.59"),
])
def test_numbers_follow_the_language(text: str, language: str, value: str) -> None:
    assert str(parse_number(text, language)) == value
