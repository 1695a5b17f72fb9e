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
from kg.extractor.tokens import LanguagePatterns, Token, language, phrase_at, phrase_hits, starters, tokenize
from kg.lexicon import load_lexicon
from kg.vocab import top_type_of

_ORDINAL_EN = {1: "st", 2: "nd", 3: "rd"}


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


def recognise(text: str, code: str, sentences: list[Span], lexicon_candidates: list[Candidate]) -> list[Candidate]:
    """Candidates for new names in ``text`` written in language ``code``."""
    lang = language(code)
    found: list[Candidate] = []
    for span in sentences:
        tokens = tokenize(text, span.begin, span.end)
        if not tokens:
            continue
        found += _persons(text, tokens, lang, span)
        if code == "vi":
            found += _head_initial_vi(text, tokens, lang)
        else:
            found += _capitalised_names(text, tokens, lang)
            found += _lower_head_names(text, tokens, lang)
        found += _unnamed_events(text, tokens, lang)
        found += _quoted_policies(text, span, lang)
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
    connectors = set(lang.words("connectors")) | {"-", "&", "'s", "’s"}
    runs = []
    i, n = 0, len(tokens)
    ordinal = re.compile(lang.get("ordinal_suffix", r"(\d+)(?:st|nd|rd|th)"))
    calendar = calendar_words()
    while i < n:
        if not (tokens[i].is_cap and tokens[i].is_word) or ordinal.fullmatch(tokens[i].text):
            i += 1
            continue
        j, last = i + 1, i
        while j < n:
            tok = tokens[j]
            if tok.is_word and tok.is_cap and tok.text.casefold() in calendar:
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
    return k < len(tokens) and bool(phrase_at(tokens, k, lang.heads("initial")))


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
    for back in (1, 2):
        k = i - back
        if k < 0:
            return None
        word = tokens[k].text
        words = {w.casefold(): n for w, n in (lang.get("ordinal_words") or {}).items()}
        if word.casefold() in words:
            return words[word.casefold()], k
        match = re.fullmatch(lang.get("ordinal_suffix", r"(\d+)(?:st|nd|rd|th)"), word)
        if match:
            return int(match.group(1)), k
        if word.casefold() not in {"the", "de", "het"}:
            return None
    return None


def _classify(tokens: list[Token], first: int, last: int, lang: LanguagePatterns) -> tuple[str, int, int] | None:
    """(class, first, last) when the run names a thing by its head word."""
    finals = lang.heads("final")
    complements = {"of", "van", "on", "for", "voor", "op"}
    for k in range(last, first - 1, -1):  # head-final ("… University"), or head + complement ("… University of X")
        hit = phrase_at(tokens, k, finals)
        if hit and (k + hit[1] - 1 == last or (k + hit[1] <= last and tokens[k + hit[1]].text in complements)):
            return finals[hit[0]], first, last
    initials = lang.heads("initial")
    hit = phrase_at(tokens, first, initials)
    if hit and first + hit[1] <= last:
        return initials[hit[0]], first, last
    hit = phrase_at(tokens, first, finals)
    if hit and hit[1] == last - first + 1 and tokens[first].text in ("Wet", "Law"):
        return finals[hit[0]], first, last
    for k in range(first, last + 1):
        if tokens[k].text in (lang.get("heads") or {}).get("medial", []) and k < last:
            return finals.get(tokens[k].text) or initials.get(tokens[k].text + " voor") or "BusinessAssociation", first, last
    return None


