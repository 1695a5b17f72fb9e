"""Sub-commands of ``kg``; each module adds one parser through ``register``."""

from __future__ import annotations

import argparse
from pathlib import Path

from kg.paths import DEFAULT_OUT


ENDPOINT_CREDENTIALS = (
    "Credentials come from the environment only: KG_ENDPOINT_USER, KG_ENDPOINT_PASSWORD,\n"
    "KG_ENDPOINT_AUTH (digest, the default, or basic) and KG_ENDPOINT_REALM (digest realm, default SPARQL).")
"""The help text of every command that talks to a SPARQL endpoint (see ``kg.query.Endpoint``)."""


def add_out_option(parser: argparse.ArgumentParser) -> None:
    """``-o/--out``: the built output folder every command after ``build`` reads."""
    parser.add_argument("-o", "--out", type=Path, default=DEFAULT_OUT, help="the built output folder (default: out/)")
