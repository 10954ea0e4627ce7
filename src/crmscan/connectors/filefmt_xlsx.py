"""Excel workbooks (``.xlsx``/``.xlsm``): each worksheet is a table, read with openpyxl in read-only mode.

Read-only mode streams the sheet XML instead of building every cell object, so memory stays flat in
the number of rows (openpyxl still loads the shared-strings table whole). The header is the first
non-empty row, because exports often start with a title line or blank rows; fully empty rows are
skipped everywhere, since Excel keeps formatted-but-empty rows in the file.

Sheet names are listed from ``xl/workbook.xml`` directly: opening the workbook would parse the
shared strings, which for a large export takes seconds, just to list the sheets.
"""

from __future__ import annotations

import zipfile
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import pandas as pd

from crmscan.connectors.filefmt_common import (
    TYPE_SAMPLE_ROWS,
    Row,
    blank_to_none,
    dedupe_names,
    fit_row,
    frame_from_rows,
)
from crmscan.connectors.filefmt_sampling import Reservoir
from crmscan.connectors.filefmt_types import infer_type
from crmscan.errors import ConnectorError
from crmscan.model import ColumnInfo, RowCount

#: Workbooks up to this size are counted exactly by reading every row in ``row_count()``; larger ones
#: report the sheet's stored dimension (which counts formatted empty rows) until sampled.
EXACT_COUNT_MAX_BYTES = 20 * 1024 * 1024
_MAIN_NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"


def sheet_names(path: Path) -> list[str]:
    """Worksheet names in workbook order, without loading the workbook where the layout is standard."""
    with zipfile.ZipFile(path) as archive:
        try:
            xml = archive.read("xl/workbook.xml")
        except KeyError:  # a writer that put the workbook part elsewhere: let openpyxl find it
            from openpyxl import load_workbook

            workbook = load_workbook(path, read_only=True)
            try:
                return list(workbook.sheetnames)
            finally:
                workbook.close()
        root = ElementTree.fromstring(xml)
    sheets = root.find(f"{_MAIN_NS}sheets")
    if sheets is None:
        return []
    return [s.attrib["name"] for s in sheets.findall(f"{_MAIN_NS}sheet") if "name" in s.attrib]


def _non_empty(row: tuple[Any, ...]) -> bool:
    return any(v is not None and v != "" for v in row)


def _trimmed_width(row: tuple[Any, ...]) -> int:
    width = len(row)
    while width and (row[width - 1] is None or row[width - 1] == ""):
        width -= 1
    return width


@dataclass
class _Profile:
    names: list[str] = field(default_factory=list)
    head: list[Row] = field(default_factory=list)
    header_row: int = 0  # 1-based row number of the header
    dimension_rows: int | None = None


class XlsxReader:
    """One worksheet of one workbook as one table."""

    def __init__(self, path: Path, name: str, sheet: str) -> None:
        self.path = path
        self.name = name
        self.sheet = sheet
        self._profile: _Profile | None = None
        self._count: int | None = None

    @contextmanager
    def _rows(self) -> Iterator[tuple[Iterator[tuple[Any, ...]], int | None]]:
        """The sheet's rows as value tuples (and its stored row count); closes the workbook after."""
        from openpyxl import load_workbook

        workbook = load_workbook(self.path, read_only=True, data_only=True)
        try:
            if self.sheet not in workbook.sheetnames:
                raise ConnectorError(f"{self.name}: the workbook has no sheet of this name any more")
            sheet = workbook[self.sheet]
            if not hasattr(sheet, "iter_rows"):  # a chart sheet holds no cells
                yield iter(()), 0
            else:
                yield sheet.iter_rows(values_only=True), sheet.max_row
        finally:
            workbook.close()

    @property
    def profile(self) -> _Profile:
        """Header, width and the first data rows, read once."""
        if self._profile is None:
            profile = _Profile()
            with self._rows() as (rows, max_row):
                profile.dimension_rows = max_row
                header: tuple[Any, ...] = ()
                data: list[tuple[Any, ...]] = []
                for number, row in enumerate(rows, start=1):
                    if not _non_empty(row):
                        continue
                    if not header:
                        header, profile.header_row = row, number
                    else:
                        data.append(row)
                        if len(data) >= TYPE_SAMPLE_ROWS:
                            break
            widths = Counter(_trimmed_width(r) for r in data)
            width = max(_trimmed_width(header), widths.most_common(1)[0][0] if widths else 0)
            profile.names = dedupe_names(fit_row(header, width)) if header else []
            profile.head = [blank_to_none(fit_row(r, width)) for r in data]
            self._profile = profile
        return self._profile

    def columns(self) -> list[ColumnInfo]:
        """Header names with types guessed from the cell values of the first rows."""
        profile = self.profile
        return [
            ColumnInfo(name, infer_type(r[i] for r in profile.head)) for i, name in enumerate(profile.names)
        ]

    def row_count(self) -> RowCount:
        """Exact for small workbooks or once sampled; else the sheet's stored dimension, as an estimate."""
        profile = self.profile
        if self._count is None and self.path.stat().st_size <= EXACT_COUNT_MAX_BYTES:
            self.sample(0, 0, count=True)
        if self._count is not None:
            return RowCount(self._count, True, "file_scan")
        if profile.dimension_rows is None:
            return RowCount(None, False, "unavailable")
        return RowCount(max(0, profile.dimension_rows - profile.header_row), False, "estimate")

    def sample(self, n: int, seed: int, *, count: bool = False) -> pd.DataFrame:
        """A uniform sample of up to *n* data rows with native cell values, in sheet order."""
        profile = self.profile
        reservoir = Reservoir(n, seed)
        if not profile.names:
            self._count = 0  # no header row means no non-empty row at all
        if not profile.names or (n <= 0 and not count):
            return frame_from_rows(profile.names, [])
        width = len(profile.names)
        with self._rows() as (rows, _):
            data = (r for number, r in enumerate(rows, start=1) if number > profile.header_row)
            reservoir.offer_all(filter(_non_empty, data), lambda r: blank_to_none(fit_row(r, width)))
        self._count = reservoir.seen
        return frame_from_rows(profile.names, reservoir.rows())
