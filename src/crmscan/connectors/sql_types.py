"""Map a database's native column type to crmscan's small type vocabulary.

The classifier only needs to know whether a column can hold text, a number, a date and so on, so every
dialect's type zoo is reduced to: string, integer, float, decimal, boolean, date, datetime, binary, json,
unknown. The native type string is kept next to it for the report.

Matching works on the type's text (``varchar(255)``, ``timestamp with time zone``, ``tinyint(1)``) because
that is what all three catalogs give back. SQLite accepts any type name and decides storage by the
*affinity* rules of https://www.sqlite.org/datatype3.html section 3.1, so unknown SQLite type names fall
back to those rules instead of to "unknown".
"""

from __future__ import annotations

import re

DATA_TYPES: tuple[str, ...] = (
    "string",
    "integer",
    "float",
    "decimal",
    "boolean",
    "date",
    "datetime",
    "binary",
    "json",
    "unknown",
)

# Checked in order; the first match wins. Anchored at the start so that "point" is not an int and
# "interval" is not an int either.
_RULES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("json", re.compile(r"^jsonb?\b")),
    ("boolean", re.compile(r"^(bool(ean)?\b|tinyint\(1\)|bit(\(1\))?$)")),
    ("binary", re.compile(r"^(bytea|(tiny|medium|long)?blob|(var)?binary|bit\b|bit varying|raw|image)")),
    ("datetime", re.compile(r"^(timestamp|datetime|smalldatetime|time\b|timetz)")),
    ("date", re.compile(r"^date$")),
    (
        "integer",
        re.compile(
            r"^((tiny|small|medium|big)?int(eger)?\b|int[248]\b|(small|big)?serial\b|serial[248]\b|year\b|oid$)"
        ),
    ),
    ("decimal", re.compile(r"^(numeric|decimal|dec\b|money|smallmoney|fixed|number)")),
    ("float", re.compile(r"^(real|float[48]?\b|float\b|double)")),
    (
        "string",
        re.compile(
            r"^(character|char|varchar|nchar|nvarchar|national|text|tinytext|mediumtext|longtext|clob|string"
            r"|citext|uuid|enum|set\(|xml|inet|cidr|macaddr|name$|bpchar|tsvector|ltree)"
        ),
    ),
)


def normalise_type(native: str, *, sqlite: bool = False) -> str:
    """Return the crmscan data type for a native type name such as ``VARCHAR(120)`` or ``int4``."""
    text = " ".join(native.strip().lower().split())
    # Unsigned/zerofill and array markers do not change what the column holds, except arrays: a list
    # of values is not one string, so it stays "unknown".
    if text.endswith("[]") or text.startswith("_"):
        return "unknown"
    text = re.sub(r"\s+(unsigned|signed|zerofill)\b", "", text)
    for data_type, pattern in _RULES:
        if pattern.search(text):
            return data_type
    if sqlite:
        return _sqlite_affinity(text)
    return "unknown"


def _sqlite_affinity(text: str) -> str:
    """SQLite's own rules for a declared type it does not recognise (datatype3.html, 3.1)."""
    if not text:
        return "unknown"  # no declared type: BLOB affinity, anything can be stored
    if "int" in text:
        return "integer"
    if any(key in text for key in ("char", "clob", "text")):
        return "string"
    if "blob" in text:
        return "binary"
    if any(key in text for key in ("real", "floa", "doub")):
        return "float"
    return "decimal"  # NUMERIC affinity