def _split_of_chain(tokens: list[Token], first: int, last: int, lang: LanguagePatterns) -> list[tuple[int, int]]:
    """Split "A Center of the B Chamber of Commerce" into organisations at "of (the)"."""
    finals = lang.heads("final")
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
    titles = lang.merged("titles")

    initials = lang.heads("initial")

    def has_head(a: int, b: int) -> bool:
        if (hit := phrase_at(tokens, a, initials)) and a + hit[1] <= b:
            return True
        if any((hit := phrase_at(tokens, j, finals)) and j + hit[1] - 1 == b for j in range(a, b + 1)):
            return True
        # a head of several words cut by the split ("Memorandum | Understanding on …")
        return any((hit := phrase_at(tokens, j, finals)) and j + hit[1] - 1 > b for j in range(a, b + 1))

    merged: list[tuple[int, int]] = []
    k = 0
    while k < len(pieces):
        a, b = pieces[k]
        if phrase_at(tokens, a, titles, fold_case=True) and phrase_at(tokens, a, titles, fold_case=True)[1] == b - a + 1:
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
    stops = set(lang.words("stop_words"))
    connectors = set(lang.words("connectors"))
    ordinal = re.compile(lang.get("ordinal_suffix", r"(\d+)(?:st|nd|rd|th)"))
    while first <= last and (tokens[first].text in stops or tokens[first].text in connectors
                             or ordinal.fullmatch(tokens[first].text)):
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
    """Attach an ordinal before the name and the series the lexicon knows."""
    base = fold(cand.name)
    series = _series_by_label().get(base)
    ordinal = _ordinal_before(tokens, first, lang)
    if series:
        cand.attrs["series"] = series
        entry = load_lexicon().entries[series]
        cand.cls = entry.cls
    if ordinal:
        edition, k = ordinal
        cand.begin = tokens[k].begin
        cand.attrs["edition"] = edition
        english = load_lexicon().entries[series].name if series else cand.name
        cand.name = f"{english_ordinal(edition)} {english}"
    elif series:
        cand.key = series
        cand.name = load_lexicon().entries[series].name


def _lower_head_names(text: str, tokens: list[Token], lang: LanguagePatterns) -> list[Candidate]:
    """"de Vietnamese regering", "het Vietnamese ministerie van Wetenschap en Technologie"."""
    heads = lang.get("lower_heads") or {}
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
    heads = lang.heads("initial")
    descriptors = set(lang.get("head_descriptors") or [])
    stops = set(lang.get("stop_words") or [])
    hard = set(lang.get("hard_stops") or [])
    titles = lang.merged("titles")
    tops = top_type_of()
    found = []
    i = 0
    while i < len(tokens):
        hit = phrase_at(tokens, i, heads)
        title = phrase_at(tokens, i, titles)
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
        ordinal_after = re.compile(lang.get("ordinal_after") or r"$^")
        while k < len(tokens):
            tok = tokens[k]
            if ordinal_after.match(text, tok.begin):
                break
            if tok.is_cap and tok.is_word:
                if k > j and phrase_at(tokens, k, heads) and tokens[k - 1].text == "và":
                    break
                last = k
            elif tok.text == "-" or tok.text == "–":
                pass
            elif tok.text == "và" and k + 1 < len(tokens) and tokens[k + 1].is_cap and not phrase_at(tokens, k + 1, heads):
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
        ordinal = None
        m = re.match(lang.get("ordinal_after") or r"$^", text[tokens[last].end:tokens[last].end + 30].lstrip())
        begin, end = tokens[i].begin, tokens[last].end
        cand = Candidate(begin, end, tops[cls], cls, text[begin:end], how="pattern:vi-head", priority=1)
        if m and tops[cls] == "Forum":
            ordinal = int(m.group(1)) if m.group(1) else 1
            cand.attrs["edition"] = ordinal
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
    intro = lang.get("place_intro") or {}
    lists = lang.get("place_lists") or {}
    first_words = set(starters(intro)) | set(starters(lists))
    for i in range(len(tokens)):
        if tokens[i].text.casefold() not in first_words:
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
_QUOTED = re.compile(r"(?:[\"“]|(?<!\w)['‘])\s?(?P<name>(?:[^\"“”‘’'\n]|(?<=\w)'(?=\w)){2,60}?)\s?(?:[\"”]|['’](?!\w))")


def _quoted_policies(text: str, span: Span, lang: LanguagePatterns) -> list[Candidate]:
    """A quoted phrase presented as a policy: after a possessive ("Vietnam's 'two corridors and
    one circle'"), before a word like "concept"/"strategy", or after "het beleid van"."""
    after = _words_pattern(tuple(lang.get("quoted_after") or []))
    before = _words_pattern(tuple(lang.get("quoted_before") or []))
    possessive = tuple((lang.get("fact_cues") or {}).get("possessive") or [])
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
    nouns = lang.get("event_nouns") or {}
    indefinite = set(lang.get("indefinite") or [])
    modifiers = set(lang.get("event_modifiers") or [])
    found = []
    for i, tok in enumerate(tokens):
        if tok.text.casefold() not in indefinite:
            continue
        j = i + 1
        while j < len(tokens) and (tokens[j].text.casefold() in modifiers or tokens[j].text == "-"):
            j += 1
        if j < len(tokens) and tokens[j].text.casefold() in nouns and j + 1 <= len(tokens):
            begin, end = tokens[i + 1].begin, tokens[j].end
            cls = nouns[tokens[j].text.casefold()]
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


