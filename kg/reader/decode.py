"""Turning a file's bytes into clean Unicode text.

Offsets recorded later point into the text this returns, so every normalisation happens
here, once: NFC (Vietnamese typed in decomposed form gives the same entities), one newline
convention, and no control, invisible direction or non-characters that would make invalid
XML/RDF literals or let text be shown in another order than it is stored.
"""

from __future__ import annotations

import codecs
import re
import unicodedata
from dataclasses import dataclass
from functools import cache

from kg.datafiles import patterns
from kg.errors import KGError

# C0 and C1 controls (not tab, newline), zero-width space, direction marks, embeddings and
# isolates, word joiner, BOM, lone surrogates (JSON "\ud800") and non-characters.
_INVISIBLE = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f\u061c\u180e\u200b\u200e\u200f\u202a-\u202e"
    "\u2060-\u2064\u2066-\u2069\ufeff\ud800-\udfff\ufdd0-\ufdef\ufffe\uffff]"
    "|[\U0001fffe\U0001ffff\U0002fffe\U0002ffff\U0003fffe\U0003ffff\U0004fffe\U0004ffff\U0005fffe"
    "\U0005ffff\U0006fffe\U0006ffff\U0007fffe\U0007ffff\U0008fffe\U0008ffff\U0009fffe\U0009ffff"
    "\U000afffe\U000affff\U000bfffe\U000bffff\U000cfffe\U000cffff\U000dfffe\U000dffff\U000efffe"
    "\U000effff\U000ffffe\U000fffff\U0010fffe\U0010ffff]")
_LINE_BREAKS = re.compile("\r\n|[\r\x85\u2028\u2029]")
_BINARY = re.compile("[\x00-\x08\x0e-\x1f\x7f-\x9f\ufffd]")
_SAMPLE_CHARS = 20_000
_ONE_BROKEN_CHARACTER = 3
"""Replacement characters one invalid UTF-8 sequence can give (an encoded surrogate: 3)."""
_BOMS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
         (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))


class UnreadableText(KGError):
    """The bytes are not text in any encoding we can tell."""


@dataclass(frozen=True)
class Decoded:
    """Text decoded from bytes, and a note when it may not be exactly what the author wrote."""

    text: str
    note: str | None = None


@cache
def _limits() -> tuple[list[str], float, float]:
    config = patterns("reader")
    return (list(config["legacy_encodings"]), float(config["binary_control_share"]),
            float(config["max_replaced_share"]))


def decode(data: bytes) -> Decoded:
    """Decode bytes: BOM first, then UTF-8, then a detected legacy encoding.

    Raises :class:`UnreadableText` for binary data or bytes no encoding explains.
    """
    decoded = _decode(data)
    _, control_share, _ = _limits()
    controls = len(_BINARY.findall(decoded.text))
    if decoded.text and controls > control_share * len(decoded.text):
        raise UnreadableText(f"binary file ({controls} control characters in {len(decoded.text)})")
    return decoded


def _decode(data: bytes) -> Decoded:
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return Decoded(data.decode(encoding))
            except UnicodeDecodeError as exc:
                raise UnreadableText(f"not valid {encoding} after its byte order mark ({exc.reason})") from exc
    try:
        return Decoded(data.decode("utf-8"))
    except UnicodeDecodeError:
        pass
    import charset_normalizer  # only for files that are not UTF-8: most never need it

    encodings, _, replaced_share = _limits()
    matches = list(charset_normalizer.from_bytes(data, cp_isolation=encodings))
    if matches:
        # On a short text the detector's "chaos" cannot tell cp1252 Dutch from cp874 Thai, but
        # the wrong reading puts Thai marks inside Latin words: fewest such words first.
        best = min(matches, key=lambda m: (_mixed_script_words(str(m)[:_SAMPLE_CHARS]), m.chaos,
                                           encodings.index(m.encoding)))
        return Decoded(str(best), f"not UTF-8: decoded as {best.encoding} (detected)")
    text = data.decode("utf-8", errors="replace")
    replaced = text.count("\ufffd") - data.decode("utf-8", errors="ignore").count("\ufffd")
    if replaced <= max(_ONE_BROKEN_CHARACTER, replaced_share * len(data)):
        return Decoded(text, f"{replaced} byte(s) that are not UTF-8 replaced by U+FFFD")
    if b"\x00" in data:
        raise UnreadableText("binary file (NUL bytes, and not UTF-16 or UTF-32 text)")
    raise UnreadableText("binary file, or text in an encoding that cannot be told")


def _mixed_script_words(text: str) -> int:
    """Words whose letters and marks come from more than one script ("Belgi๋")."""
    mixed = 0
    for word in text.split():
        scripts = {unicodedata.name(ch, "?").split()[0] for ch in word if unicodedata.category(ch)[0] in "LM"}
        scripts.discard("COMBINING")
        mixed += len(scripts) > 1
    return mixed


def clean(text: str) -> str:
    """NFC, ``\\n`` newlines, no control, invisible direction or non-characters."""
    return unicodedata.normalize("NFC", _INVISIBLE.sub("", _LINE_BREAKS.sub("\n", text)))
