"""Reading an HTML page: its main text with trafilatura, boilerplate (menus, footers, related
links, comments, scripts) dropped, and the title, publication date and canonical URL from the
page's metadata.

trafilatura and its lxml stack take about 0.3 s to import, so they are loaded on the first
HTML page, not by every ``kg`` command.
"""

from __future__ import annotations

from configparser import ConfigParser
from functools import cache

from kg.reader.decode import clean
from kg.reader.fields import clean_title, clean_url, parse_published
from kg.reader.page import Page


@cache
def _config() -> ConfigParser:
    from trafilatura.settings import use_config

    config = use_config()
    # Dates only from the page's metadata and markup: the extensive search guesses from any
    # date-like text (a copyright year, a link) and would state a wrong publication date.
    config.set("DEFAULT", "EXTENSIVE_DATE_SEARCH", "off")
    return config


def read_html(markup: str) -> Page | None:
    """The page's main text and metadata, or ``None`` when it holds no text."""
    import trafilatura

    document = trafilatura.bare_extraction(markup, with_metadata=True, include_comments=False,
                                           include_tables=True, as_dict=True, config=_config())
    if not isinstance(document, dict):
        return None
    text = document.get("text")
    if not isinstance(text, str) or not text.strip():
        return None
    body = "\n".join(line.rstrip() for line in clean(text).split("\n") if line.strip())
    return Page(body=body, title=clean_title(document.get("title")), published=parse_published(document.get("date")),
                source_url=clean_url(document.get("url")))
