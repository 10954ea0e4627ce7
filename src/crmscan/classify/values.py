"""Vectorised value matching over one sampled column.

Values are de-duplicated first (``value_counts``) so a 1,000-row sample of a status column costs a
handful of matches, and regular expressions run through Arrow's RE2 kernels over the whole column at
once. Patterns RE2 cannot run (look-arounds, back-references) fall back to Python's ``re``; a checksum
validator only ever sees the values its pattern already accepted.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

_WORD = "[A-Za-z\u00c0-\u024f]{2,}"
_CJK_RUN = "[\u3400-\u9fff]{4}"
_RE2_UNSUPPORTED: set[tuple[str, bool]] = set()
#: Arrow compiles the pattern on every call (~0.3 ms, more for long alternations); below this many
#: values Python's cached ``re`` is faster.
SMALL = 200


@dataclass(frozen=True)
class PreparedColumn:
    """One column's sample, reduced to its distinct non-empty string values and their counts."""

    sampled: int
    non_null: int
    distinct: pa.Array  # of string
    counts: np.ndarray  # occurrences of each distinct value
    mean_length: float
    is_text: bool  # free text (notes, descriptions) rather than a field of one value
    #: Per validator, the verdicts already computed for this column's values (rules share validators).
    verdicts: dict[str, dict[str, bool]] = field(default_factory=dict, compare=False)

    @property
    def values(self) -> list[str]:
        """The distinct values as Python strings (only for small per-value work)."""
        return self.distinct.to_pylist()


def to_strings(series: pd.Series) -> list[str]:
    """Non-null values of *series* as stripped strings, empties dropped.

    Floats that are all whole numbers (an integer column with NULLs, as pandas reads it) are rendered
    without a trailing ``.0`` so ``5551234567.0`` is still seen as a phone number.
    """
    s = series.dropna()
    if s.empty:
        return []
    if pd.api.types.is_float_dtype(s.dtype):
        arr = s.to_numpy()
        if np.all(np.isfinite(arr)) and np.all(np.mod(arr, 1) == 0):
            arr = arr.astype(np.int64)
        items = [str(x) for x in arr.tolist()]
    elif pd.api.types.is_datetime64_any_dtype(s.dtype):
        items = [v.isoformat() for v in s]
    else:
        items = [x if isinstance(x, str) else _cell_to_str(x) for x in s.tolist()]
    stripped = (x.strip() for x in items)
    return [x for x in stripped if x]


def _cell_to_str(value: object) -> str:
    if isinstance(value, bytes | bytearray | memoryview):
        return ""  # binary blobs are judged by protection/entropy elsewhere, not as text
    if hasattr(value, "isoformat"):
        return value.isoformat()  # type: ignore[no-any-return, union-attr]
    return str(value)


def prepare(series: pd.Series) -> PreparedColumn:
    """Reduce a sampled column to what the matchers need, with Arrow kernels over the whole column."""
    strings = to_strings(series)
    if not strings:
        return PreparedColumn(
            len(series), 0, pa.array([], type=pa.string()), np.zeros(0, np.int64), 0.0, False
        )
    arr = pa.array(strings, type=pa.string())
    n = len(strings)
    vc = pc.value_counts(arr)
    distinct = vc.field("values")
    counts = vc.field("counts").to_numpy(zero_copy_only=False).astype(np.int64)
    mean_length = pc.sum(pc.utf8_length(arr)).as_py() / n
    spaced = _share(pc.greater_equal(pc.count_substring(arr, " "), 3))
    # Chinese sentences have no spaces: short CJK phrases ("客户糖尿病，需送货上门") are prose already.
    cjk = _share(pc.match_substring_regex(arr, _CJK_RUN)) if mean_length >= 6 else 0.0
    # Short notes ("Call Maria re: renewal") are text too once most values have three or more words
    # of letters; "362 521 879 00034" (a SIRET number written in groups) is not.
    worded = _share(pc.greater_equal(pc.count_substring_regex(arr, _WORD), 3)) if mean_length >= 15 else 0.0
    is_text = (
        (mean_length >= 25 and spaced >= 0.5)
        or (mean_length >= 15 and spaced >= 0.4 and worded >= 0.4)
        or (mean_length >= 6 and cjk >= 0.3)
    )
    return PreparedColumn(
        sampled=len(series),
        non_null=n,
        distinct=distinct,
        counts=counts,
        mean_length=mean_length,
        is_text=is_text,
    )


