"""Turning a file's bytes into clean Unicode text.

Offsets recorded later point into the text this returns, so every normalisation happens
here, once: NFC (Vietnamese typed in decomposed form gives the same entities), one newline
convention, and no control characters that would make invalid XML/RDF literals.
"""

from __future__ import annotations

import codecs
import re
import unicodedata

from kg.errors import KGError

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u200b\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff]")
_BOMS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
         (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))


class UnreadableText(KGError):
    """The bytes are not text in any encoding we can tell."""


def decode(data: bytes) -> str:
    """Decode bytes: BOM first, then UTF-8, then a detected legacy encoding."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return data.decode(encoding)
    if b"\x00" in data[:4096]:
        raise UnreadableText("binary file (NUL bytes)")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    for encoding in ("cp1258", "cp1252", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise UnreadableText("not text in UTF-8 or a known legacy encoding")


def clean(text: str) -> str:
    """NFC, ``\\n`` newlines, no control or invisible direction characters."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\u2028", "\n").replace("\u2029", "\n")
    text = _CONTROL.sub("", text)
    return unicodedata.normalize("NFC", text)
