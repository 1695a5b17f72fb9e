"""Recognisers for names no lexicon holds, driven by ``ontology/patterns/<lang>.yaml``.

* Capitalised names classified by their head word: "… Expo", "… Agreement", "Ministry of …",
  "… University" (English and Dutch put the head last or first; Vietnamese first:
  "Diễn đàn …", "Bộ …", "Nghị định thư …").
* Editions: an ordinal before a forum's name ("22e", "43rd", "eerste", "lần thứ 22"); a
  recurring forum the lexicon knows becomes the series of the edition.
* People introduced by a title or role ("vicepremier Mai Van Chinh", "Tổng Thư ký … Sử Trung
  Tuấn", "Li Xingyu, Executive Director of …"), an honorific, a photo credit or a byline.
* Unnamed events introduced as such ("een rondetafelconferentie", "a high-level forum").
"""

from __future__ import annotations

import re
from functools import cache

from kg.dates import calendar_words
from kg.datafiles import patterns
from kg.extractor.candidates import Candidate
from kg.extractor.model import Span
from kg.extractor.normalise import fold
from kg.extractor.tokens import (LanguagePatterns, Token, _phrase_words, language, phrase_at, phrase_hits, phrase_in,
                                 starters, tokenize)
from kg.lexicon import load_lexicon
from kg.vocab import top_type_of

_ORDINAL_EN = {1: "st", 2: "nd", 3: "rd"}
_BRACKET_AFTER = re.compile(r"\s*\([^()\n]{1,24}\)")
"""A bracketed aside right after a name: its acronym, "(CAEXPO)"."""


def english_ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else _ORDINAL_EN.get(n % 10, "th")
    return f"{n}{suffix}"


@cache
def _series_by_label() -> dict[str, str]:
    """Folded label → IRI of every recurring forum (ForumSeries) in the lexicon."""
    table = {}
    for entry in load_lexicon().entries.values():
        if entry.is_series:
            for label in entry.labels:
                if label.kind != "demonym":
                    table.setdefault(fold(label.text), entry.iri)
    return table


@cache
def _surnames(code: str) -> frozenset[str]:
    own = language(code).data.get("surnames") or []
    return frozenset([*patterns("names")["surnames"], *own])


@cache
def _demonyms() -> dict[str, str]:
    """Demonym (as written) → country IRI."""
    table = {}
    for entry in load_lexicon().entries.values():
        for label in entry.labels:
            if label.kind == "demonym":
                table.setdefault(label.text, entry.iri)
    return table


class _Tables:
    """The word sets, indexes and patterns of one language the recognisers use at every token,
    built once from its :class:`LanguagePatterns`."""

    def __init__(self, lang: LanguagePatterns) -> None:
        self.connectors = frozenset(lang.words("connectors"))
        self.run_connectors = self.connectors | {"-", "&", "'s", "’s"}
        self.stop_words = frozenset(lang.words("stop_words"))
        self.ordinal = re.compile(lang.get("ordinal_suffix", r"(\d+)(?:st|nd|rd|th)"))
        self._ordinals: dict[str, bool] = {}
        self.ordinal_words = {w.casefold(): n for w, n in (lang.get("ordinal_words") or {}).items()}
        self.finals = lang.heads("final")
        self.initials = lang.heads("initial")
        self.final_index = starters(self.finals)
        self.initial_index = starters(self.initials)
        self.medial = frozenset((lang.get("heads") or {}).get("medial", []))
        self.titles = lang.merged("titles")
        self.title_index = starters(self.titles)
        self.titles_fold_case = bool(lang.get("titles_lowercase_ok"))
        self.name_heads = frozenset(self.finals) | {h for h in self.initials if " " not in h}
        # Vietnamese head-first names
        self.descriptors = frozenset(lang.get("head_descriptors") or [])
        self.own_stops = frozenset(lang.get("stop_words") or [])
        self.hard = frozenset(lang.get("hard_stops") or [])
        # with the spaces before it, so that it matches right where a name ends
        self.ordinal_after = re.compile(r"\s*(?:" + lang.get("ordinal_after") + ")" if lang.get("ordinal_after") else r"$^")
        # places, events
        self.place_intro = lang.get("place_intro") or {}
        self.place_lists = lang.get("place_lists") or {}
        self.place_starters = frozenset(starters(self.place_intro)) | frozenset(starters(self.place_lists))
        self.event_nouns = lang.get("event_nouns") or {}
        self.indefinite = frozenset(lang.get("indefinite") or [])
        self.event_modifiers = frozenset(lang.get("event_modifiers") or [])
        self.lower_heads = lang.get("lower_heads") or {}
        self.quoted_after = _words_pattern(tuple(lang.get("quoted_after") or []))
        self.quoted_before = _words_pattern(tuple(lang.get("quoted_before") or []))
        self.quoted_possessive = tuple((lang.get("fact_cues") or {}).get("possessive") or [])
        # every word of some place phrase (case-folded) must be in a sentence for a place to be introduced
        self.place_phrase_words = [frozenset(w.casefold() for w in _phrase_words(p))
                                   for p in [*self.place_intro, *self.place_lists]]
        # capitalised names need a head word written as in the patterns
        self.head_words = (frozenset(words[0] for entries in self.final_index.values() for words, _, _ in entries)
                           | frozenset(words[0] for entries in self.initial_index.values() for words, _, _ in entries)
                           | self.medial)
        # The case-folded words without one of which a recogniser finds nothing in a sentence.
        self.title_starters = frozenset(self.title_index)
        self.head_starters = frozenset(self.initial_index)
        self.honorific_starters = frozenset(starters(lang.words("honorifics")))
        self.credit_starters = frozenset(starters(lang.words("credits")))
        self.lower_head_words = frozenset(h.casefold() for h in self.lower_heads)

    def is_ordinal(self, word: str) -> bool:
        """Whether ``word`` is an ordinal ("22nd"): the suffix pattern matches it whole (kept per word)."""
        known = self._ordinals.get(word)
        if known is None:
            if len(self._ordinals) >= 100_000:
                self._ordinals.clear()
            known = self._ordinals[word] = self.ordinal.fullmatch(word) is not None
        return known


