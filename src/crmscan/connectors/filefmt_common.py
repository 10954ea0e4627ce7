"""What every file-format reader shares: the reader interface, header clean-up and frame building.

:class:`crmscan.connectors.files.FileConnector` finds files and picks a reader; each reader (one module
per format, ``filefmt_*.py``) only knows how to describe, count and sample one table of one file.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any, Protocol

import pandas as pd

from crmscan.model import ColumnInfo, RowCount

Row = list[Any]

#: Rows looked at to infer column types: enough to tell integers from phone numbers, small enough that
#: ``columns()`` stays instant on a multi-GB export.
TYPE_SAMPLE_ROWS = 200


class TableReader(Protocol):
    """One table of one file. Raises :class:`crmscan.errors.ConnectorError` naming the file."""

    def columns(self) -> list[ColumnInfo]:
        """Column names in file order with inferred types."""
        ...

    def row_count(self) -> RowCount:
        """Exact when known or cheap, else an estimate."""
        ...

    def sample(self, n: int, seed: int) -> pd.DataFrame:
        """Up to *n* rows drawn uniformly with *seed*, in file order, columns as in :meth:`columns`."""
        ...


def dedupe_names(raw: Sequence[object]) -> list[str]:
    """Unique, non-blank column names, pandas style: blank → ``col_3``, repeated ``email`` → ``email.1``.

    Classification and reports key columns by name, so two columns called ``email`` (or two unnamed
    ones) would otherwise overwrite each other's results.
    """
    names: list[str] = []
    taken: set[str] = set()
    for position, value in enumerate(raw, start=1):
        base = "" if value is None else str(value).strip()
        if not base:
            base = f"col_{position}"
        name, k = base, 0
        while name in taken:
            k += 1
            name = f"{base}.{k}"
        taken.add(name)
        names.append(name)
    return names


def fit_row(row: Sequence[Any], width: int) -> Row:
    """Pad a short row with ``None`` and cut a long one, so every row matches the header."""
    values = list(row[:width])
    if len(values) < width:
        values.extend([None] * (width - len(values)))
    return values


def blank_to_none(row: Iterable[Any]) -> Row:
    """Empty strings become ``None`` so "no value" looks the same in every format."""
    return [None if v == "" else v for v in row]


def frame_from_rows(names: Sequence[str], rows: Sequence[Sequence[Any]]) -> pd.DataFrame:
    """A DataFrame of Python objects with exactly *names* as columns, even when there are no rows.

    ``object`` dtype keeps values as read (strings for CSV, native types elsewhere) instead of letting
    pandas guess, which would turn ``00123`` into ``123`` before the classifier sees it.
    """
    data = {name: pd.Series([r[i] for r in rows], dtype=object) for i, name in enumerate(names)}
    return pd.DataFrame(data, columns=list(names))
