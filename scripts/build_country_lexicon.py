#!/usr/bin/env python3
"""Generate ``ontology/lexicon/countries.ttl`` from CLDR (through Babel) and pycountry.

What the libraries know is not typed by hand: every sovereign state in pycountry becomes a
``kg:Country`` with its CLDR names in the languages of ``languages.txt``, its ISO 3166 names
and its alpha-2 code; every world region of ``region-codes.tsv`` becomes a ``kg:Region``
Place with its CLDR names. What the libraries lack is data beside this script, in
``ontology/lexicon/``:

- ``languages.txt``            CLDR locales whose names become ``skos:altLabel`` (in order)
- ``country-exclusions.txt``   ISO codes in pycountry that are not sovereign states
- ``region-codes.tsv``         M49 region codes to write, with their English preferred name
- ``country-wikidata.tsv``     code -> Wikidata QID (``owl:sameAs``), only certain ones
- ``country-extra-labels.tsv`` hand-made forms: acronyms, demonyms, variants, overrides of the
                               English preferred name, and generated labels to drop

Rules applied to every name (no per-country code here):

- CLDR parentheticals become two labels: "Myanmar (Burma)" -> "Myanmar", "Burma".
- pycountry's inverted names are turned round: "Korea, Republic of" -> "Republic of Korea".
- the English preferred name is CLDR's English name (first part of a parenthetical, "&"
  written "and") unless ``country-extra-labels.tsv`` gives a ``prefLabel`` for the code.
- a string is written once per entry: when languages share it, it keeps the tag of the
  language listed first in ``languages.txt`` (so "China"@en, not also "China"@nl, @de ...).
- a name that two entries of the same top type share (after folding case, accents and
  punctuation, as the matcher does) is ambiguous and is dropped from every entry that does
  not have it as its English preferred name; the dropped names are listed on stderr.

The output is sorted, so a re-run on the same Babel and pycountry gives the same file::

    python scripts/build_country_lexicon.py            # rewrites countries.ttl
    python scripts/build_country_lexicon.py --check    # exit 1 if countries.ttl is stale
    python scripts/build_country_lexicon.py -o FILE    # write elsewhere
"""

from __future__ import annotations

import argparse
import re
import sys
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import babel
import pycountry
from babel import Locale

ROOT = Path(__file__).resolve().parent.parent
LEXICON_DIR = ROOT / "ontology" / "lexicon"
OUTPUT = LEXICON_DIR / "countries.ttl"

ID_NS = "https://w3id.org/cn-asean-kg/id/"
PREFIXES = {
    "kg": "https://w3id.org/cn-asean-kg/ontology#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "wd": "http://www.wikidata.org/entity/",
}
KINDS = ("prefLabel", "altLabel", "hiddenLabel", "acronym", "demonym", "drop")
NO_LANG = "-"
"""Language column value for a literal without a language tag (acronyms such as "PRC")."""

_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u2060\ufeff"))
_PARENS = re.compile(r"^(.*?)\s*[(（]\s*([^()（）]+?)\s*[)）]\s*$")
_SPACES = re.compile(r"\s+")


# -- reading the data files -------------------------------------------------------------------
def data_lines(path: Path) -> list[str]:
    """Non-empty lines of ``path`` without ``#`` comments."""
    return [line for line in path.read_text(encoding="utf-8").splitlines()
            if line.strip() and not line.lstrip().startswith("#")]


def tsv_rows(path: Path, columns: int) -> list[list[str]]:
    """Rows of a TSV with a header line (skipped) and ``#`` comment lines."""
    rows = []
    lines = data_lines(path)
    for number, line in enumerate(lines[1:], start=2):
        cells = [c.strip() for c in line.split("\t")]
        if len(cells) < columns:
            raise SystemExit(f"{path.name}: data line {number} needs {columns} tab-separated columns: {line!r}")
        rows.append(cells)
    return rows


@dataclass(frozen=True)
class Config:
    languages: tuple[str, ...]
    excluded: frozenset[str]
    regions: tuple[tuple[str, str], ...]
    wikidata: dict[str, str]
    extras: dict[str, list[tuple[str, str, str]]]  # code -> [(lang, label, kind)]


