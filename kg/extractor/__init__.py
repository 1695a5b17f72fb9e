"""Extract: an :class:`Article` → an :class:`Extraction` (entities, facts, figures).

Stands on reference data and patterns, not on a statistical model (none exists offline for
Dutch or Vietnamese): the lexicon finds what is known, per-language recognisers
(``ontology/patterns/<lang>.yaml``) find new forums, agreements, organisations and people,
and relation rules read the facts stated within a sentence.
"""

from __future__ import annotations

import bisect
from functools import cache

from kg.datafiles import patterns
from kg.extractor.candidates import Candidate, resolve_overlaps
from kg.extractor.entities import EntityTable
from kg.extractor.facts import extract_facts
from kg.extractor.figures import amounts, currency_spans, extract_figures
from kg.extractor.matcher import LexiconMatcher
from kg.extractor.model import Extraction
from kg.extractor.normalise import FoldedText
from kg.extractor.recognisers import recognise
from kg.extractor.sentences import split_sentences
from kg.lexicon import load_lexicon
from kg.reader import Article

__all__ = ["extract", "Extraction"]


@cache
def _matcher() -> LexiconMatcher:
    return LexiconMatcher(load_lexicon())


@cache
def supported_languages() -> tuple[str, ...]:
    return tuple(patterns("languages")["extract"])


def _nested_names(chosen: list[Candidate], candidates: list[Candidate]) -> dict[tuple[int, int], list[Candidate]]:
    """Lexicon names inside a chosen longer name ("China" in "China-US … Agreement")."""
    nested: dict[tuple[int, int], list[Candidate]] = {}
    kept = {id(c) for c in chosen}
    known = sorted((c for c in candidates if c.key and id(c) not in kept), key=lambda c: c.begin)
    starts = [c.begin for c in known]
    for outer in chosen:
        first = bisect.bisect_left(starts, outer.begin)
        last = bisect.bisect_left(starts, outer.end)
        inner = [c for c in known[first:last] if c.end <= outer.end and c.length < outer.length]
        if inner:
            nested[(outer.begin, outer.end)] = inner
    return nested


def extract(article: Article) -> Extraction:
    """Find the entities and facts that ``article`` states."""
    text = article.body
    extraction = Extraction(sentences=split_sentences(text))
    lexicon = load_lexicon()
    folded = FoldedText(text)
    candidates = [Candidate.from_hit(hit, lexicon) for hit in _matcher().find(text, folded)]
    language = article.language
    supported = language in supported_languages()
    if supported:
        candidates += recognise(text, language, extraction.sentences)
    else:
        extraction.warnings.append(
            f"{article.path}: language {language!r} has no extraction patterns; only lexicon names are extracted")
    amount_matches = amounts(text)
    money = currency_spans(text, amount_matches)
    chosen = resolve_overlaps(candidates)
    if money:
        low, high = min(b for b, _ in money), max(e for _, e in money)
        chosen = [c for c in chosen
                  if c.begin < low or c.end > high or not any(b <= c.begin and c.end <= e for b, e in money)]
    table = EntityTable(text, extraction, lexicon, article.language, article.stem)
    table.nested = _nested_names(chosen, candidates)
    table.add_all(chosen)
    table.link_aliases(folded)
    table.merge_coreferent()
    if supported:
        extract_facts(text, language, extraction, table)
        extraction.figures.extend(extract_figures(text, language, extraction, table,
                                                  article.published.year if article.published else None,
                                                  amount_matches))
    table.finish()
    return extraction