def _is_name_token(tok: Token, lang: LanguagePatterns) -> bool:
    return (tok.is_word and tok.text[0].isupper() and not tok.text[0].isdigit()
            and tok.text not in set(lang.words("stop_words")) and len(tok.text) > 1)


def _person(text: str, tokens: list[Token], a: int, b: int, how: str, role: str | None, **attrs) -> Candidate:
    begin, end = tokens[a].begin, tokens[b].end
    surface = text[begin:end]
    name = surface.title() if surface.isupper() else surface
    cand = Candidate(begin, end, "Person", "Person", name, how=how, priority=3, attrs=dict(attrs))
    if role:
        cand.attrs["role"] = role
    return cand


def _persons(text: str, tokens: list[Token], lang: LanguagePatterns, span: Span) -> list[Candidate]:
    code = lang.code
    titles = lang.merged("titles")
    fold_case = bool(lang.get("titles_lowercase_ok"))
    found: list[Candidate] = []
    n = len(tokens)
    first_words = starters(titles)
    i = 0
    while i < n:
        if tokens[i].text.casefold() not in first_words:
            i += 1
            continue
        hit = phrase_at(tokens, i, titles, fold_case=fold_case)
        if not hit:
            i += 1
            continue
        title_first, after = i, i + hit[1]
        role = titles[hit[0]]
        direct = after
        while direct < n and _is_name_token(tokens[direct], lang) and direct - after < 4 and \
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
        while j < n and (_is_name_token(tokens[j], lang) or tokens[j].text in lang.words("connectors")):
            j += 1
        last = j - 1
        while last >= after and not _is_name_token(tokens[last], lang):
            last -= 1
        if last >= after + 1 or (last == after and code == "vi"):
            if code == "vi":
                last = _vi_name_span_end(tokens, after, lang)
            start = _name_tail(tokens, after, last, code) if last is not None else None
            surnamed = start is not None and tokens[start].text in _surnames(code)
            direct = start == after and not tokens[after].text in lang.words("connectors")
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
    found += _honorific_persons(text, tokens, lang)
    found += _appositive_persons(text, tokens, lang, titles, fold_case)
    found += _credit_persons(text, tokens, lang)
    found += _byline(text, tokens, span)
    return found


def _vi_name_span_end(tokens: list[Token], after: int, lang: LanguagePatterns) -> int | None:
    """Last capitalised token of "<organisation> <name>" after a Vietnamese title."""
    descriptors = set(lang.get("head_descriptors") or [])
    hard = set(lang.get("hard_stops") or [])
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
    heads = set(lang.heads("final")) | {h for h in lang.heads("initial") if " " not in h}
    return all(_is_name_token(t, lang) and t.text not in heads for t in tokens)


def _has_head(phrase: str, lang: LanguagePatterns) -> bool:
    words = phrase.split()
    return any(w in lang.heads("final") or w in lang.heads("initial") for w in words)


def _cap_name_after(tokens: list[Token], k: int, lang: LanguagePatterns, limit: int = 4) -> int | None:
    last = None
    for j in range(k, min(len(tokens), k + limit)):
        if _is_name_token(tokens[j], lang) and (j == k or tokens[j].begin - tokens[j - 1].end <= 1):
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
    for i in range(len(tokens) - 2):
        if tokens[i].text != ",":
            continue
        k = i + 1
        if k < len(tokens) and tokens[k].text.casefold() in {"a", "an", "een"}:
            k += 1
        hit = phrase_at(tokens, k, titles, fold_case=fold_case)
        if not hit:
            continue
        last = i - 1
        first = last
        while first - 1 >= 0 and _is_name_token(tokens[first - 1], lang) and last - first < 3:
            first -= 1
        if last - first + 1 in (2, 3) and all(_is_name_token(t, lang) for t in tokens[first:last + 1]) and \
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
