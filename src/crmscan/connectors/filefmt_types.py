"""Guess a column's type from a handful of values, for formats that carry no schema.

The result is one of ``string, integer, float, boolean, date, datetime, unknown``. The classifier uses
it as a hint (a ``date`` column may be a birth date, an ``integer`` is not free text), so the rules
lean towards ``string`` whenever a value would lose meaning as a number: ``00123`` and ``+49 30 ...``
are identifiers, not integers.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from typing import Any

_INT = re.compile(r"^[+-]?(0|[1-9]\d{0,17})$")
_FLOAT = re.compile(r"^[+-]?((\d+\.\d*|\.\d+)([eE][+-]?\d+)?|\d+[eE][+-]?\d+)$")
_BOOL = frozenset({"true", "false", "yes", "no", "t", "f"})
_DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%d.%m.%Y", "%d/%m/%Y", "%m/%d/%Y")
#: The only characters the formats above and below accept (strptime, slow because it raises, runs on
#: nothing else).
_DATE_SHAPE = re.compile(r"^[\d\s\-/.]+$")
_DATETIME_SHAPE = re.compile(r"^[\d\s\-/.:APMapm]+$")
_ISO_DATETIME = re.compile(
    r"^\d{4}-\d{2}-\d{2}[T ]\d{1,2}:\d{2}(:\d{2}(\.\d{1,9})?)?\s?(Z|[+-]\d{2}:?\d{2})?$"
)
_OTHER_DATETIME_FORMATS = (
    "%d.%m.%Y %H:%M",
    "%d.%m.%Y %H:%M:%S",
    "%d/%m/%Y %H:%M",
    "%m/%d/%Y %H:%M",
    "%Y/%m/%d %H:%M:%S",
    "%d/%m/%Y %H:%M:%S",
    "%m/%d/%Y %I:%M:%S %p",
)

# When a column mixes kinds, the narrowest type that holds them all.
_WIDER = {
    frozenset({"integer", "float"}): "float",
    frozenset({"date", "datetime"}): "datetime",
}


def _is_date(text: str) -> bool:
    if not _DATE_SHAPE.match(text):
        return False
    for fmt in _DATE_FORMATS:
        try:
            dt.datetime.strptime(text, fmt)
        except ValueError:
            continue
        return True
    return False


def _is_datetime(text: str) -> bool:
    if _ISO_DATETIME.match(text):
        try:
            dt.datetime.fromisoformat(text.replace("Z", "+00:00").replace(" +", "+").replace(" -", "-"))
        except ValueError:
            return False
        return True
    if not _DATETIME_SHAPE.match(text):
        return False
    for fmt in _OTHER_DATETIME_FORMATS:
        try:
            dt.datetime.strptime(text, fmt)
        except ValueError:
            continue
        return True
    return False


def kind_of_text(text: str) -> str:
    """The type a single string value looks like."""
    value = text.strip()
    if _INT.match(value):
        return "integer"
    if _FLOAT.match(value):
        return "float"
    if value.lower() in _BOOL:
        return "boolean"
    if len(value) <= 10 and _is_date(value):
        return "date"
    if 12 <= len(value) <= 40 and _is_datetime(value):
        return "datetime"
    return "string"


def kind_of_value(value: Any) -> str | None:
    """The type of one native value (from JSON, XLSX or Parquet); ``None`` for a missing value."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return None if value != value else "float"  # NaN is how some writers spell "missing"
    if isinstance(value, dt.datetime):
        return "date" if value.time() == dt.time(0) and value.tzinfo is None else "datetime"
    if isinstance(value, dt.date):
        return "date"
    if isinstance(value, str):
        return kind_of_text(value)
    return "string"


def infer_type(values: Iterable[Any]) -> str:
    """Combine the kinds of *values* into one column type; ``unknown`` when all are missing."""
    kinds = {k for k in (kind_of_value(v) for v in values) if k is not None}
    if not kinds:
        return "unknown"
    if len(kinds) == 1:
        return kinds.pop()
    return _WIDER.get(frozenset(kinds), "string")


def arrow_type_to_kind(arrow_type: Any) -> str:
    """Map a pyarrow type onto the shared vocabulary; lists, structs and binaries are ``unknown``."""
    import pyarrow.types as pat

    if pat.is_boolean(arrow_type):
        return "boolean"
    if pat.is_integer(arrow_type):
        return "integer"
    if pat.is_floating(arrow_type) or pat.is_decimal(arrow_type):
        return "float"
    if pat.is_string(arrow_type) or pat.is_large_string(arrow_type) or pat.is_dictionary(arrow_type):
        if pat.is_dictionary(arrow_type):
            return arrow_type_to_kind(arrow_type.value_type)
        return "string"
    if pat.is_timestamp(arrow_type):
        return "datetime"
    if pat.is_date(arrow_type):
        return "date"
    return "unknown"