def load_config(folder: Path = LEXICON_DIR) -> Config:
    languages = tuple(line.split()[0] for line in data_lines(folder / "languages.txt"))
    if not languages or languages[0] != "en":
        raise SystemExit("languages.txt must list 'en' first")
    excluded = frozenset(line.split()[0].upper() for line in data_lines(folder / "country-exclusions.txt"))
    regions = tuple((row[0], row[1]) for row in tsv_rows(folder / "region-codes.tsv", 2))
    wikidata = {}
    for row in tsv_rows(folder / "country-wikidata.tsv", 2):
        if not re.fullmatch(r"Q\d+", row[1]):
            raise SystemExit(f"country-wikidata.tsv: not a Wikidata QID: {row[1]!r}")
        wikidata[row[0].upper()] = row[1]
    extras: dict[str, list[tuple[str, str, str]]] = defaultdict(list)
    for row in tsv_rows(folder / "country-extra-labels.tsv", 4):
        code, lang, label, kind = row[0].upper(), row[1], clean(row[2]), row[3]
        if kind not in KINDS:
            raise SystemExit(f"country-extra-labels.tsv: unknown kind {kind!r} for {code} {label!r}")
        extras[code].append((lang, label, kind))
    return Config(languages, excluded, regions, wikidata, dict(extras))


# -- text rules -------------------------------------------------------------------------------
def clean(text: str) -> str:
    """NFC, no invisible separators, single spaces."""
    text = unicodedata.normalize("NFC", text).translate(_INVISIBLE)
    return _SPACES.sub(" ", text).strip()


def fold(text: str) -> str:
    """Lower case, Latin letters without accents, punctuation as spaces (as the matcher compares
    names); letters of other scripts are kept whole (Hangul syllables, Thai vowels)."""
    out = []
    for char in unicodedata.normalize("NFC", text):
        if char in "đĐ":
            out.append("d")
        elif char.isalnum():
            base = unicodedata.normalize("NFD", char)[0]
            out.append(base.lower() if base.isascii() else char.lower())
        elif unicodedata.category(char).startswith("M"):
            out.append(char)
        else:
            out.append(" ")
    return _SPACES.sub(" ", "".join(out)).strip()


def slugify(name: str) -> str:
    text = unicodedata.normalize("NFKD", name.replace("&", " and "))
    text = text.encode("ascii", "ignore").decode("ascii").lower()
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-")


def split_parenthetical(name: str) -> list[str]:
    """"Myanmar (Burma)" -> ["Myanmar", "Burma"]; other names unchanged."""
    match = _PARENS.match(name)
    if not match or not match.group(1):
        return [name]
    return [match.group(1).strip(), match.group(2).strip()]


def uninvert(name: str) -> str:
    """pycountry's "Korea, Republic of" -> "Republic of Korea"."""
    if ", " not in name:
        return name
    head, tail = name.split(", ", 1)
    tail = re.sub(r"^the\s+", "", tail, flags=re.IGNORECASE)
    return f"{tail} {head}"


def strip_article(name: str) -> str:
    return re.sub(r"^the\s+", "", name)


def english_pref(cldr_name: str) -> str:
    return split_parenthetical(cldr_name)[0].replace(" & ", " and ")


def bcp47(locale_id: str) -> str:
    return locale_id.replace("_", "-")


# -- entries ----------------------------------------------------------------------------------
@dataclass
class Entry:
    iri: str
    cls: str
    top: str
    pref: str
    code: str
    iso: str | None = None
    names: list[tuple[str, str, str]] = field(default_factory=list)
    """(predicate, lang, text) for altLabel, hiddenLabel and acronym; lang "" = no tag."""
    demonyms: list[tuple[str, str]] = field(default_factory=list)
    qid: str | None = None

    def add(self, predicate: str, lang: str, text: str) -> None:
        text = clean(text)
        if text:
            self.names.append((predicate, lang, text))


def territory_names(code: str, languages: tuple[str, ...]) -> list[tuple[str, str]]:
    """(lang, name part) for every configured language CLDR has a name in."""
    found = []
    for lang in languages:
        name = Locale.parse(lang).territories.get(code)
        if name:
            for part in split_parenthetical(clean(name)):
                found.append((bcp47(lang), part))
    return found


