"""Column-level checks that a regular expression cannot express.

Each check looks at a prepared column as a whole and returns a mask over its distinct values (which
values count as a match). Some also veto the column outright: a column of ``created_at`` timestamps
parses as dates, but its age distribution says it is not a column of birth dates.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable

import numpy as np
import pandas as pd

from crmscan.classify import values as v
from crmscan.classify.values import PreparedColumn

Check = Callable[[PreparedColumn, dict[str, frozenset[str]]], np.ndarray]

_L = "A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u017f"
# 1-4 words of letters, joined by space, apostrophe, hyphen or dot ("Mary-Jane O'Neil", "J. Smith").
_NAME_SHAPE = f"[{_L}][{_L}'’.\\-]*(?:,? ?[ '’.\\-]*[{_L}][{_L}'’.\\-]*){{0,3}}"
_CJK_NAME = "[\u3400-\u9fff]{2,4}"


def person_names(col: PreparedColumn, dictionaries: dict[str, frozenset[str]]) -> np.ndarray:
    """Values shaped like a person's name: 1-4 capitalised words (or 2-4 Chinese characters).

    Values carrying an organisation marker (Inc, GmbH, 有限公司, "and", "&") are excluded, which is what
    separates a contact's name from an account's.
    """
    shaped = v.fullmatch(col.distinct, _NAME_SHAPE, case_sensitive=True) | v.fullmatch(
        col.distinct, _CJK_NAME, case_sensitive=True
    )
    org_terms = dictionaries.get("organisation_markers", frozenset())
    if org_terms:
        shaped &= ~v.search(col.distinct, v.vocabulary_pattern(org_terms))
    # A person's name starts with a capital letter (Latin scripts); lower-case words are categories.
    capital = np.fromiter(
        (bool(s) and (s[0].isupper() or "\u3400" <= s[0] <= "\u9fff") for s in col.values),
        dtype=bool,
        count=len(col.distinct),
    )
    return shaped & capital


def birth_dates(col: PreparedColumn, dictionaries: dict[str, frozenset[str]]) -> np.ndarray:
    """Dates (without a time of day) whose ages look like people: median 16-95 years, spread out.

    Record timestamps (``created_at``) fail on the time of day or on ages clustered in recent years.
    """
    mask, ages = date_ages(col)
    if not mask.any():
        return mask
    weights = col.counts[mask]
    median_age = float(np.median(np.repeat(ages, weights)))
    spread = float(np.std(np.repeat(ages, weights)))
    if not (16 <= median_age <= 95) or (len(ages) >= 10 and spread < 3):
        return np.zeros_like(mask)
    return mask


def date_ages(col: PreparedColumn) -> tuple[np.ndarray, np.ndarray]:
    """(which distinct values are plain dates from 1900 to today, their ages in years).

    ISO dates (``1985-03-14``, the common case) are parsed by numpy in one call; other spellings
    (``14/03/1985``, ``1985年3月14日``) one by one. Values with a time of day are not dates of birth.
    """
    from crmscan.classify.validators import parse_date

    values = col.values
    dates = np.full(len(values), np.datetime64("NaT"), dtype="datetime64[D]")
    iso = v.fullmatch(col.distinct, r"\d{4}-\d{2}-\d{2}", case_sensitive=True)
    iso_idx = np.flatnonzero(iso)
    if len(iso_idx):
        try:
            dates[iso_idx] = np.array([values[i] for i in iso_idx], dtype="datetime64[D]")
        except ValueError:  # an impossible date such as 2023-02-30: fall back to one by one
            iso[:] = False
    for i in np.flatnonzero(~iso):
        if not _has_time_of_day(values[i]):
            parsed = parse_date(values[i])
            if parsed is not None:
                dates[i] = np.datetime64(parsed, "D")
    today = np.datetime64(dt.date.today(), "D")
    valid = ~np.isnat(dates)
    mask = valid & (dates >= np.datetime64("1900-01-01")) & (dates <= today)
    ages = (today - dates[mask]).astype(np.int64) / 365.25
    return mask, ages


_TIME = re.compile(r"(\d{1,2}):(\d{2})(?::(\d{2}))?")


def _has_time_of_day(value: str) -> bool:
    """True for ``2024-03-01 14:22:05``; false for a bare date or a midnight timestamp."""
    m = _TIME.search(value)
    return bool(m) and any(int(g or 0) for g in m.groups())


def password_hashes(col: PreparedColumn, dictionaries: dict[str, frozenset[str]]) -> np.ndarray:
    """Values in a password-hash format (bcrypt, argon2, sha-crypt, pbkdf2, md5-crypt)."""
    from crmscan.classify.protection import PASSWORD_HASH_PATTERN

    return v.fullmatch(col.distinct, PASSWORD_HASH_PATTERN, case_sensitive=True)


def secret_tokens(col: PreparedColumn, dictionaries: dict[str, frozenset[str]]) -> np.ndarray:
    """Values shaped like API keys or session tokens."""
    from crmscan.classify.protection import secret_token_mask

    return secret_token_mask(pd.Series(col.values, dtype=object))


def known_secret_tokens(col: PreparedColumn, dictionaries: dict[str, frozenset[str]]) -> np.ndarray:
    """Values in a well-known API-key format (``sk_live_``, ``ghp_``, ``AKIA``, ``xoxb-``, JWT, ...).

    Unlike :func:`secret_tokens` this leaves bare hex digests alone: without a telling column name a
    column of SHA-256 values is more likely hashed data than a column of keys.
    """
    from crmscan.classify.protection import SECRET_TOKEN_PATTERNS

    pattern = "|".join(f"(?:{p})" for p in SECRET_TOKEN_PATTERNS.values())
    return v.fullmatch(col.distinct, pattern, case_sensitive=True)


CHECKS: dict[str, Check] = {
    "known_secret_tokens": known_secret_tokens,
    "person_names": person_names,
    "birth_dates": birth_dates,
    "password_hashes": password_hashes,
    "secret_tokens": secret_tokens,
}
