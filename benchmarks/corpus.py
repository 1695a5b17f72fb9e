"""Synthetic news articles for the benchmarks: N files in English, Dutch and Vietnamese.

The text is made from the project's lexicon (real entity names in each language) and the
sentence templates of ``benchmarks/templates.yaml`` (never from the seed articles), so the
extractor meets the density of names, ordinals, dates, titles and figures that real China–ASEAN
news has, at any size. Each article gets its own random generator seeded from the corpus seed
and its number, so article *i* is the same whatever N is, and a corpus of 10,000 is the first
10,000 articles of the one of 100,000.

Files are in the reader's format: a title line, a publication line, the body paragraphs, and a
``Source:/Bron:/Nguồn: URL`` line after which the reader stops.

    python -m benchmarks.corpus 1000 /tmp/corpus-1000
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import string
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml

from kg.lexicon import Lexicon, load_lexicon
from kg.paths import LEXICON_DIR

TEMPLATES = Path(__file__).with_name("templates.yaml")
LANGUAGES = ("en", "nl", "vi")
MANIFEST = "corpus.json"
MIN_WORDS, MAX_WORDS = 300, 900
DEFAULT_SEED = 20240713


@dataclass(frozen=True)
class Names:
    """Lexicon names of one language, by kind, for filling slots."""

    countries: tuple[str, ...]
    focus: tuple[str, ...]
    places: tuple[str, ...]
    orgs: tuple[str, ...]
    topics: tuple[str, ...]
    series: tuple[str, ...]
    initiatives: tuple[str, ...]
    agreements: tuple[str, ...]
    projects: tuple[str, ...]


@cache
def _templates() -> dict:
    return yaml.safe_load(TEMPLATES.read_text(encoding="utf-8"))


def _label(entry, language: str) -> str:
    """The entry's preferred name in ``language`` (else its first other name there); English
    names stand in where none is given, as the Dutch and Vietnamese press often keep them."""
    own = sorted((l.kind != "pref", l.text) for l in entry.labels if l.lang == language and l.kind in ("pref", "alt"))
    return own[0][1] if own else entry.name


@cache
def _names(language: str) -> Names:
    lexicon: Lexicon = load_lexicon()
    by_type: dict[str, list] = {}
    for iri in sorted(lexicon.entries):
        entry = lexicon.entries[iri]
        by_type.setdefault(entry.type, []).append(entry)
    focus_names = set(_templates()["focus_countries"])

    def names(kind: str, *, series: bool | None = None) -> tuple[str, ...]:
        entries = [e for e in by_type.get(kind, []) if series is None or e.is_series == series]
        return tuple(_label(e, language) for e in entries)

    return Names(
        countries=names("Country"),
        focus=tuple(_label(e, language) for e in by_type["Country"] if e.name in focus_names),
        places=names("Place"), orgs=names("Organization"),
        topics=names("Topic"), series=names("Forum", series=True),
        initiatives=names("Initiative"), agreements=names("Agreement"), projects=names("Project"),
    )


def _ordinal(n: int, forms: Sequence[str]) -> str:
    """English picks st/nd/rd/th by the last digits; other languages have one form."""
    if len(forms) == 1:
        return forms[0].format(n=n)
    if n % 100 in (11, 12, 13) or n % 10 not in (1, 2, 3):
        return forms[0].format(n=n)
    return forms[n % 10].format(n=n)


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


class _Article:
    """Fills one article's slots; every value comes from its own seeded generator."""

    def __init__(self, number: int, language: str, seed: int) -> None:
        self.rng = random.Random(f"{seed}:{number}")
        self.language = language
        self.conf = _templates()["languages"][language]
        self.people = _templates()["people"][language]
        self.names = _names(language)
        self.seed = seed
        self.event = self._event()
        # an edition has one place, date and organiser, whichever article reports it: they are
        # drawn from the event's own generator, and the article is published in the event's year
        event_rng = random.Random(f"{seed}:event:{self.event}")
        self.year = event_rng.randint(2015, 2025)
        self.event_date = self._date(event_rng)
        self.event_place = event_rng.choice(self.names.places)
        self.event_org = event_rng.choice(self.names.orgs)
        self.person_org = ""

    def _event(self) -> str:
        conf, rng = self.conf, self.rng
        edition = _ordinal(rng.randint(1, 30), conf["ordinal"])
        head, theme = rng.choice(conf["event_heads"]), rng.choice(conf["event_themes"])
        if conf.get("ordinal_after"):
            return f"{head} {theme} {edition}"
        return f"{edition} {rng.choice(conf['event_prefixes'])} {theme} {head}"

    def country(self) -> str:
        pool = self.names.focus if self.rng.random() < _templates()["focus_share"] else self.names.countries
        return self.rng.choice(pool)

    def person(self) -> str:
        """A made-up person with the title and organisation that are theirs in every article
        (people keep their post for a while), so ``{person_org}`` after it names their employer."""
        rng, p = self.rng, self.people
        if "middle" in p:
            name = f"{rng.choice(p['family'])} {rng.choice(p['middle'])} {rng.choice(p['given'])}"
        else:
            name = f"{rng.choice(p['family'])} {rng.choice(p['given'])}"
        own = random.Random(f"{self.seed}:person:{name}")
        title = own.choice(self.conf["titles"])
        self.person_org = own.choice(self.names.orgs)
        return f"{title} {name}"

    def date(self) -> str:
        return self._date(self.rng)

    def _date(self, rng: random.Random) -> str:
        month = rng.randint(1, 12)
        months = self.conf["months"]
        return self.conf["date"].format(day=rng.randint(1, 28), month=month, year=self.year,
                                        month_name=months[month - 1] if months else "")

    def number(self, low: int, high: int, *, decimals: bool) -> str:
        value = self.rng.randint(low * 10, high * 10) / 10 if decimals else self.rng.randint(low, high)
        text = f"{value:.1f}" if decimals else str(value)
        return text.replace(".", ",") if self.language != "en" else text

    def fill(self, template: str) -> str:
        """The template with each slot filled; numbered slots ({country2}) draw again."""
        rng, n, conf = self.rng, self.names, self.conf
        values: dict[str, str] = {}
        for _, field, _, _ in string.Formatter().parse(template):
            if field is None or field in values:
                continue
            kind = field.rstrip("0123456789")
            values[field] = {
                "event": lambda: self.event,
                "event_cap": lambda: _capital(self.event),
                "event_ref": lambda: rng.choice(conf["event_ref"]),
                "event_ref_cap": lambda: _capital(rng.choice(conf["event_ref"])),
                "country": self.country,
                "place": lambda: rng.choice(n.places),
                "org": lambda: rng.choice(n.orgs),
                "topic": lambda: rng.choice(n.topics),
                "series": lambda: rng.choice(n.series),
                "initiative": lambda: rng.choice(n.initiatives),
                "agreement": lambda: rng.choice(n.agreements),
                "project": lambda: rng.choice(n.projects),
                "person": self.person,
                "person_org": lambda: self.person_org,
                "event_place": lambda: self.event_place,
                "event_date": lambda: self.event_date,
                "event_org": lambda: self.event_org,
                "date": self.date,
                "year": lambda: str(rng.randint(2010, 2030)),
                "amount": lambda: rng.choice(conf["amount"]).format(
                    number=self.number(1, 999, decimals=True), scale=rng.choice(conf["scales"])),
                "count": lambda: conf["count"].format(number=self.number(20, 900, decimals=False)),
                "percent": lambda: conf["percent"].format(number=self.number(1, 40, decimals=True)),
            }[kind]()
        return template.format(**values)

    def text(self, stem: str) -> tuple[str, int]:
        """The file's text and the body's word count."""
        rng, conf = self.rng, self.conf
        target = rng.randint(MIN_WORDS, MAX_WORDS)
        paragraphs: list[list[str]] = [[self.fill(rng.choice(conf["opening"]))]]
        words = len(paragraphs[0][0].split())
        while words < target:
            pool = conf["filler"] if rng.random() < 0.15 else conf["sentences"]
            sentence = _capital(self.fill(rng.choice(pool)))
            if len(paragraphs[-1]) >= rng.randint(2, 5):
                paragraphs.append([])
            paragraphs[-1].append(sentence)
            words += len(sentence.split())
        title = self.fill(rng.choice(conf["title"]))
        lines = [_capital(title), f"{conf['published_label']}: {self.date()}", ""]
        lines += [" ".join(p) + "\n" for p in paragraphs]
        lines.append(f"{conf['source_label']}: https://news.example.org/{self.language}/{stem}")
        return "\n".join(lines) + "\n", words


