"""Seeded uniform sampling helpers shared by the SQL dialects.

Two strategies that never move the whole table into Python:

* :func:`probe_integer_keys` — for big tables with a dense integer key (SQLite's rowid, a MySQL
  auto-increment primary key). Keys are drawn uniformly without replacement from ``[lo, hi]`` with
  ``random.Random(seed)``; keys that do not exist are skipped. The first *n* existing keys in draw order
  form a uniform random sample of the existing rows (a prefix of a random permutation), so gaps in the
  key range cost extra look-ups but never bias the result.
* :func:`subsample` — a Bernoulli-style database pass returned ~1.5 n rows; keep *n* of them uniformly
  (taking the first *n* would favour rows early in physical order).
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from crmscan.connectors.sql_dialect import OVERSAMPLE

T = TypeVar("T")

#: Keys per ``IN (...)`` list: well under SQLite's 999-variable limit of older builds.
KEY_CHUNK = 500
_MAX_ROUNDS = 12
_MAX_KEYS_PER_ROUND = 20_000


def probe_integer_keys(
    fetch: Callable[[list[int]], dict[int, Sequence[Any]]],
    lo: int,
    hi: int,
    n: int,
    seed: int,
    density: float,
) -> list[Sequence[Any]] | None:
    """Draw up to *n* rows by probing random keys in ``[lo, hi]``.

    ``fetch(keys)`` returns the rows that exist for *keys* (any subset), keyed by key. *density* is the
    expected share of keys in the range that exist. Returns ``None`` when probing is not converging
    (very sparse keys); the caller then falls back to a scan-based sampler.
    """
    span = hi - lo + 1
    if n <= 0 or span <= 0:
        return []
    rng = random.Random(seed)
    drawn: set[int] = set()
    order: list[int] = []
    found: dict[int, Sequence[Any]] = {}
    for _ in range(_MAX_ROUNDS):
        need = n - len(found)
        if need <= 0:
            break
        if len(drawn) * 2 > span:
            return None  # rejection drawing would crawl; a scan is cheaper now
        batch = min(_MAX_KEYS_PER_ROUND, math.ceil(need / max(density, 0.01) * 1.25) + 16)
        keys: list[int] = []
        while len(keys) < batch and len(drawn) * 2 <= span:
            key = lo + rng.randrange(span)
            if key not in drawn:
                drawn.add(key)
                keys.append(key)
        for start in range(0, len(keys), KEY_CHUNK):
            found.update(fetch(keys[start : start + KEY_CHUNK]))
        order.extend(keys)
    else:
        if len(found) < n:
            return None
    return [found[key] for key in order if key in found][:n]


def subsample(rows: Sequence[T], n: int, seed: int) -> list[T]:
    """*n* of *rows* chosen uniformly with *seed*, in their original order (all of them if fewer)."""
    if len(rows) <= n:
        return list(rows)
    picked = sorted(random.Random(seed).sample(range(len(rows)), n))
    return [rows[i] for i in picked]


def bernoulli_fraction(n: int, rows: int) -> float:
    """The share of rows to keep so that a Bernoulli pass returns about ``1.5 n`` rows."""
    if rows <= 0:
        return 1.0
    return min(1.0, OVERSAMPLE * n / rows + 16 / rows)
