"""Reproducible one-pass uniform sampling for files that can only be read front to back.

A CSV or JSON Lines export has no row index, so the only way to draw a uniform sample without loading
it is a reservoir over one streaming pass. This is Li's Algorithm L ("Reservoir-Sampling Algorithms of
Time Complexity O(n(1 + log(N/n)))", ACM TOMS 1994): instead of a random number per row it computes how
many rows to skip before the next replacement, so the per-row cost is a comparison and batch readers
(pyarrow) only materialise the few rows that are picked.

The random stream comes from :class:`random.Random`, whose ``random()`` output is stable across Python
versions, and depends only on the row index, never on how rows were batched. So the same file, ``n``
and seed give the same rows whichever reader (fast pyarrow or tolerant :mod:`csv`) produced them.
"""

from __future__ import annotations

import math
import random
from collections import deque
from collections.abc import Callable, Iterable, Sequence
from itertools import islice
from typing import Any

Row = list[Any]


class Reservoir:
    """Keeps a uniform sample of up to *n* rows of a stream of unknown length.

    Feed it with :meth:`offer` (one row) or :meth:`offer_batch` (a batch whose rows are fetched only if
    picked), then read :meth:`rows`.
    """

    def __init__(self, n: int, seed: int) -> None:
        self.n = max(0, n)
        self.seed = seed
        self.seen = 0
        self._rng = random.Random(seed)
        self._slots: list[tuple[int, Row]] = []
        self._w = 1.0
        self._next = self.n  # index of the next row to take once the reservoir is full
        if self.n:
            self._w = self._draw_w()
            self._next = self.n + self._skip()

    def _uniform(self) -> float:
        """A uniform number in (0, 1]; ``random()`` may return 0.0, whose log is undefined."""
        return 1.0 - self._rng.random()

    def _draw_w(self) -> float:
        return math.exp(math.log(self._uniform()) / self.n)

    def _skip(self) -> int:
        """Rows to pass over before the next replacement."""
        w = min(self._w, 1.0 - 1e-16)
        denom = math.log1p(-w)
        if denom == 0.0:  # w underflowed: no row of any realistic file would be picked again
            return 2**62
        return int(math.floor(math.log(self._uniform()) / denom))

    def picks(self, count: int) -> list[tuple[int, int]]:
        """Advance over the next *count* rows; return ``(offset in batch, slot)`` for each row to keep.

        Slots may repeat within one batch: apply them in order, a later pick replaces an earlier one.
        """
        start, end = self.seen, self.seen + count
        chosen: list[tuple[int, int]] = []
        for index in range(start, min(end, self.n)):
            chosen.append((index - start, index))
        while self.n and self._next < end:
            slot = int(self._rng.random() * self.n)
            chosen.append((self._next - start, slot))
            self._w *= self._draw_w()
            self._next += self._skip() + 1
        self.seen = end
        return chosen

    def place(self, slot: int, index: int, row: Row) -> None:
        """Store *row* (global position *index*) in *slot*."""
        if slot == len(self._slots):
            self._slots.append((index, row))
        else:
            self._slots[slot] = (index, row)

    def offer_batch(self, count: int, fetch: Callable[[list[int]], Sequence[Row]]) -> None:
        """Consider *count* rows; *fetch* gets the batch offsets picked and returns those rows."""
        start = self.seen
        chosen = self.picks(count)
        if not chosen:
            return
        rows = fetch([offset for offset, _ in chosen])
        for (offset, slot), row in zip(chosen, rows, strict=True):
            self.place(slot, start + offset, row)

    def offer_all(self, rows: Iterable[Any], prepare: Callable[[Any], Row] | None = None) -> None:
        """Consider every row of an iterator; *prepare* runs only on the rows picked.

        The rows between two picks are skipped inside ``islice`` (C code) and dropped at once: holding
        them, even in small batches, makes the garbage collector rescan them and triples the time.
        """
        numbered = enumerate(rows, start=self.seen)
        while True:
            target = self.seen if self.seen < self.n else self._next
            gap = target - self.seen if self.n else 2**62
            if gap:
                last = deque(islice(numbered, gap), maxlen=1)
                if last:
                    self.seen = last[0][0] + 1
                if self.seen < target or not self.n:
                    return
            item = next(numbered, None)
            if item is None:
                return
            index, row = item
            for _, slot in self.picks(1):
                self.place(slot, index, prepare(row) if prepare else row)

    def rows(self) -> list[Row]:
        """The sample in file order, which keeps reports and tests stable."""
        return [row for _, row in sorted(self._slots, key=lambda pair: pair[0])]