def _tables(lang: LanguagePatterns) -> _Tables:
    tables = lang._memo.get("recogniser tables")
    if tables is None:
        tables = lang._memo["recogniser tables"] = _Tables(lang)
    return tables


def recognise(text: str, code: str, sentences: list[Span]) -> list[Candidate]:
    """Candidates for new names in ``text`` written in language ``code``."""
    lang = language(code)
    tables = _tables(lang)
    found: list[Candidate] = []
    for span in sentences:
        tokens = tokenize(text, span.begin, span.end)
        if not tokens:
            continue
        # The sentence's words, case-folded: a recogniser whose cue words are all missing is
        # not run (it would find nothing).
        words = {t.folded for t in tokens}
        found += _persons(text, tokens, lang, span, words)
        if code == "vi":
            if not words.isdisjoint(tables.head_starters):
                found += _head_initial_vi(text, tokens, lang)
        else:
            if not tables.head_words.isdisjoint([t.text for t in tokens]):
                found += _capitalised_names(text, tokens, lang)
            if not words.isdisjoint(tables.lower_head_words):
                found += _lower_head_names(text, tokens, lang)
        if not words.isdisjoint(tables.indefinite):
            found += _unnamed_events(text, tokens, lang)
        found += _quoted_policies(text, span, lang)
        if not words.isdisjoint(tables.place_starters) and any(phrase <= words for phrase in tables.place_phrase_words):
            found += _introduced_places(text, tokens, lang)
    return _cut_before_persons(text, found)


def _cut_before_persons(text: str, found: list[Candidate]) -> list[Candidate]:
    """A name that runs on into a person's name ("Trung tâm … Sử Trung Tuấn") ends before it."""
    persons = [c for c in found if c.type == "Person"]
    for cand in found:
        if cand.type == "Person":
            continue
        for person in persons:
            if cand.begin < person.begin < cand.end <= person.end:
                end = person.begin
                while end > cand.begin and not text[end - 1].isalnum():
                    end -= 1
                if cand.name == text[cand.begin:cand.end]:
                    cand.name = text[cand.begin:end]
                cand.end = end
    return [c for c in found if c.end > c.begin]


