"""Exception types.

Every message names the file, table or column and what to do about it. None of them may ever carry a
cell value: callers pass names and counts only, and connectors wrap driver errors through
:func:`safe_message`, which drops driver text that may echo data.
"""

from __future__ import annotations

import re


class CrmscanError(Exception):
    """Base class: a problem the user can act on, printed as one line without a traceback."""

    exit_code = 2


class UsageError(CrmscanError):
    """Bad command-line input or configuration (exit code 2)."""


class RuleError(CrmscanError):
    """A rule file in ``rules/`` (or a user's rule/policy file) is invalid."""


class ConnectorError(CrmscanError):
    """A source or one of its tables cannot be read.

    Raised with the source and table named; never with a cell value in the message.
    """


_URL_PASSWORD = re.compile(r"(?P<scheme>[a-zA-Z][a-zA-Z0-9+.\-]*://)(?P<user>[^:/@\s]*):(?P<pw>[^@/\s]*)@")
_QUOTED = re.compile(r"'[^']{0,200}'|\"[^\"]{0,200}\"")
# Unquoted things that look like data: e-mail addresses and long digit runs (cards, ids, phones).
_DATA_LIKE = re.compile(r"\S+@\S+|\+?\d[\d \-]{5,}\d")


def redact_url(text: str) -> str:
    """Replace the password of every ``scheme://user:password@host`` URL in *text* with ``***``."""
    return _URL_PASSWORD.sub(lambda m: f"{m['scheme']}{m['user']}:***@", text)


def safe_message(exc: BaseException, limit: int = 200) -> str:
    """One line describing *exc* that is safe to show: no URL passwords, no quoted literals.

    Driver errors like ``invalid input syntax for type integer: "4111111111111111"`` quote the offending
    value, so every quoted literal is replaced by ``'…'``; the exception type and the rest of the
    sentence are kept so the user can still tell what went wrong.
    """
    text = " ".join(str(exc).split()) or type(exc).__name__
    text = redact_url(text)
    text = _QUOTED.sub("'…'", text)
    text = _DATA_LIKE.sub("…", text)
    if len(text) > limit:
        text = text[: limit - 1] + "…"
    return f"{type(exc).__name__}: {text}"