def apply_extras(entry: Entry, config: Config) -> None:
    drops: list[tuple[str, str]] = []
    for lang, label, kind in config.extras.get(entry.code, []):
        tag = "" if lang == NO_LANG else bcp47(lang)
        if kind == "prefLabel":
            if tag != "en":
                raise SystemExit(f"country-extra-labels.tsv: prefLabel of {entry.code} must be 'en'")
            entry.add("altLabel", "en", entry.pref)
            entry.pref = label
        elif kind == "drop":
            drops.append((tag, label))
        elif kind == "demonym":
            entry.demonyms.append((tag, label))
        else:
            entry.add(kind, tag, label)
    for tag, label in drops:
        entry.names = [n for n in entry.names if not (n[2] == label and (tag in ("", "*") or n[1] == tag))]


def build_entries(config: Config) -> list[Entry]:
    entries: list[Entry] = []
    english = Locale("en").territories
    for country in sorted(pycountry.countries, key=lambda c: c.alpha_2):
        code = country.alpha_2
        if code in config.excluded:
            continue
        cldr_en = clean(english[code])
        entry = Entry(iri="", cls="Country", top="country", pref=english_pref(cldr_en), code=code, iso=code)
        for lang, part in territory_names(code, config.languages):
            entry.add("altLabel", lang, part)
        for attr in ("name", "official_name", "common_name"):
            value = getattr(country, attr, None)
            if value:
                for part in split_parenthetical(strip_article(uninvert(clean(value)))):
                    entry.add("altLabel", "en", part)
        apply_extras(entry, config)
        entry.qid = config.wikidata.get(code)
        entries.append(entry)
    for code, pref in config.regions:
        cldr_en = english.get(code)
        if cldr_en is None:
            raise SystemExit(f"region-codes.tsv: CLDR has no territory {code!r}")
        entry = Entry(iri="", cls="Region", top="place", pref=clean(pref), code=code)
        for lang, part in territory_names(code, config.languages):
            entry.add("altLabel", lang, part)
        apply_extras(entry, config)
        entry.qid = config.wikidata.get(code)
        entries.append(entry)
    unknown = set(config.extras) - {e.code for e in entries}
    if unknown:
        raise SystemExit(f"country-extra-labels.tsv: codes with no entry: {sorted(unknown)}")
    for entry in entries:
        entry.iri = f"{ID_NS}{entry.top}/{slugify(entry.pref)}"
    iris = [e.iri for e in entries]
    clashes = sorted({i for i in iris if iris.count(i) > 1})
    if clashes:
        raise SystemExit(f"two entries would share an IRI: {clashes}")
    return entries


def dedupe(entry: Entry, languages: tuple[str, ...]) -> None:
    """One literal per string: pref first, then acronyms, alt labels, hidden labels."""
    rank = {bcp47(lang): i for i, lang in enumerate(languages)}
    order = {"acronym": 0, "altLabel": 1, "hiddenLabel": 2}
    seen = {entry.pref.casefold()}
    kept = []
    for predicate, lang, text in sorted(entry.names, key=lambda n: (order[n[0]], rank.get(n[1], len(rank)))):
        if text.casefold() in seen:
            continue
        seen.add(text.casefold())
        kept.append((predicate, lang, text))
    entry.names = kept
    entry.demonyms = sorted(set(entry.demonyms))


def drop_ambiguous(entries: list[Entry]) -> list[str]:
    """Remove names that two entries of one top type share; return a report."""
    owners: dict[tuple[str, str], set[str]] = defaultdict(set)
    prefs: dict[tuple[str, str], set[str]] = defaultdict(set)
    for entry in entries:
        prefs[(entry.top, fold(entry.pref))].add(entry.iri)
        owners[(entry.top, fold(entry.pref))].add(entry.iri)
        for _, _, text in entry.names:
            owners[(entry.top, fold(text))].add(entry.iri)
    ambiguous = {key for key, iris in owners.items() if len(iris) > 1}
    report = []
    for entry in entries:
        kept = []
        for predicate, lang, text in entry.names:
            key = (entry.top, fold(text))
            if key in ambiguous and entry.iri not in prefs.get(key, set()):
                report.append(f"dropped ambiguous {text!r}@{lang or '-'} from {entry.iri.rsplit('/', 2)[-2:]}")
                continue
            kept.append((predicate, lang, text))
        entry.names = kept
    return sorted(report)


