"""CSV, TSV and delimited ``.txt`` exports: describe, count and sample in one bounded-memory pass.

The pass runs on pyarrow's streaming CSV reader (4-9 s and about 100 MB over the interpreter's own
memory per GB of UTF-8 on a 2-vCPU machine; about twice the time for encodings pyarrow transcodes through
Python codecs) and falls back to Python's :mod:`csv` for files pyarrow rejects: rows with the wrong
number of fields, bytes invalid in the detected encoding, rows longer than a block. Both feed the same
:class:`~crmscan.connectors.filefmt_sampling.Reservoir` row by row, so they pick the same rows.

pyarrow's parse errors quote the offending row, so they are never shown; they only trigger the
fallback, whose errors (:mod:`csv`) carry no cell text.
"""

from __future__ import annotations

import csv
from functools import partial
from pathlib import Path
from typing import Any

import pandas as pd

from crmscan.connectors.filefmt_common import Row, blank_to_none, fit_row, frame_from_rows
from crmscan.connectors.filefmt_dialect import MAX_FIELD_CHARS, Layout, allow_long_fields, build_layout
from crmscan.connectors.filefmt_encoding import EncodingError, detect_encoding
from crmscan.connectors.filefmt_sampling import Reservoir
from crmscan.connectors.filefmt_types import infer_type
from crmscan.errors import ConnectorError
from crmscan.model import ColumnInfo, RowCount

#: Files up to this size are counted exactly by a full pass in ``row_count()`` (1-2 s for UTF-8);
#: larger ones get an estimate from the head's bytes per row, made exact once ``sample()`` has read them.
EXACT_COUNT_MAX_BYTES = 256 * 1024 * 1024
_BLOCK_BYTES = 1024 * 1024


class _UseFallback(Exception):
    """pyarrow cannot read this file as laid out; read it with :mod:`csv` instead."""


class CsvReader:
    """One delimited text file as one table."""

    def __init__(self, path: Path, name: str) -> None:
        self.path = path
        self.name = name
        self._layout: Layout | None = None
        self._count: int | None = None

    @property
    def layout(self) -> Layout:
        """Encoding, dialect, header and head rows, read once."""
        if self._layout is None:
            try:
                encoding = detect_encoding(self.path)
            except EncodingError:
                raise ConnectorError(
                    f"{self.name}: cannot detect the encoding, the file looks binary; re-save it as UTF-8 CSV"
                ) from None
            self._layout = build_layout(self.path, encoding)
        return self._layout

    def columns(self) -> list[ColumnInfo]:
        """Header names with types guessed from the first rows."""
        layout = self.layout
        return [
            ColumnInfo(name, infer_type(row[i] for row in layout.head_rows))
            for i, name in enumerate(layout.names)
        ]

    def row_count(self) -> RowCount:
        """Exact after a full pass (done here for files up to :data:`EXACT_COUNT_MAX_BYTES`)."""
        layout = self.layout
        if self._count is None and layout.complete:
            self._count = layout.head_row_count
        if self._count is None and self.path.stat().st_size <= EXACT_COUNT_MAX_BYTES:
            self._scan(Reservoir(0, 0))
        if self._count is not None:
            return RowCount(self._count, True, "file_scan")
        per_row = layout.head_bytes / max(1, layout.head_row_count + 1)
        return RowCount(round(self.path.stat().st_size / per_row) - 1, False, "estimate")

    def sample(self, n: int, seed: int) -> pd.DataFrame:
        """A uniform sample of up to *n* rows as strings (``None`` for empty cells), in file order."""
        layout = self.layout
        reservoir = Reservoir(n, seed)
        if layout.complete and layout.head_row_count <= len(layout.head_rows):
            reservoir.offer_all(iter(layout.head_rows))  # the whole file is already in memory
            self._count = reservoir.seen
        elif n > 0:
            reservoir = self._scan(reservoir)
        return frame_from_rows(layout.names, reservoir.rows())

    def _scan(self, reservoir: Reservoir) -> Reservoir:
        """Stream the whole file through *reservoir*; records the exact row count on the way."""
        if not self.layout.names:
            self._count = 0
            return reservoir
        if self.layout.ragged:  # pyarrow would stop at the first short or long row anyway
            result = self._scan_python(reservoir)
        else:
            try:
                result = self._scan_arrow(reservoir)
            except _UseFallback:
                result = self._scan_python(Reservoir(reservoir.n, reservoir.seed))
        self._count = result.seen
        return result

    def _scan_arrow(self, reservoir: Reservoir) -> Reservoir:
        import pyarrow as pa
        import pyarrow.csv as pacsv

        layout = self.layout
        names = layout.names
        encoding = "utf8" if layout.encoding in {"utf-8", "utf-8-sig"} else layout.encoding
        read = pacsv.ReadOptions(
            column_names=names, skip_rows=layout.skip_lines, encoding=encoding, block_size=_BLOCK_BYTES
        )
        parse = pacsv.ParseOptions(
            delimiter=layout.dialect.delimiter,
            quote_char=layout.dialect.quotechar,
            escape_char=layout.dialect.escapechar or False,
            double_quote=layout.dialect.escapechar is None,
            newlines_in_values=True,
        )
        include = names if reservoir.n else names[:1]  # counting needs one column converted, not all
        convert = pacsv.ConvertOptions(
            column_types={c: pa.string() for c in include},
            include_columns=include,
            null_values=[""],
            strings_can_be_null=True,
        )

        def fetch(batch: Any, offsets: list[int]) -> list[Row]:
            taken = batch.take(pa.array(offsets, type=pa.int64()))
            return [list(r) for r in zip(*(col.to_pylist() for col in taken.columns), strict=True)]

        try:
            stream = pacsv.open_csv(
                str(self.path), read_options=read, parse_options=parse, convert_options=convert
            )
            for batch in stream:
                reservoir.offer_batch(batch.num_rows, partial(fetch, batch))
        except (pa.ArrowException, UnicodeError):
            raise _UseFallback from None
        return reservoir

    def _scan_python(self, reservoir: Reservoir) -> Reservoir:
        layout = self.layout
        width = len(layout.names)
        allow_long_fields()
        try:
            with self.path.open(encoding=layout.encoding, errors="replace", newline="") as f:
                for _ in range(layout.skip_lines):
                    f.readline()
                rows = layout.dialect.reader(f)
                reservoir.offer_all(filter(None, rows), lambda r: blank_to_none(fit_row(r, width)))
        except csv.Error as exc:
            if "field larger than field limit" in str(exc):
                raise ConnectorError(
                    f"{self.name}: a field is longer than {MAX_FIELD_CHARS // 2**20} MiB, usually a quote "
                    "that is never closed; check the quoting or re-export the file"
                ) from None
            raise ConnectorError(
                f"{self.name}: cannot parse the file as CSV ({exc.__class__.__name__}); re-export it as "
                "UTF-8 CSV"
            ) from None
        return reservoir
