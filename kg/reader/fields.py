"""Checking what a page or a record states about an article (id, title, URL, date, language).

Metadata comes from untrusted pages and JSON; each helper returns a value the later stages can
use as is, or ``None`` when there is nothing usable, so a bad field costs the field, never
the article.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date
from urllib.parse import quote, urlsplit

from kg.dates import parse_date
from kg.reader.decode import clean

_SPACES = re.compile(r"\s+")
_ISO_DAY = re.compile(r"^\s*(\d{4})-(\d{2})-(\d{2})(?:[T ].*)?$")
_LANGUAGE = re.compile(r"^([A-Za-z]{2})(?:[-_][A-Za-z0-9]+)*$")
_LONE_PERCENT = re.compile(r"%(?![0-9A-Fa-f]{2})")
_MAX_ID_CHARS = 200
_HOST = re.compile(r"[a-z0-9_-]+(?:\.[a-z0-9_-]+)*\.?")
_IPV6 = re.compile(r"[0-9a-f:.]+")
# ASCII characters a URL path keeps as they are (RFC 3986 pchar and "/").
_SAFE = "/:@!$&'()*+,;=-._~%"


def article_id(name: str) -> str | None:
    """``name`` as an article id (NFC), or ``None`` when it cannot be one.

    An id names the article's graph and resources, so it must be short printable text: no
    control, format or private-use characters, no surrogates left by an undecodable file
    name, no replacement characters.
    """
    name = unicodedata.normalize("NFC", name.strip())
    if not name or len(name) > _MAX_ID_CHARS or not name.isprintable():
        return None
    if any("\ufff0" <= ch <= "\uffff" for ch in name):
        return None
    return name


def clean_title(raw: object) -> str | None:
    """A one-line title, or ``None`` for a missing, empty or non-text value."""
    if not isinstance(raw, str):
        return None
    title = _SPACES.sub(" ", clean(raw)).strip()
    return title or None


def clean_url(raw: object) -> str | None:
    """An absolute http(s) URL with every character not allowed in URLs percent-encoded."""
    if not isinstance(raw, str):
        return None
    raw = clean(raw).strip()
    if not raw or any(ch.isspace() for ch in raw):
        return None
    try:
        parts = urlsplit(_LONE_PERCENT.sub("%25", raw))
        port = parts.port
        host = parts.hostname or ""
        host = host if host.isascii() else host.encode("idna").decode("ascii")
    except (ValueError, UnicodeError):
        return None
    if parts.scheme.lower() not in ("http", "https") or parts.username is not None:
        return None
    if ":" in host and _IPV6.fullmatch(host):
        host = f"[{host}]"
    elif not _HOST.fullmatch(host):
        return None
    url = f"{parts.scheme.lower()}://{host}" + (f":{port}" if port is not None else "")
    url += _quote(parts.path, _SAFE) or "/"
    if parts.query:
        url += "?" + _quote(parts.query, _SAFE + "?")
    if parts.fragment:
        url += "#" + _quote(parts.fragment, _SAFE + "?")
    return url


def _quote(part: str, safe: str) -> str:
    """Percent-encode what a URL part may not hold; keep non-ASCII letters, marks and digits
    as they are, so "trung-quốc" stays readable (an IRI, RFC 3987)."""
    return "".join(ch if (ch.isascii() and (ch.isalnum() or ch in safe))
                   or (not ch.isascii() and unicodedata.category(ch)[0] in "LMN") else quote(ch, safe="")
                   for ch in part)


def parse_published(raw: object) -> date | None:
    """An ISO date or date-time ("2025-09-18", "2025-09-18T08:00:00Z"), or a full date in words."""
    if not isinstance(raw, str):
        return None
    match = _ISO_DAY.match(raw)
    if match:
        try:
            return date(int(match[1]), int(match[2]), int(match[3]))
        except ValueError:
            return None
    found = parse_date(clean(raw)[:200])
    if found and found.year and found.month and found.day and found.is_valid():
        return date(found.year, found.month, found.day)
    return None


def clean_language(raw: object) -> str | None:
    """The ISO 639-1 code of a language tag ("vi", "en-GB" → "en"), or ``None``."""
    if not isinstance(raw, str):
        return None
    match = _LANGUAGE.match(raw.strip())
    return match[1].lower() if match else None