# -- capitalised names (English, Dutch) -------------------------------------------------------
def _cap_runs(tokens: list[Token], lang: LanguagePatterns) -> list[tuple[int, int]]:
    """(first, last) token indexes of capitalised runs joined by connectors."""
    tables = _tables(lang)
    connectors = tables.run_connectors
    runs = []
    i, n = 0, len(tokens)
    is_ordinal = tables.is_ordinal
    calendar = calendar_words()
    while i < n:
        tok = tokens[i]
        if not (tok.is_cap and tok.is_word) or is_ordinal(tok.text):
            i += 1
            continue
        j, last = i + 1, i
        while j < n:
            tok = tokens[j]
            if tok.is_word and tok.is_cap and tok.folded in calendar:
                break
            if tok.is_word and tok.is_cap and tok.begin - tokens[j - 1].end <= 1:
                last = j
            elif tok.text in _ANDS and (_starts_name(tokens, j + 1, lang) or
                                        (j + 1 < n and tokens[j + 1].text in ("the", "de", "het"))):
                break
            elif tok.text in connectors or tok.text == ".":
                if tok.text == "." and not tokens[j - 1].text[-1:].isdigit():
                    break
            elif tok.text == "," and _comma_continues(tokens, j, lang):
                pass
            else:
                break
            j += 1
        runs.append((i, last))
        i = last + 1
    return runs


_ANDS = {"and", "en", "và"}


def _starts_name(tokens: list[Token], k: int, lang: LanguagePatterns) -> bool:
    """Whether a new head-first name ("Wet op …", "the Law on …") starts at token ``k``."""
    while k < len(tokens) and tokens[k].text in ("de", "het", "the"):
        k += 1
    return k < len(tokens) and bool(phrase_in(tokens, k, _tables(lang).initial_index))


def _comma_continues(tokens: list[Token], j: int, lang: LanguagePatterns) -> bool:
    """A comma inside a name: "Co., Ltd." or a list closed by "and" ("Science, Technology and Innovation")."""
    if j + 1 >= len(tokens) or not tokens[j + 1].is_cap:
        return False
    if tokens[j + 1].text in ("Ltd.", "Inc.", "JSC", "Ltd"):
        return True
    ands = {"and", "en", "và"}
    for k in range(j + 1, min(len(tokens) - 1, j + 6)):
        if tokens[k].text in ands:
            return tokens[k + 1].is_cap
        if not tokens[k].is_cap and tokens[k].text != ",":
            return False
    return False


def _ordinal_before(tokens: list[Token], i: int, lang: LanguagePatterns) -> tuple[int, int] | None:
    """(edition, token index) of an ordinal just before token ``i``."""
    tables = _tables(lang)
    words = tables.ordinal_words
    for back in (1, 2):
        k = i - back
        if k < 0:
            return None
        word = tokens[k].text
        if word.casefold() in words:
            return words[word.casefold()], k
        match = tables.ordinal.fullmatch(word)
        if match:
            return int(match.group(1)), k
        if word.casefold() not in {"the", "de", "het"}:
            return None
    return None


_COMPLEMENTS = frozenset({"of", "van", "on", "for", "voor", "op"})


def _classify(tokens: list[Token], first: int, last: int, lang: LanguagePatterns) -> tuple[str, int, int] | None:
    """(class, first, last) when the run names a thing by its head word."""
    tables = _tables(lang)
    finals, final_index = tables.finals, tables.final_index
    complements = _COMPLEMENTS
    for k in range(last, first - 1, -1):  # head-final ("… University"), or head + complement ("… University of X")
        hit = phrase_in(tokens, k, final_index) if tokens[k].folded in final_index else None
        if hit and (k + hit[1] - 1 == last or (k + hit[1] <= last and tokens[k + hit[1]].text in complements)):
            return finals[hit[0]], first, last
    initials = tables.initials
    hit = phrase_in(tokens, first, tables.initial_index)
    if hit and first + hit[1] <= last:
        return initials[hit[0]], first, last
    hit = phrase_in(tokens, first, final_index)
    if hit and hit[1] == last - first + 1 and tokens[first].text in ("Wet", "Law"):
        return finals[hit[0]], first, last
    medial = tables.medial
    for k in range(first, last + 1):
        if tokens[k].text in medial and k < last:
            return finals.get(tokens[k].text) or initials.get(tokens[k].text + " voor") or "BusinessAssociation", first, last
    return None