# -- Turtle -----------------------------------------------------------------------------------
def literal(text: str, lang: str = "") -> str:
    escaped = (text.replace("\\", "\\\\").replace('"', '\\"')
               .replace("\n", "\\n").replace("\r", "\\r").replace("\t", "\\t"))
    return f'"{escaped}"' + (f"@{lang}" if lang else "")


def render(entries: list[Entry], config: Config) -> str:
    rank = {bcp47(lang): i for i, lang in enumerate(config.languages)}

    def key(item: tuple[str, str]) -> tuple:
        lang, text = item
        return (rank.get(lang, len(rank)), lang, text.casefold(), text)

    out = [
        "# GENERATED by scripts/build_country_lexicon.py -- do not edit by hand.",
        "# Countries (every sovereign state in pycountry less country-exclusions.txt) and world",
        "# regions (region-codes.tsv), named from CLDR via Babel in the languages of languages.txt,",
        "# plus pycountry's ISO names, country-extra-labels.tsv and country-wikidata.tsv.",
        "# To change an entry, edit those data files and run: python scripts/build_country_lexicon.py",
        f"# Sources: Babel {babel.__version__} (CLDR), pycountry {_pycountry_version()}.",
        "",
    ]
    out += [f"@prefix {p}: <{iri}> ." for p, iri in PREFIXES.items()]
    out.append("")
    for entry in sorted(entries, key=lambda e: e.iri):
        lines = [f"<{entry.iri}> a kg:{entry.cls}", f"    skos:prefLabel {literal(entry.pref, 'en')}"]
        for predicate, curie in (("altLabel", "skos:altLabel"), ("hiddenLabel", "skos:hiddenLabel"),
                                 ("acronym", "kg:acronym")):
            values = sorted(((lang, text) for p, lang, text in entry.names if p == predicate), key=key)
            if values:
                lines.append(f"    {curie} " + ",\n        ".join(literal(t, l) for l, t in values))
        if entry.demonyms:
            values = sorted(((lang, text) for lang, text in entry.demonyms), key=key)
            lines.append("    kg:demonym " + ",\n        ".join(literal(t, l) for l, t in values))
        if entry.iso:
            lines.append(f"    kg:isoCode {literal(entry.iso)}")
        if entry.qid:
            lines.append(f"    owl:sameAs wd:{entry.qid}")
        out.append(" ;\n".join(lines) + " .")
        out.append("")
    return "\n".join(out)


def _pycountry_version() -> str:
    try:
        from importlib.metadata import version
        return version("pycountry")
    except Exception:  # pragma: no cover - metadata missing in odd installs
        return "unknown"


def build(config: Config | None = None) -> tuple[str, list[str]]:
    """The Turtle text and the report of dropped ambiguous names."""
    config = config or load_config()
    entries = build_entries(config)
    for entry in entries:
        dedupe(entry, config.languages)
    report = drop_ambiguous(entries)
    return render(entries, config), report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-o", "--output", type=Path, default=OUTPUT, help="file to write (default: %(default)s)")
    parser.add_argument("--check", action="store_true", help="do not write; exit 1 if the file differs")
    parser.add_argument("-v", "--verbose", action="store_true", help="list the ambiguous names dropped")
    args = parser.parse_args(argv)
    text, report = build()
    if args.verbose:
        for line in report:
            print(line, file=sys.stderr)
    if args.check:
        current = args.output.read_text(encoding="utf-8") if args.output.exists() else ""
        if current != text:
            print(f"{args.output} is out of date: run scripts/build_country_lexicon.py", file=sys.stderr)
            return 1
        return 0
    args.output.write_text(text, encoding="utf-8")
    print(f"wrote {args.output} ({text.count(' a kg:')} entries, {len(report)} ambiguous names dropped)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
