"""Facts between the entities of a sentence, read with per-language cue words.

Each rule reads one kind of statement the way news text makes it, and only within a
sentence: a fact the text does not state is not extracted. The cue words are data
(``ontology/patterns/<lang>.yaml``: ``cues`` and ``fact_cues``); the rules are the same for
every language.

Forum references without a name ("de conferentie", "this summit", "diễn đàn") count as
mentions of the article's main forum, the one the article is about.
"""

from __future__ import annotations

import re
from functools import cache
from typing import NamedTuple

from kg.dates import find_dates, first_chars, ignore_case_trie
from kg.extractor.candidates import Candidate
from kg.extractor.entities import EntityTable
from kg.extractor.model import Entity, Extraction
from kg.extractor.sentences import matches_by_sentence
from kg.extractor.tokens import LanguagePatterns, language

_YEAR = re.compile(r"\b(19|20)\d\d\b")
_AGENTS = ("Country", "Organization")
_JOINED = re.compile(r"(?<!\w)(?:en|and|và|&)(?!\w)", re.I)
_PARENT_GAP = re.compile(r"(?:(?:de|het|the|en|and|và|,|\([^)]*\))\s*)*", re.I)
_BRACKETS_AFTER = re.compile(r"\s*\([^)]*\)")
_CHAIN_GAP = re.compile(r"(?:(?:de|het|the|en|and|và|,|van)\s*)*", re.I)
_CHAIN_BEFORE_GAP = re.compile(r"\s*(?:,|and|en|và|&|-)\s*", re.IGNORECASE)
_SEMICOLON = re.compile(r"[;:]")
_PAIR_GAP = re.compile(r"(?:-|–|and|en|và|&|with|met|với)", re.IGNORECASE)
_SPACES = re.compile(r"\s*")
_OF_AFTER = re.compile(r"\s+(?:of|van|của)\s+(?:de\s+|the\s+)?")


class Item(NamedTuple):
    """An entity mention in a sentence, or a forum reference standing for the main forum."""

    begin: int
    end: int
    entity: Entity
    anaphor: bool = False


_new_item = tuple.__new__


def _cue_pattern(words) -> re.Pattern[str] | None:
    """Any of ``words`` as whole words, case-insensitively (compiled once per word list)."""
    return _compiled_cues(tuple(w for w in words if w))


@cache
def _compiled_cues(words: tuple[str, ...]) -> re.Pattern[str] | None:
    if not words:
        return None
    trie = ignore_case_trie(words)
    if trie is None:
        return re.compile(rf"(?<!\w)(?:{_alternation(words)})(?!\w)", re.IGNORECASE)
    # the same matches, found faster: words with shared beginnings factored out, and a
    # look-ahead for their first letters
    return re.compile(rf"(?=[{first_chars(words)}])(?<!\w)(?:{trie})(?!\w)", re.IGNORECASE)


@cache
def _alternation(words: tuple[str, ...]) -> str:
    """A regex alternation of ``words``, longest first."""
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


class _LanguageRules:
    """The patterns of one language the rules use, compiled once (``language(code)`` keeps them)."""

    def __init__(self, lang: LanguagePatterns) -> None:
        self.lang = lang
        cues = lang.get("fact_cues") or {}
        self._cues: dict[str, re.Pattern[str] | None] = {}
        self.anaphora = _cue_pattern(list(lang.get("event_anaphora") or []))
        descriptors = _alternation(tuple(cues.get("place_descriptors") or []))
        possessive = _alternation(tuple(cues.get("possessive") or []))
        self.possessive = possessive
        # held_in
        lead = rf"\s+(?:(?:{descriptors})\s+)?$" if descriptors else r"\s+$"
        strong, near = self.cue("held_in"), self.cue("near")
        self.held_in = re.compile(rf"(?:{strong.pattern}){lead}", re.IGNORECASE) if strong else None
        self.near_in = re.compile(rf"(?:{near.pattern}){lead}", re.IGNORECASE) if near else None
        # located_in
        self.possessive_gap = re.compile(rf"(?:{possessive})") if possessive else None
        self.appositive = re.compile(rf",\s*(?:(?:{descriptors})\s+)?", re.IGNORECASE) if descriptors else None
        located = self.cue("located_in")
        self.inside = re.compile(rf"(?:\w+\s+)?(?:{located.pattern})", re.IGNORECASE) if located is not None else None
        # members
        nouns = _alternation(tuple(cues.get("member_nouns") or []))
        intro = _alternation(tuple(cues.get("member_intro") or []))
        self.has_member_nouns = bool(nouns)
        self.members_after = re.compile(rf"\s*(?:{nouns})(?:\s*(?:{intro}))+\s*", re.IGNORECASE)
        self.members_before = re.compile(rf"(?:{nouns})\s+$", re.IGNORECASE)
        self.members_intro = re.compile(rf"(?:\s*(?:{intro}))+\s*", re.IGNORECASE)
        # parties
        self.owner = re.compile(rf"\s?(?:{possessive})(?!\w)[\s\"'“‘]*") if possessive else None
        self.policy = _cue_pattern(list(cues.get("policy_nouns") or []))
        self.both = _cue_pattern(list(cues.get("both_sides") or []))
        # cooperation
        self.partner_of = _cue_pattern(list(cues.get("partner_of") or []))

    def cue(self, name: str) -> re.Pattern[str] | None:
        if name not in self._cues:
            words = self.lang.cue(name) or list((self.lang.get("fact_cues") or {}).get(name) or [])
            self._cues[name] = _cue_pattern(words)
        return self._cues[name]


