"""JSON exports (``.json`` arrays or wrappers, ``.jsonl``/``.ndjson``) as one table each.

JSON has no header: the columns are the union of the (flattened) keys of the records, in order of
first appearance. For files up to :data:`FULL_SCAN_BYTES` every record is read to find them (and the
row count comes free); beyond that only the first :data:`HEAD_RECORDS` records are, the count is an
estimate until ``sample()`` has read the file, and a key that first appears later is not a column.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from crmscan.connectors.filefmt_common import TYPE_SAMPLE_ROWS, frame_from_rows
from crmscan.connectors.filefmt_encoding import EncodingError, detect_encoding
from crmscan.connectors.filefmt_jsonstream import JsonShapeError, flatten, iter_records
from crmscan.connectors.filefmt_sampling import Reservoir
from crmscan.connectors.filefmt_types import infer_type
from crmscan.errors import ConnectorError
from crmscan.model import ColumnInfo, RowCount

FULL_SCAN_BYTES = 256 * 1024 * 1024
HEAD_RECORDS = 10_000
_ESTIMATE_AFTER_BYTES = 16 * 1024 * 1024


@dataclass
class _Profile:
    keys: list[str] = field(default_factory=list)
    head: list[dict[str, Any]] = field(default_factory=list)
    count: int | None = None  # exact, when the whole file was read
    estimate: int | None = None


class JsonReader:
    """One JSON or JSON Lines file as one table."""

    def __init__(self, path: Path, name: str) -> None:
        self.path = path
        self.name = name
        self._encoding: str | None = None
        self._profile: _Profile | None = None

    @contextmanager
    def _records(self) -> Iterator[tuple[Iterator[dict[str, Any]], Any]]:
        """The raw records and the open file (whose byte position drives estimates)."""
        if self._encoding is None:
            try:
                self._encoding = detect_encoding(self.path)
            except EncodingError:
                raise ConnectorError(f"{self.name}: the file looks binary, not JSON text") from None
        with self.path.open(encoding=self._encoding, errors="replace") as f:
            try:
                yield iter_records(f), f
            except JsonShapeError as exc:
                raise ConnectorError(
                    f"{self.name}: {exc}; export an array of objects or JSON Lines (one object per line)"
                ) from None

    @property
    def profile(self) -> _Profile:
        """Columns, head records and (for small files) the exact count, read once."""
        if self._profile is None:
            full = self.path.stat().st_size <= FULL_SCAN_BYTES
            profile = _Profile()
            seen: dict[str, None] = {}
            count = 0
            with self._records() as (records, f):
                for record in records:
                    flat = flatten(record)
                    seen.update(dict.fromkeys(flat))
                    if count < TYPE_SAMPLE_ROWS:
                        profile.head.append(flat)
                    count += 1
                    # Stop once the read-ahead (1 M characters) is a small part of what was read.
                    if not full and count >= HEAD_RECORDS and f.buffer.tell() >= _ESTIMATE_AFTER_BYTES:
                        profile.estimate = round(count * self.path.stat().st_size / f.buffer.tell())
                        break
                else:
                    profile.count = count
            profile.keys = list(seen)
            self._profile = profile
        return self._profile

    def columns(self) -> list[ColumnInfo]:
        """Flattened keys with types guessed from the first records."""
        profile = self.profile
        return [ColumnInfo(k, infer_type(r.get(k) for r in profile.head)) for k in profile.keys]

    def row_count(self) -> RowCount:
        """Exact when the file has been read whole, else an estimate from the head's bytes per record."""
        profile = self.profile
        if profile.count is not None:
            return RowCount(profile.count, True, "file_scan")
        return RowCount(profile.estimate, False, "estimate")

    def sample(self, n: int, seed: int) -> pd.DataFrame:
        """A uniform sample of up to *n* records with native JSON values, in file order."""
        keys = self.profile.keys
        reservoir = Reservoir(n, seed)
        if n <= 0:
            return frame_from_rows(keys, [])

        def project(record: dict[str, Any]) -> list[Any]:
            flat = flatten(record)
            return [flat.get(k) for k in keys]

        with self._records() as (records, _):
            reservoir.offer_all(records, project)
        self.profile.count = reservoir.seen
        return frame_from_rows(keys, reservoir.rows())
