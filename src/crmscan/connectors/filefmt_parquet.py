"""Parquet files: schema and row count straight from the footer, samples by row number.

The footer gives the exact row count and every row group's size, so the sample is drawn as row
numbers up front and only the row groups holding one of them are read, batch by batch, so memory stays
bounded by the batch rather than the file. Struct columns are flattened to dotted names
(``address.city``) to match how JSON exports are presented.
"""

from __future__ import annotations

import bisect
import random
from pathlib import Path
from typing import Any

import pandas as pd

from crmscan.connectors.filefmt_common import frame_from_rows
from crmscan.connectors.filefmt_types import arrow_type_to_kind
from crmscan.model import ColumnInfo, RowCount

_BATCH_ROWS = 64 * 1024


def _flat_fields(schema: Any, prefix: str = "") -> list[Any]:
    """``(dotted name, field)`` for every leaf of *schema*, structs opened up."""
    import pyarrow.types as pat

    out: list[Any] = []
    for f in schema:
        name = f"{prefix}{f.name}"
        if pat.is_struct(f.type):
            out.extend(_flat_fields(list(f.type), f"{name}."))
        else:
            out.append((name, f))
    return out


def _flatten(table: Any) -> Any:
    """The table with struct columns replaced by their leaves, named ``parent.child``."""
    import pyarrow.types as pat

    while any(pat.is_struct(f.type) for f in table.schema):
        table = table.flatten()
    return table


class ParquetReader:
    """One Parquet file as one table."""

    def __init__(self, path: Path, name: str) -> None:
        self.path = path
        self.name = name

    def _file(self) -> Any:
        import pyarrow.parquet as pq

        return pq.ParquetFile(self.path)

    def columns(self) -> list[ColumnInfo]:
        """Leaf columns with their Arrow types, from the footer."""
        with self._file() as pf:
            fields = _flat_fields(pf.schema_arrow)
        return [
            ColumnInfo(n, arrow_type_to_kind(f.type), str(f.type), nullable=f.nullable) for n, f in fields
        ]

    def row_count(self) -> RowCount:
        """Exact, from the footer."""
        with self._file() as pf:
            return RowCount(pf.metadata.num_rows, True, "metadata")

    def sample(self, n: int, seed: int) -> pd.DataFrame:
        """*n* rows chosen uniformly by row number with *seed*, in file order."""
        with self._file() as pf:
            names = [name for name, _ in _flat_fields(pf.schema_arrow)]
            total = pf.metadata.num_rows
            if n <= 0 or total == 0:
                return frame_from_rows(names, [])
            wanted = sorted(random.Random(seed).sample(range(total), n)) if n < total else list(range(total))
            starts = [0]
            for i in range(pf.metadata.num_row_groups):
                starts.append(starts[-1] + pf.metadata.row_group(i).num_rows)
            rows: list[list[Any]] = []
            groups = sorted({bisect.bisect_right(starts, w) - 1 for w in wanted})
            for group in groups:
                rows.extend(self._rows_of_group(pf, group, starts[group], wanted, names))
        return frame_from_rows(names, rows)

    def _rows_of_group(
        self, pf: Any, group: int, first: int, wanted: list[int], names: list[str]
    ) -> list[Any]:
        import pyarrow as pa

        rows: list[Any] = []
        position = first
        for batch in pf.iter_batches(batch_size=_BATCH_ROWS, row_groups=[group], use_threads=False):
            lo = bisect.bisect_left(wanted, position)
            hi = bisect.bisect_left(wanted, position + batch.num_rows)
            if hi > lo:
                offsets = pa.array([w - position for w in wanted[lo:hi]], type=pa.int64())
                taken = _flatten(pa.Table.from_batches([batch.take(offsets)])).select(names)
                rows.extend(list(r) for r in zip(*(c.to_pylist() for c in taken.columns), strict=True))
            position += batch.num_rows
        return rows