def _split_of_chain(tokens: list[Token], first: int, last: int, lang: LanguagePatterns) -> list[tuple[int, int]]:
    """Split "A Center of the B Chamber of Commerce" into organisations at "of (the)"."""
    tables = _tables(lang)
    final_index, initial_index, title_index = tables.final_index, tables.initial_index, tables.title_index
    pieces: list[tuple[int, int]] = []
    start = first
    k = first
    while k <= last:
        if tokens[k].text in ("of", "van") and k > start:
            end = k - 1
            nxt = k + 1
            while nxt <= last and tokens[nxt].text in ("the", "de", "het"):
                nxt += 1
            pieces.append((start, end))
            start = nxt
            k = nxt
            continue
        k += 1
    pieces.append((start, last))

    def has_head(a: int, b: int) -> bool:
        if (hit := phrase_in(tokens, a, initial_index)) and a + hit[1] <= b:
            return True
        # a head ending the piece, or a head of several words cut by the split
        # ("Memorandum | Understanding on …")
        for j in range(a, b + 1):
            if tokens[j].folded not in final_index:
                continue
            hit = phrase_in(tokens, j, final_index)
            if hit and j + hit[1] - 1 >= b:
                return True
        return False

    merged: list[tuple[int, int]] = []
    k = 0
    while k < len(pieces):
        a, b = pieces[k]
        title = phrase_in(tokens, a, title_index, True)
        if title and title[1] == b - a + 1:
            k += 1
            continue
        if not has_head(a, b):
            if k + 1 < len(pieces) and has_head(a, pieces[k + 1][1]) and not has_head(*pieces[k + 1]):
                merged.append((a, pieces[k + 1][1]))
                k += 2
                continue
            if merged:
                merged[-1] = (merged[-1][0], b)
            k += 1
            continue
        merged.append((a, b))
        k += 1
    return merged


def _trim_stop(tokens: list[Token], first: int, last: int, lang: LanguagePatterns) -> int:
    tables = _tables(lang)
    stops, connectors, ordinal = tables.stop_words, tables.connectors, tables.is_ordinal
    while first <= last and (tokens[first].text in stops or tokens[first].text in connectors
                             or ordinal(tokens[first].text)):
        first += 1
    return first


def _capitalised_names(text: str, tokens: list[Token], lang: LanguagePatterns) -> list[Candidate]:
    """Capitalised runs split at "of (the)" into the names they chain, each classified by its head."""
    tops = top_type_of()
    found = []
    for first, last in _cap_runs(tokens, lang):
        first = _trim_stop(tokens, first, last, lang)
        if first > last:
            continue
        for a, b in _split_of_chain(tokens, first, last, lang):
            kind = _classify(tokens, a, b, lang)
            if kind is None:
                continue
            cls = kind[0]
            type_ = "Place" if cls == "Site" else tops.get(cls)
            if type_ is None or (b == a and type_ != "Organization"):
                continue
            begin, end = tokens[a].begin, tokens[b].end
            cand = Candidate(begin, end, type_, cls, text[begin:end], how="pattern:name", priority=1)
            if type_ == "Forum":
                _edition(text, tokens, a, lang, cand)
            found.append(cand)
    return found


def _edition(text: str, tokens: list[Token], first: int, lang: LanguagePatterns, cand: Candidate) -> None:
    """Attach an ordinal before the name ("the 7th …", "de 3e …") and the series the lexicon knows."""
    ordinal = _ordinal_before(tokens, first, lang)
    if ordinal:
        cand.begin = tokens[ordinal[1]].begin
    _name_edition(cand, ordinal[0] if ordinal else None)


def _name_edition(cand: Candidate, edition: int | None, written: str | None = None) -> None:
    """Name a forum (``cand.name`` still without its ordinal) by its edition, so that editions
    stay apart: with the series' English name when the lexicon knows the series, which is the
    same in every language ("21st China-ASEAN Expo"), else ``written``, the name with its
    ordinal as the text writes it (by default the English ordinal before the name). A known
    series without an ordinal is the series itself."""
    series = _series_by_label().get(fold(cand.name))
    entry = load_lexicon().entries[series] if series else None
    if entry:
        cand.attrs["series"] = series
        cand.cls = entry.cls
    if edition is not None:
        cand.attrs["edition"] = edition
        cand.name = f"{english_ordinal(edition)} {entry.name}" if entry else \
            written or f"{english_ordinal(edition)} {cand.name}"
    elif entry:
        cand.key = series
        cand.name = entry.name


