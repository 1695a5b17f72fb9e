"""User-facing errors: one clear line and a non-zero exit, never a traceback.

Library code raises :class:`KGError` for anything a user can fix (a bad path, a malformed
query, an unknown name); the command line prints ``kg: error: <message>`` and exits 2.
"""

from __future__ import annotations


class KGError(Exception):
    """A problem the user can fix; its message is shown as is."""

    exit_code = 2


class DataError(KGError):
    """A data file of the project (ontology, lexicon, patterns) is malformed."""

    exit_code = 3
