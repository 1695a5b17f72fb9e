"""Detecting the language of an article body.

lingua is accurate on short news text but costs ~1 GB and seconds to build for all
languages, so the detector is built once for the languages of the region's press only; a text
in none of them comes back as the closest of those or ``und`` when confidence is low.
"""

from __future__ import annotations

from functools import cache

from lingua import IsoCode639_1, Language, LanguageDetectorBuilder

from kg.datafiles import patterns

_SAMPLE_CHARS = 1000
"""About 150 words, plenty to tell these languages apart: on 305 articles (the seeds and generated
ones) 1,000 characters gave the same language as 3,000 in 0.5 ms instead of 1.4 ms an article."""


@cache
def _detector():
    codes = patterns("languages")["detect"]
    languages = [Language.from_iso_code_639_1(getattr(IsoCode639_1, code.upper())) for code in codes]
    return LanguageDetectorBuilder.from_languages(*languages).with_minimum_relative_distance(0.05).build()


def detect_language(text: str) -> str:
    """ISO 639-1 code of the language ``text`` is written in, or ``und``."""
    sample = text[:_SAMPLE_CHARS]
    if not any(ch.isalpha() for ch in sample):
        return "und"
    language = _detector().detect_language_of(sample)
    return language.iso_code_639_1.name.lower() if language else "und"