def _lower_head_names(text: str, tokens: list[Token], lang: LanguagePatterns) -> list[Candidate]:
    """"de Vietnamese regering", "het Vietnamese ministerie van Wetenschap en Technologie"."""
    heads = _tables(lang).lower_heads
    demonyms = _demonyms()
    tops = top_type_of()
    found = []
    articles = {"de", "het", "the", "De", "Het", "The"}
    for i, tok in enumerate(tokens):
        if tok.text not in heads or i == 0:
            continue
        if tokens[i - 1].text in demonyms:
            first = i - 1
        elif tokens[i - 1].text in articles and i + 2 < len(tokens) and tokens[i + 1].text in ("van", "of") \
                and tokens[i + 2].is_cap:
            first = i
        else:
            continue
        last = i
        if i + 2 < len(tokens) and tokens[i + 1].text in ("van", "of") and tokens[i + 2].is_cap:
            runs = [r for r in _cap_runs(tokens[i + 2:], lang)]
            if runs and runs[0][0] == 0:
                last = i + 2 + runs[0][1]
        cls = heads[tok.text]
        begin, end = tokens[first].begin, tokens[last].end
        found.append(Candidate(begin, end, tops[cls], cls, text[begin:end], how="pattern:demonym-head", priority=1))
    return found


# -- Vietnamese: head first ---------------------------------------------------------------
def _head_initial_vi(text: str, tokens: list[Token], lang: LanguagePatterns) -> list[Candidate]:
    tables = _tables(lang)
    heads, head_index = tables.initials, tables.initial_index
    descriptors = tables.descriptors
    stops = tables.own_stops
    hard = tables.hard
    title_index = tables.title_index
    ordinal_after = tables.ordinal_after
    tops = top_type_of()
    found = []
    i = 0
    while i < len(tokens):
        folded = tokens[i].folded
        hit = phrase_in(tokens, i, head_index) if folded in head_index else None
        title = phrase_in(tokens, i, title_index) if folded in title_index else None
        if title and (not hit or title[1] >= hit[1]):
            i += title[1]
            continue
        if not hit or not tokens[i].is_cap:
            i += 1
            continue
        cls = heads[hit[0]]
        j = i + hit[1]
        while j < len(tokens) and tokens[j].text in descriptors and not tokens[j].is_cap:
            j += 1
        last = None
        k = j
        while k < len(tokens):
            tok = tokens[k]
            if ordinal_after.match(text, tok.begin):
                break
            if tok.is_cap and tok.is_word:
                if k > j and phrase_in(tokens, k, head_index) and tokens[k - 1].text == "và":
                    break
                last = k
            elif tok.text == "-" or tok.text == "–":
                pass
            elif tok.text == "và" and k + 1 < len(tokens) and tokens[k + 1].is_cap and not phrase_in(tokens, k + 1, head_index):
                pass
            elif tok.is_word and not tok.is_cap and last is not None and k - last <= 6 and tok.text not in hard \
                    and not (tok.text in stops and tokens[k - 1].is_cap):
                pass
            elif tok.is_word and not tok.is_cap and tok.text in descriptors and last is None:
                pass
            else:
                break
            k += 1
        if last is None:
            i += 1
            continue
        last = _vi_word_end(tokens, last, k, stops | hard)
        begin, end = tokens[i].begin, tokens[last].end
        cand = Candidate(begin, end, tops[cls], cls, text[begin:end], how="pattern:vi-head", priority=1)
        if tops[cls] == "Forum":
            # "… lần thứ 5": the ordinal follows the name, and is part of the edition's name;
            # an acronym may stand between ("… (CAEXPO) lần thứ 21") and stays its own mention
            m = ordinal_after.match(text, end, end + 30)
            if not m and (bracket := _BRACKET_AFTER.match(text, end)):
                m = ordinal_after.match(text, bracket.end(), bracket.end() + 30)
            if m and m.group(1) and m.start() > end:
                _name_edition(cand, int(m.group(1)), f"{text[begin:end]} {m.group(0).strip()}")
                cand.priority = 3  # the edition, over the series the lexicon finds in the same span
            elif m and m.group(1):
                cand.end = m.end()
                _name_edition(cand, int(m.group(1)), text[begin:cand.end])
            elif m:  # "… lần đầu tiên": held for the first time, said of the name as it is
                cand.attrs["edition"] = 1
        found.append(cand)
        i = last + 1
    return found


def _vi_word_end(tokens: list[Token], last: int, limit: int, stops: set[str]) -> int:
    """Vietnamese words have several syllables and only the first is capitalised ("Kinh tế
    số"): a name ends after the lower-case syllables that follow its last capital, up to a
    function word."""
    k = last
    while k + 1 < min(limit, last + 4) and tokens[k + 1].is_word and not tokens[k + 1].is_cap \
            and tokens[k + 1].text not in stops:
        k += 1
    return k