def _rules(lang: LanguagePatterns) -> _LanguageRules:
    return lang._once(("fact rules",), lambda: _LanguageRules(lang))


class FactReader:
    """Reads the facts of one article."""

    def __init__(self, text: str, code: str, extraction: Extraction, table: EntityTable) -> None:
        self.text = text
        self.lang: LanguagePatterns = language(code)
        self.extraction = extraction
        self.table = table
        self.sentences = table.by_sentence()
        self.rules = _rules(self.lang)
        self.cue = self.rules.cue
        self._items: dict[int, tuple[Entity | None, list[Item]]] = {}
        self._anaphors: list[list[tuple[int, int]]] | None = None
        self._cue_starts: dict[tuple[str, int, int], tuple[int, ...]] = {}
        self.main_forum = self._main_forum()
        self.part_of_cue = self.cue("part_of") is not None

    # -- cue helpers ---------------------------------------------------------------------------
    def cue_starts(self, name: str, begin: int, end: int) -> tuple[int, ...]:
        """Where cue words of ``name`` start in ``text[begin:end]`` (found once per span)."""
        key = (name, begin, end)
        starts = self._cue_starts.get(key)
        if starts is None:
            pattern = self.cue(name)
            starts = () if pattern is None else tuple(m.start() for m in pattern.finditer(self.text, begin, end))
            self._cue_starts[key] = starts
        return starts

    def has_cue(self, name: str, begin: int, end: int) -> bool:
        """A cue word in ``text[begin:end]`` that is not part of a name."""
        is_free = self.table.is_free
        return any(is_free(start, start + 1) for start in self.cue_starts(name, begin, end))

    def gap(self, begin: int, end: int) -> str:
        return self.text[begin:end].strip()

    # -- the main forum and its references -----------------------------------------------------
    def _main_forum(self) -> Entity | None:
        """The forum the article is about: the first one named, unless it is only the frame
        ("in het kader van …") of another meeting, which is then the main one."""
        forums = [e for e in self.extraction.entities.values() if e.type == "Forum" and e.mentions]
        if not forums:
            return None
        frames = set()
        pattern = self.cue("part_of")
        if pattern:
            for forum in forums:
                for mention in forum.mentions:
                    if pattern.search(self.text[max(0, mention.begin - 30):mention.begin]):
                        frames.add(forum.key)
        inner = [f for f in forums if f.key not in frames] or forums
        return min(inner, key=lambda e: e.mentions[0].begin)

    def items(self, index: int) -> list[Item]:
        """The items of sentence ``index`` in text order (made once per main forum; callers
        do not change the list)."""
        cached = self._items.get(index)
        if cached is not None and cached[0] is self.main_forum:
            return cached[1]
        items = self._items_of(index)
        self._items[index] = (self.main_forum, items)
        return items

    def _items_of(self, index: int) -> list[Item]:
        items = [_new_item(Item, (m.begin, m.end, e, False)) for m, e in self.sentences.get(index, ())]
        anaphors = self._anaphora_spans(index) if self.main_forum is not None else ()
        if not anaphors:
            return items  # the sentence's mentions come in text order
        for begin, end in anaphors:
            if not any(i.begin <= begin < i.end for i in items):
                items.append(Item(begin, end, self.main_forum, True))
        return sorted(items, key=lambda i: i.begin)

    def _anaphora_spans(self, index: int) -> list[tuple[int, int]]:
        """Where forum references stand in sentence ``index``: what the pattern finds in it."""
        if self._anaphors is None:
            self._anaphors = self._find_anaphora()
        return self._anaphors[index]

    def _find_anaphora(self) -> list[list[tuple[int, int]]]:
        """:meth:`_anaphora_spans` of every sentence, from one scan of the whole text."""
        sentences = self.extraction.sentences
        pattern = self.rules.anaphora
        if pattern is None:
            return [[] for _ in sentences]
        return [[m.span() for m in found] for found in matches_by_sentence(pattern, self.text, sentences)]

    # -- rules ---------------------------------------------------------------------------------
    def read(self) -> None:
        indexes = range(len(self.extraction.sentences))
        parents = {i: self.part_of(i, [f for f in self.items(i) if f.entity.type == "Forum"]) if self.part_of_cue else set()
                   for i in indexes}
        children = {f.subject for f in self.extraction.facts if f.relation == "partOf"}
        if children:
            self.main_forum = min((self.extraction.entities[k] for k in children), key=lambda e: e.mentions[0].begin)
        self.about_forum = self.main_forum is not None and self.main_forum.mentions[0].sentence < 3
        """Whether the article is about its main forum (named in its opening sentences)."""
        for index, span in enumerate(self.extraction.sentences):
            items = self.items(index)
            if not items:
                continue
            kinds = {i.entity.type for i in items}
            # each rule is run where the kinds of entity it reads are in the sentence
            if "Forum" in kinds:
                forums = [i for i in items if i.entity.type == "Forum"]
                inner = [f for f in forums if f.entity.key not in parents[index]] or forums
                if "Place" in kinds or "Country" in kinds:
                    self.held_in(index, items, forums)
                self.dates(index, span.begin, span.end, inner)
                if "Country" in kinds or "Organization" in kinds:
                    self.organisers(index, items, inner)
                self.participants(index, items, inner)
            else:
                inner = []
            if "Topic" in kinds:
                self.topics(index, items, inner, span.begin, span.end)
            if "Agreement" in kinds or "Initiative" in kinds:
                self.parties(index, items, span.begin, span.end)
            if len(items) > 1 or "Project" in kinds or any(i.entity.cls == "GovernmentBody" for i in items):
                self.located_in(index, items)
            if "Organization" in kinds:
                self.members(index, items)
            if len(items) > 1:
                self.cooperation(index, items, span.begin, span.end)
        self.named_topics()
        self.affiliations()
        self.prune_topics()

    def prune_topics(self) -> None:
        """A field is a topic of cooperation only where the text presents it so: it is kept when
        a fact holds it, or when a sentence naming it speaks of fields or cooperation."""
        held = {f.object for f in self.extraction.facts if f.relation == "topic"}
        for key, entity in list(self.extraction.entities.items()):
            if entity.type != "Topic" or key in held:
                continue
            spans = [self.extraction.sentences[m.sentence] for m in entity.mentions]
            if not any(self.has_cue("topic_cues", s.begin, s.end) for s in spans):
                self.table.remove(key)

    def add(self, subject: Entity, relation: str, obj, index: int, *, entity: bool = True) -> None:
        self.extraction.add_fact(subject.key, relation, obj.key if entity else obj, index, entity=entity)

    def part_of(self, index: int, forums: list[Item]) -> set[str]:
        """"… in het kader van de 22e CAEXPO en de CABIS": the forums right after the cue."""
        pattern = self.cue("part_of")
        parents: list[Item] = []
        if pattern is None or len(forums) < 2:
            return set()
        span = self.extraction.sentences[index]
        for match in pattern.finditer(self.text, span.begin, span.end):
            position = match.end()
            for item in forums:
                if item.begin < position:
                    continue
                between = self.gap(position, item.begin)
                joined = not parents or _JOINED.search(between)
                if joined and _PARENT_GAP.fullmatch(between):
                    parents.append(item)
                    position = item.end
                    after = _BRACKETS_AFTER.match(self.text, position)
                    position = after.end() if after else position
                elif item.begin >= position:
                    break
        keys = {p.entity.key for p in parents}
        for item in forums:
            if item.entity.key not in keys:
                for parent in parents:
                    self.add(item.entity, "partOf", parent.entity, index)
        return keys

    def held_in(self, index: int, items: list[Item], forums: list[Item]) -> None:
        """A forum and the first place after "held in"/"tổ chức tại", or after a bare "in"/"tại"
        close to the forum's name."""
        if not forums:
            return
        named = [f for f in forums if not f.anaphor]
        strong, near = self.rules.held_in, self.rules.near_in
        for item in items:
            if item.entity.type not in ("Place", "Country"):
                continue
            before = self.text[max(0, item.begin - 40):item.begin]
            held = bool(strong and strong.search(before))
            if not held and near and near.search(before):
                held = any(0 <= item.begin - f.end <= 60 or 0 <= f.begin - item.end <= 60 for f in named)
            if held:
                for forum in forums:
                    self.add(forum.entity, "heldIn", item.entity, index)
                return

    def dates(self, index: int, begin: int, end: int, forums: list[Item]) -> None:
        if not forums:
            return
        target = forums[0].entity
        for found in find_dates(self.text[begin:end]):
            start, until = found.start, found.until
            if start.year is None:
                year = _YEAR.search(target.name)
                if not year:
                    continue
                start = start.with_year(int(year.group()))
                until = until.with_year(int(year.group())) if until else None
            if start.month is None:
                continue
            self.add(target, "startDate", start, index, entity=False)
            if until:
                self.add(target, "endDate", until, index, entity=False)
            return

    def _chain_after(self, items: list[Item], position: int, types: tuple[str, ...]) -> list[Item]:
        """Entities of ``types`` listed right after ``position`` ("X and Y", "X, Y và Z")."""
        chain = []
        for item in items:
            if item.begin < position:
                continue
            between = self.gap(position, item.begin)
            if item.entity.type in types and _CHAIN_GAP.fullmatch(between):
                chain.append(item)
                position = item.end
            elif item.begin >= position:
                break
        return chain

    def organisers(self, index: int, items: list[Item], forums: list[Item]) -> None:
        pattern = self.cue("organised_by")
        if pattern is None or not forums:
            return
        span = self.extraction.sentences[index]
        for match in pattern.finditer(self.text, span.begin, span.end):
            chain = self._chain_after(items, match.end(), _AGENTS)
            if chain and (self.lang.code != "vi" or self.has_cue("organise_verbs", chain[-1].end, chain[-1].end + 30)):
                for agent in chain:
                    self.add(forums[0].entity, "organizer", agent.entity, index)

    def participants(self, index: int, items: list[Item], forums: list[Item]) -> None:
        if not forums:
            return
        forum = forums[0].entity
        if not any(item.entity.type == "Person" or item.entity.type in _AGENTS for item in items):
            return
        organisers = {f.object for f in self.extraction.facts if f.relation == "organizer" and f.sentence == index}
        span = self.extraction.sentences[index]
        gathering = self.has_cue("participation", span.begin, span.end)
        speaking = self.has_cue("speech_at", span.begin, span.end)
        first_forum = min(f.begin for f in forums)
        for item in items:
            if item.entity.type == "Person" and (speaking or first_forum < item.begin):
                self.add(forum, "participant", item.entity, index)
            elif gathering and item.entity.type in _AGENTS and item.entity.key not in organisers:
                for other in forums:
                    if not other.anaphor or other.entity is forum:
                        self.add(other.entity, "participant", item.entity, index)

    def topics(self, index: int, items: list[Item], forums: list[Item], begin: int, end: int) -> None:
        """Fields named in a sentence about a forum, with a cue ("thema", "focus on", "lĩnh vực")."""
        if not forums and not self.about_forum:
            return
        if not any(item.entity.type == "Topic" for item in items) or not self.has_cue("topic_cues", begin, end):
            return
        if forums:
            target = forums[0].entity
        elif self.about_forum and self.has_cue("cooperation", begin, end):
            target = self.main_forum
        else:
            return
        for item in items:
            if item.entity.type == "Topic":
                self.add(target, "topic", item.entity, index)

    def named_topics(self) -> None:
        """A field named inside a forum's or agreement's name is what it is about."""
        holders = [(m, e) for e in self.extraction.entities.values() if e.type in ("Forum", "Agreement", "Initiative")
                   for m in e.mentions]
        for mention, topic in ((m, e) for e in self.extraction.entities.values() if e.type == "Topic" for m in e.mentions):
            for holder_mention, holder in holders:
                if holder_mention.begin <= mention.begin and mention.end <= holder_mention.end:
                    self.add(holder, "topic", topic, mention.sentence)

    def parties(self, index: int, items: list[Item], begin: int, end: int) -> None:
        """Who signed, adopted, launched or proposed an agreement or initiative.

        * the countries or organisations joined right before a signing verb that precedes the
          deal ("Trung Quốc và ASEAN chính thức ký …"; "both sides adopted …" takes the last pair
          named before);
        * a possessive right before the deal ("Indonesia's 'global maritime fulcrum'"), or before
          a word for a policy when the deal is what the sentence is about ("…, China's visie");
        * the countries a bilateral deal's name joins ("China-US … Agreement").
        """
        deals = [i for i in items if i.entity.type in ("Agreement", "Initiative")]
        if not deals:
            return
        agents = [i for i in items if i.entity.type in _AGENTS and not i.anaphor]
        owner_pattern, policy, both = self.rules.owner, self.rules.policy, self.rules.both
        verbs = list(self.cue_starts("party_verbs", begin, end))
        for verb in verbs:
            before = [a for a in agents if a.end <= verb]
            if not before:
                continue
            chain = self._chain_before(before)
            near = self.text[chain[-1].end:verb]
            if len(near) > 60 or _SEMICOLON.search(near):
                if not (both and both.search(self.text, max(begin, verb - 40), verb)):
                    continue
            for deal in deals:
                between = [a for a in agents if verb < a.begin < deal.begin]
                if verb < deal.begin <= verb + 250 and not between:
                    for agent in chain:
                        self.add(deal.entity, "party", agent.entity, index)
        for agent in agents:
            owner = owner_pattern and owner_pattern.match(self.text[agent.end:agent.end + 8])
            if not owner:
                continue
            after = agent.end + owner.end()
            direct = [d for d in deals if d.begin == after]
            if direct:
                self.add(direct[0].entity, "party", agent.entity, index)
            elif policy and policy.match(self.text, after) and deals[0].begin < agent.begin:
                self.add(deals[0].entity, "party", agent.entity, index)
        for deal in deals:
            if deal.entity.type == "Agreement":
                inner = [c for c in self.table.nested.get((deal.begin, deal.end), []) if c.type in _AGENTS]
                if len({c.key for c in inner}) >= 2:
                    for cand in inner:
                        self.add(deal.entity, "party", self.table.entity_for(cand), index)

    def _chain_before(self, before: list[Item]) -> list[Item]:
        """The last agent before a point and those joined to it by "and"/"en"/"và"/","."""
        chain = [before[-1]]
        for item in reversed(before[:-1]):
            if _CHAIN_BEFORE_GAP.fullmatch(self.text, item.end, chain[0].begin):
                chain.insert(0, item)
            else:
                break
        return chain

    _RANK = {"Site": 0, "City": 1, "Province": 2, "Region": 2, "Place": 1, "Country": 3}

    def located_in(self, index: int, items: list[Item]) -> None:
        """"Nanning, China", "Thâm Quyến, tỉnh Quảng Đông", "Station in Laos", "China's Guangxi"."""
        possessive, appositive_gap, inside_gap = self.rules.possessive_gap, self.rules.appositive, self.rules.inside
        rank = lambda e: self._RANK.get(e.cls if e.type == "Place" else e.type, 1)
        for left, right in zip(items, items[1:]):
            if left.anaphor or right.anaphor:
                continue
            left_type, right_type = left.entity.type, right.entity.type
            if right_type not in ("Place", "Country") or left_type not in ("Place", "Organization", "Project", "Country"):
                continue  # neither rule below applies
            gap = self.gap(left.end, right.begin)
            if possessive and left_type == "Country" and right_type == "Place" and possessive.fullmatch(gap):
                self.add(right.entity, "locatedIn", left.entity, index)
                continue
            if left_type == "Country":
                continue
            if left.entity.type == "Organization" and "," in gap:
                continue  # "ASEAN, China agree …" is a list, not an address
            if left.entity.type == "Place" and rank(left.entity) > rank(right.entity):
                continue
            appositive = appositive_gap.fullmatch(gap + " ") if appositive_gap else gap == ","
            inside = left.entity.type != "Organization" and inside_gap is not None and inside_gap.fullmatch(gap)
            if appositive or inside:
                self.add(left.entity, "locatedIn", right.entity, index)
        for item in items:
            if item.anaphor or not (item.entity.cls == "GovernmentBody" or item.entity.type == "Project"):
                continue
            inner = [c for c in self.table.nested.get((item.begin, item.end), []) if c.type in ("Place", "Country")]
            if len({c.key for c in inner}) == 1:
                self.add(item.entity, "locatedIn", self.table.entity_for(inner[0]), index)

    def members(self, index: int, items: list[Item]) -> None:
        """"ASEAN countries such as Vietnam", "vijf ASEAN-landen (Singapore, …)"."""
        rules = self.rules
        if not rules.has_member_nouns:
            return
        for item in items:
            if item.entity.type != "Organization":
                continue
            after = rules.members_after.match(self.text[item.end:item.end + 40])
            before = rules.members_before.search(self.text[max(0, item.begin - 20):item.begin])
            if before:
                after = rules.members_intro.match(self.text[item.end:item.end + 20])
            if not after:
                continue
            for member in self._chain_after(items, item.end + after.end(), ("Country",)):
                self.add(member.entity, "memberOf", item.entity, index)

    def cooperation(self, index: int, items: list[Item], begin: int, end: int) -> None:
        """Two countries or organisations joined by "and"/"-"/"và" in a sentence about cooperation."""
        agents = [i for i in items if i.entity.type in _AGENTS and not i.anaphor]
        if len(agents) < 2:
            return
        partner_of = self.rules.partner_of
        for left, right in zip(agents, agents[1:]):
            gap = self.gap(left.end, right.begin)
            if partner_of and partner_of.search(gap):
                self.add(left.entity, "cooperatesWith", right.entity, index)
        if not self.has_cue("cooperation", begin, end):
            return
        for left, right in zip(agents, agents[1:]):
            gap = self.gap(left.end, right.begin)
            if _PAIR_GAP.fullmatch(gap) and left.entity.key != right.entity.key:
                pair = sorted([left.entity, right.entity], key=lambda e: e.key)
                if not any(f.relation == "cooperatesWith" and {f.subject, f.object} == {pair[0].key, pair[1].key}
                           for f in self.extraction.facts):
                    self.add(pair[0], "cooperatesWith", pair[1], index)

    def affiliations(self) -> None:
        """From the words around a titled name: "Xinhua reporter X", "X, director of Y", "Indonesian President X"."""
        entities = self.extraction.entities
        demonyms = _demonym_table()
        for key, contexts in self.table.person_context.items():
            person = entities.get(key)
            if person is None:
                continue
            for context in contexts:
                index = self.table.sentence_of(int(context["begin"]))
                items = self.items(index)
                spans = [context.get("between"), context.get("after")]
                for span in spans:
                    if not span:
                        continue
                    a, b = span
                    for item in items:
                        if a <= item.begin and item.end <= b and item.entity.type in _AGENTS:
                            self.add(person, "affiliation", item.entity, index)
                title = context.get("title_span")
                if title:
                    t0 = int(title[0])
                    for item in items:
                        if item.entity.type in _AGENTS and item.end <= t0 and _SPACES.fullmatch(self.text, item.end, t0):
                            self.add(person, "affiliation", item.entity, index)
                    word = _word_before(self.text, t0)
                    if word and self.text[word[0]:word[1]] in demonyms:
                        country = self.table.lexicon.entries[demonyms[self.text[word[0]:word[1]]]]
                        cand = Candidate(word[0], word[1], country.type, country.cls, country.name,
                                         key=country.iri, how="demonym")
                        self.add(person, "affiliation", self.table.entity_for(cand), index)
                end = int(context["end"])
                of = _OF_AFTER.match(self.text[end:end + 12])
                if of:
                    for item in items:
                        if item.begin == end + of.end() and item.entity.type in _AGENTS:
                            self.add(person, "affiliation", item.entity, index)


def _is_word_char(char: str) -> bool:
    """What ``\\w`` matches."""
    return char.isalnum() or char == "_"


def _word_before(text: str, end: int) -> tuple[int, int] | None:
    """Span of the word that white space separates from ``end`` (what ``(\\w+)\\s+$`` finds in
    ``text[:end]``), without scanning the text before it."""
    k = end
    while k > 0 and text[k - 1].isspace():
        k -= 1
    if k == end or k == 0 or not _is_word_char(text[k - 1]):
        return None
    j = k - 1
    while j > 0 and _is_word_char(text[j - 1]):
        j -= 1
    return j, k


def _demonym_table() -> dict[str, str]:
    from kg.extractor.recognisers import _demonyms
    return _demonyms()


def extract_facts(text: str, code: str, extraction: Extraction, table: EntityTable) -> None:
    """Add the facts the article states to ``extraction``."""
    FactReader(text, code, extraction, table).read()