def _share(mask: pa.Array) -> float:
    return float(pc.mean(mask.cast(pa.int8())).as_py() or 0.0)


def fullmatch(values: pa.Array, pattern: str, case_sensitive: bool = False) -> np.ndarray:
    """Boolean mask of values that *pattern* matches entirely."""
    return _regex(values, f"^(?:{pattern})$", case_sensitive)


def search(values: pa.Array, pattern: str, case_sensitive: bool = False) -> np.ndarray:
    """Boolean mask of values that contain a match of *pattern*."""
    return _regex(values, pattern, case_sensitive)


def _regex(values: pa.Array, pattern: str, case_sensitive: bool) -> np.ndarray:
    if len(values) == 0:
        return np.zeros(0, dtype=bool)
    key = (pattern, case_sensitive)
    if len(values) > SMALL and key not in _RE2_UNSUPPORTED:
        try:
            result = pc.match_substring_regex(values, pattern=pattern, ignore_case=not case_sensitive)
            return result.to_numpy(zero_copy_only=False).astype(bool)
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
            _RE2_UNSUPPORTED.add(key)
    rx = _python_regex(pattern, case_sensitive)
    return np.fromiter((rx.search(v) is not None for v in values.to_pylist()), dtype=bool, count=len(values))


@lru_cache(maxsize=512)
def _python_regex(pattern: str, case_sensitive: bool) -> re.Pattern[str]:
    return re.compile(pattern, 0 if case_sensitive else re.IGNORECASE)


def in_vocabulary(values: pa.Array, terms: frozenset[str]) -> np.ndarray:
    """Boolean mask of values that are (case-insensitively) one of *terms*."""
    if len(values) == 0:
        return np.zeros(0, dtype=bool)
    folded = pc.utf8_lower(values)
    return pc.is_in(folded, value_set=pa.array(sorted(terms), type=pa.string())).to_numpy(
        zero_copy_only=False
    )


@lru_cache(maxsize=256)
def vocabulary_pattern(terms: frozenset[str]) -> str:
    """One RE2 alternation that finds any of *terms* as whole words inside text."""
    words = sorted((re.escape(t) for t in terms if t.isascii()), key=len, reverse=True)
    # Chinese has no spaces between words, so CJK terms match anywhere.
    cjk = sorted((re.escape(t) for t in terms if not t.isascii() and len(t) >= 2), key=len, reverse=True)
    parts = []
    if words:
        parts.append(r"\b(?:" + "|".join(words) + r")\b")
    if cjk:
        parts.append("(?:" + "|".join(cjk) + ")")
    return "|".join(parts) or r"(?!)"


def weighted_ratio(mask: np.ndarray, counts: np.ndarray, total: int) -> tuple[float, int]:
    """(share of sampled non-null rows whose value is in *mask*, number of such rows)."""
    matched = int(counts[mask].sum()) if total else 0
    return (matched / total if total else 0.0), matched


def wilson_lower(matched: int, total: int, z: float = 1.96) -> float:
    """Lower bound of the Wilson score interval: a prevalence we can vouch for at ~95 %.

    Why not the plain ratio: 3 matches out of 3 sampled values is weaker evidence than 950 of 1,000,
    and the bound says so.
    """
    if total <= 0:
        return 0.0
    p = matched / total
    denom = 1 + z * z / total
    centre = p + z * z / (2 * total)
    margin = z * ((p * (1 - p) + z * z / (4 * total)) / total) ** 0.5
    return max(0.0, (centre - margin) / denom)