# -- places introduced as such -----------------------------------------------------------------
def _introduced_places(text: str, tokens: list[Token], lang: LanguagePatterns) -> list[Candidate]:
    """"the province of Tsim Chuk Bun", "port cities such as Jugang and Malacca", "tỉnh X"."""
    found = []
    tables = _tables(lang)
    intro = tables.place_intro
    lists = tables.place_lists
    first_words = tables.place_starters
    for i in range(len(tokens)):
        if tokens[i].folded not in first_words:
            continue
        for table, many in ((lists, True), (intro, False)):
            hit = phrase_at(tokens, i, table, fold_case=True)
            if not hit:
                continue
            k = i + hit[1]
            while k < len(tokens):
                last = _cap_name_after(tokens, k, lang)
                if last is None:
                    break
                begin, end = tokens[k].begin, tokens[last].end
                found.append(Candidate(begin, end, "Place", table[hit[0]], text[begin:end],
                                       how="pattern:place", priority=0))
                k = last + 1
                if not many or k >= len(tokens) or tokens[k].text not in {",", "and", "en", "và"}:
                    break
                k += 1
            break
    return found


# -- quoted policy names ------------------------------------------------------------------------
_QUOTE_MARK = re.compile(r"[\"“'‘]")
_QUOTED = re.compile(r"(?:[\"“]|(?<!\w)['‘])\s?(?P<name>(?:[^\"“”‘’'\n]|(?<=\w)'(?=\w)){2,60}?)\s?(?:[\"”]|['’](?!\w))")


def _quoted_policies(text: str, span: Span, lang: LanguagePatterns) -> list[Candidate]:
    """A quoted phrase presented as a policy: after a possessive ("Vietnam's 'two corridors and
    one circle'"), before a word like "concept"/"strategy", or after "het beleid van"."""
    if not _QUOTE_MARK.search(text, span.begin, span.end):
        return []  # every quoted phrase opens with one of these
    tables = _tables(lang)
    after, before, possessive = tables.quoted_after, tables.quoted_before, tables.quoted_possessive
    found = []
    for match in _QUOTED.finditer(text, span.begin, span.end):
        name = match["name"].strip(" .,;:")
        words = name.split()
        if not 1 <= len(words) <= 6 or name.endswith(("?", "!")):
            continue
        prefix = text[max(span.begin, match.start() - 25):match.start()].rstrip()
        suffix = text[match.end():match.end() + 20]
        policy = (any(prefix.endswith(p) for p in possessive if p.startswith(("'", "’")))
                  or (after is not None and after.match(suffix.lstrip()))
                  or (before is not None and before.search(prefix + " ") and before.search(prefix + " ").end() >= len(prefix)))
        if policy:
            begin = text.index(name, match.start())
            found.append(Candidate(begin, begin + len(name), "Initiative", "Initiative", name,
                                   how="pattern:quoted-policy", priority=0))
    return found


@cache
def _words_pattern(words: tuple[str, ...]) -> re.Pattern[str] | None:
    if not words:
        return None
    return re.compile(r"(?:" + "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True)) + r")(?!\w)",
                      re.IGNORECASE)


# -- unnamed events ----------------------------------------------------------------------------
def _unnamed_events(text: str, tokens: list[Token], lang: LanguagePatterns) -> list[Candidate]:
    tables = _tables(lang)
    nouns = tables.event_nouns
    indefinite = tables.indefinite
    modifiers = tables.event_modifiers
    found = []
    for i, tok in enumerate(tokens):
        if tok.folded not in indefinite:
            continue
        j = i + 1
        while j < len(tokens) and (tokens[j].folded in modifiers or tokens[j].text == "-"):
            j += 1
        if j < len(tokens) and tokens[j].folded in nouns and j + 1 <= len(tokens):
            begin, end = tokens[i + 1].begin, tokens[j].end
            cls = nouns[tokens[j].folded]
            found.append(Candidate(begin, end, "Forum", cls, text[begin:end], how="pattern:unnamed-event",
                                   priority=0, attrs={"unnamed": True}))
    return found