def article_text(number: int, *, seed: int = DEFAULT_SEED,
                 languages: Sequence[str] = LANGUAGES) -> tuple[str, str, int]:
    """Article ``number``: (file stem, file text, body word count)."""
    language = languages[number % len(languages)]
    stem = f"bench-{number:06d}-{language}"
    text, words = _Article(number, language, seed).text(stem)
    return stem, text, words


def _fingerprint(n: int, seed: int) -> str:
    """What decides the corpus's bytes: a cached corpus is reused only when this matches."""
    digest = hashlib.sha256(TEMPLATES.read_bytes())
    digest.update(Path(__file__).read_bytes())
    for path in sorted(LEXICON_DIR.glob("*.ttl")):
        digest.update(path.read_bytes())
    digest.update(f"{n}:{seed}".encode())
    return digest.hexdigest()


def generate(out_dir: Path, n: int, *, seed: int = DEFAULT_SEED) -> dict:
    """Write articles 0 … n-1 to ``out_dir`` (reused when already there); return the manifest
    (``articles``, ``words``, ``bytes``)."""
    manifest_path = out_dir / MANIFEST
    fingerprint = _fingerprint(n, seed)
    if manifest_path.exists():
        manifest = json.loads(manifest_path.read_text())
        if manifest.get("fingerprint") == fingerprint:
            return manifest
    out_dir.mkdir(parents=True, exist_ok=True)
    for old in out_dir.glob("bench-*.txt"):
        old.unlink()
    words = size = 0
    for number in range(n):
        stem, text, count = article_text(number, seed=seed)
        data = text.encode("utf-8")
        (out_dir / f"{stem}.txt").write_bytes(data)
        words += count
        size += len(data)
    manifest = {"articles": n, "words": words, "bytes": size, "seed": seed, "fingerprint": fingerprint}
    manifest_path.write_text(json.dumps(manifest, indent=1))
    return manifest


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Write N synthetic articles (en/nl/vi) for the benchmarks.")
    parser.add_argument("n", type=int, help="number of articles")
    parser.add_argument("out", type=Path, help="output folder")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help=f"random seed (default {DEFAULT_SEED})")
    args = parser.parse_args(argv)
    manifest = generate(args.out, args.n, seed=args.seed)
    print(f"{manifest['articles']} articles, {manifest['words']} words, {manifest['bytes']} bytes in {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