# -- people ------------------------------------------------------------------------------------
def _name_tail(tokens: list[Token], first: int, last: int, code: str) -> int | None:
    """Index of the first token of the person name that ends the run at ``last``."""
    count = last - first + 1
    surnames = _surnames(code)
    for k in range(max(first, last - 3), last):
        if tokens[k].text in surnames and 2 <= last - k + 1 <= 4 and all(t.is_cap for t in tokens[k:last + 1]):
            return k
    if count >= 2 and all(tokens[k].is_cap and tokens[k].is_word for k in range(last - 1, last + 1)):
        return last - 1 if count > 3 else first if all(t.is_cap for t in tokens[first:last + 1]) else last - 1
    return None


def _name_token(tok: Token, stops: frozenset[str]) -> bool:
    """A capitalised word of two letters or more that is not a stop word: part of a name."""
    return (tok.is_word and tok.text[0].isupper() and not tok.text[0].isdigit()
            and tok.text not in stops and len(tok.text) > 1)


def _person(text: str, tokens: list[Token], a: int, b: int, how: str, role: str | None, **attrs) -> Candidate:
    begin, end = tokens[a].begin, tokens[b].end
    surface = text[begin:end]
    name = surface.title() if surface.isupper() else surface
    cand = Candidate(begin, end, "Person", "Person", name, how=how, priority=3, attrs=dict(attrs))
    if role:
        cand.attrs["role"] = role
    return cand


def _persons(text: str, tokens: list[Token], lang: LanguagePatterns, span: Span,
             words: set[str] | None = None) -> list[Candidate]:
    """People named after a title, an honorific or in a credit or byline; ``words`` (the
    sentence's case-folded words) lets the recognisers whose cue words are missing be skipped."""
    code = lang.code
    tables = _tables(lang)
    titles = tables.titles
    fold_case = tables.titles_fold_case
    stops = tables.stop_words
    connectors = tables.connectors
    found: list[Candidate] = []
    n = len(tokens)
    first_words = tables.title_index
    titled = words is None or not words.isdisjoint(tables.title_starters)
    # the tokens a title can start at, in order; ``i`` moves past the names found
    starts = [k for k, tok in enumerate(tokens) if tok.folded in first_words] if titled else []
    i = 0
    for k in starts:
        if k < i:
            continue
        i = k
        hit = phrase_in(tokens, i, first_words, fold_case)
        if not hit:
            i += 1
            continue
        title_first, after = i, i + hit[1]
        role = titles[hit[0]]
        direct = after
        while direct < n and _name_token(tokens[direct], stops) and direct - after < 4 and \
                (direct == after or tokens[direct].begin - tokens[direct - 1].end <= 1):
            direct += 1
        if 2 <= direct - after <= 4 and (direct == n or not tokens[direct].is_cap) and \
                _plain_name(tokens[after:direct], lang) and code != "vi":
            found.append(_person(text, tokens, after, direct - 1, "pattern:title", role,
                                 title_span=(tokens[title_first].begin, tokens[after - 1].end)))
            i = direct
            continue
        # "Minister of Science and Technology Wang Zhigang": the portfolio joins the role
        j = after
        while j < n and (_name_token(tokens[j], stops) or tokens[j].text in connectors):
            j += 1
        last = j - 1
        while last >= after and not _name_token(tokens[last], stops):
            last -= 1
        if last >= after + 1 or (last == after and code == "vi"):
            if code == "vi":
                last = _vi_name_span_end(tokens, after, lang)
            start = _name_tail(tokens, after, last, code) if last is not None else None
            surnamed = start is not None and tokens[start].text in _surnames(code)
            direct = start == after and not tokens[after].text in connectors
            if start is not None and (surnamed or direct) and _plain_name(tokens[start:last + 1], lang):
                middle = text[tokens[after].begin:tokens[start].begin].strip() if start > after else ""
                if middle and code == "en" and middle.split()[0] == "of" and not _has_head(middle, lang):
                    role = f"{role} {middle}"
                found.append(_person(text, tokens, start, last, "pattern:title", role,
                                     title_span=(tokens[title_first].begin, tokens[after - 1].end),
                                     between=(tokens[after].begin, tokens[start].begin) if middle else None))
                i = last + 1
                continue
        i = after
    if words is None or not words.isdisjoint(tables.honorific_starters):
        found += _honorific_persons(text, tokens, lang)
    if titled and (words is None or "," in words):
        found += _appositive_persons(text, tokens, lang, titles, fold_case)
    if words is None or not words.isdisjoint(tables.credit_starters):
        found += _credit_persons(text, tokens, lang)
    found += _byline(text, tokens, span)
    return found


def _vi_name_span_end(tokens: list[Token], after: int, lang: LanguagePatterns) -> int | None:
    """Last capitalised token of "<organisation> <name>" after a Vietnamese title."""
    tables = _tables(lang)
    descriptors = tables.descriptors
    hard = tables.hard
    last = None
    lower_run = 0
    for k in range(after, len(tokens)):
        tok = tokens[k]
        if tok.is_word and tok.is_cap:
            last, lower_run = k, 0
        elif tok.text in ("-", "–") or (tok.is_word and tok.text in descriptors):
            continue
        elif tok.is_word and tok.text not in hard and lower_run < 2:
            lower_run += 1
        else:
            break
    return last


def _plain_name(tokens: list[Token], lang: LanguagePatterns) -> bool:
    """Tokens that can be a person's name: capitalised words, no head words of organisations."""
    tables = _tables(lang)
    heads, stops = tables.name_heads, tables.stop_words
    return all(_name_token(t, stops) and t.text not in heads for t in tokens)


def _has_head(phrase: str, lang: LanguagePatterns) -> bool:
    words = phrase.split()
    return any(w in lang.heads("final") or w in lang.heads("initial") for w in words)


def _cap_name_after(tokens: list[Token], k: int, lang: LanguagePatterns, limit: int = 4) -> int | None:
    last = None
    stops = _tables(lang).stop_words
    for j in range(k, min(len(tokens), k + limit)):
        if _name_token(tokens[j], stops) and (j == k or tokens[j].begin - tokens[j - 1].end <= 1):
            last = j
        else:
            break
    return last


def _honorific_persons(text: str, tokens: list[Token], lang: LanguagePatterns) -> list[Candidate]:
    found = []
    for i, _, length in phrase_hits(tokens, lang.words("honorifics")):
        k = i + length
        last = _cap_name_after(tokens, k, lang)
        if last is not None and last > k - (1 if lang.code == "vi" else 0):
            if last - k + 1 >= 2:
                found.append(_person(text, tokens, k, last, "pattern:honorific", None))
    return found


def _appositive_persons(text, tokens, lang, titles, fold_case) -> list[Candidate]:
    """"Li Xingyu, Executive Director of …": a short name, a comma, a title."""
    found = []
    stops = _tables(lang).stop_words
    for i in [i for i, tok in enumerate(tokens[:len(tokens) - 2]) if tok.text == ","]:
        k = i + 1
        if k < len(tokens) and tokens[k].folded in {"a", "an", "een"}:
            k += 1
        hit = phrase_at(tokens, k, titles, fold_case=fold_case)
        if not hit:
            continue
        last = i - 1
        first = last
        while first - 1 >= 0 and _name_token(tokens[first - 1], stops) and last - first < 3:
            first -= 1
        if last - first + 1 in (2, 3) and all(_name_token(t, stops) for t in tokens[first:last + 1]) and \
                (first == 0 or not tokens[first - 1].is_cap):
            title_end = tokens[k + hit[1] - 1].end
            found.append(_person(text, tokens, first, last, "pattern:appositive", titles[hit[0]],
                                 title_span=(tokens[k].begin, title_end), after=(title_end, _clause_end(text, tokens, k))))
    return found


def _clause_end(text: str, tokens: list[Token], k: int) -> int:
    for tok in tokens[k:]:
        if tok.text in {",", ";", ":", "(", ")"}:
            return tok.begin
    return tokens[-1].end


def _credit_persons(text, tokens, lang) -> list[Candidate]:
    found = []
    for i, _, length in phrase_hits(tokens, lang.words("credits")):
        k = i + length
        last = _cap_name_after(tokens, k, lang, 3)
        if last is not None and last > k and (last + 1 >= len(tokens) or tokens[last + 1].text in {"/", ",", ")"}):
            cand = _person(text, tokens, k, last, "pattern:credit", None)
            if last + 1 < len(tokens) and tokens[last + 1].text == "/":
                cand.attrs["after"] = (tokens[last + 1].end, tokens[-1].end)
            found.append(cand)
    return found


def _byline(text: str, tokens: list[Token], span: Span) -> list[Candidate]:
    """A line of two to four words in capitals, alone: the author's byline."""
    if not 2 <= len(tokens) <= 4 or not all(t.is_word for t in tokens):
        return []
    line = text[span.begin:span.end]
    if line.isupper() and "\n" not in line:
        return [_person(text, tokens, 0, len(tokens) - 1, "pattern:byline", None)]
    return []
