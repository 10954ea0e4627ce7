"""The connector for CRM export files: one file, or a folder of them walked recursively.

Each file is a table (each worksheet, for workbooks); the reading itself is done by one reader per
format (``filefmt_csv``, ``filefmt_xlsx``, ``filefmt_json``, ``filefmt_parquet``). This module decides
which files are tables, names them, and turns every failure of one file into a
:class:`~crmscan.errors.ConnectorError` for that table alone, so one broken export does not hide the
rest of the folder.

Files in a folder that are clearly not data (images, documents, code) are skipped silently; files that
may hold data in a format crmscan cannot read (``.xls``, ``.zip``...) are listed, and fail with advice,
so the report shows they were not scanned.
"""

from __future__ import annotations

import csv
import os
import threading
import zipfile
from pathlib import Path, PurePosixPath
from types import TracebackType
from typing import TYPE_CHECKING
from xml.etree.ElementTree import ParseError

from crmscan.connectors.filefmt_common import TableReader
from crmscan.errors import ConnectorError, UsageError, safe_message
from crmscan.model import ColumnInfo, RowCount, TableRef

if TYPE_CHECKING:
    import pandas as pd

FORMATS = {
    ".csv": "csv", ".tsv": "csv", ".tab": "csv", ".txt": "csv", ".psv": "csv",
    ".xlsx": "xlsx", ".xlsm": "xlsx",
    ".jsonl": "json", ".ndjson": "json", ".json": "json",
    ".parquet": "parquet", ".pq": "parquet",
}  # fmt: skip
SUPPORTED_TEXT = "CSV, TSV, TXT, XLSX, JSON, JSONL/NDJSON, Parquet"

NOT_DATA_SUFFIXES = frozenset(
    ".md .markdown .rst .pdf .png .jpg .jpeg .gif .bmp .svg .webp .ico .tif .tiff .heic .mp3 .mp4 .mov "
    ".avi .wav .html .htm .css .js .py .sh .bat .ps1 .yml .yaml .toml .ini .cfg .lock .doc .docx .ppt "
    ".pptx .odt .odp .rtf .exe .dll .so .pyc".split()
)
NOT_DATA_NAMES = frozenset({"readme", "license", "licence", "notice", "changelog", "makefile",
                            "thumbs.db", "desktop.ini"})  # fmt: skip
_SQLITE_ADVICE = "scan it on its own as a SQLite database"
_ADVICE = {
    ".xls": "re-save it as .xlsx", ".ods": "re-save it as .xlsx", ".numbers": "export it as .xlsx or CSV",
    ".zip": "extract it first", ".gz": "decompress it first", ".bz2": "decompress it first",
    ".xz": "decompress it first", ".7z": "extract it first", ".rar": "extract it first",
    ".tar": "extract it first", ".db": _SQLITE_ADVICE, ".sqlite": _SQLITE_ADVICE, ".sqlite3": _SQLITE_ADVICE,
    ".sql": "load it into a database and scan that",
}  # fmt: skip

# What a corrupt or unexpected file makes the parsing libraries raise; anything else is a bug in crmscan
# and is left to surface as one.
_READ_ERRORS: tuple[type[BaseException], ...] = (
    OSError, ValueError, LookupError, EOFError, csv.Error, zipfile.BadZipFile, RecursionError, MemoryError,
    ParseError,
)  # fmt: skip


def _read_errors() -> tuple[type[BaseException], ...]:
    from openpyxl.utils.exceptions import InvalidFileException
    from pyarrow import ArrowException

    return (*_READ_ERRORS, InvalidFileException, ArrowException)


def _is_skipped(path: Path) -> bool:
    """Hidden files, Excel's ``~$`` lock files and files that are clearly not data."""
    name = path.name.lower()
    if name.startswith((".", "~$")):
        return True
    return (
        path.suffix.lower() in NOT_DATA_SUFFIXES
        or name in NOT_DATA_NAMES
        or path.stem.lower() in NOT_DATA_NAMES
    )


def _unsupported_message(display: str, suffix: str) -> str:
    what = f"'{suffix}' files" if suffix else "files without an extension"
    advice = f"; {_ADVICE[suffix]}" if suffix in _ADVICE else ""
    return f"{display}: crmscan cannot read {what} (it reads {SUPPORTED_TEXT}){advice}"


def _why_no_sheets(path: Path) -> str:
    from crmscan.connectors.filefmt_xlsx import sheet_names

    try:
        sheet_names(path)
    except _read_errors() as exc:
        return safe_message(exc)
    return "it has no worksheets"


class _Unsupported:
    """A file that may hold data but in a format crmscan cannot read: every call says so."""

    def __init__(self, message: str) -> None:
        self.message = message

    def columns(self) -> list[ColumnInfo]:
        raise ConnectorError(self.message)

    def row_count(self) -> RowCount:
        raise ConnectorError(self.message)

    def sample(self, n: int, seed: int) -> pd.DataFrame:
        raise ConnectorError(self.message)


class FileConnector:
    """CRM export files at *path* (a file or a folder) as tables.

    ``label`` is the path as given; table names are paths relative to the folder (``exports/a.csv``),
    ``book.xlsx:Sheet1`` for worksheets. Methods are safe to call from several threads for different
    tables, as :mod:`crmscan.scan` does.
    """

    def __init__(self, path: Path) -> None:
        self.label = str(path)
        self.root = path
        if not path.exists():
            raise UsageError(f"{path}: no such file or folder")
        if path.is_file() and path.suffix.lower() not in FORMATS:
            raise UsageError(_unsupported_message(str(path), path.suffix.lower()))
        self._readers: dict[TableRef, TableReader] = {}
        self._lock = threading.Lock()

    def __enter__(self) -> FileConnector:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def _files(self) -> list[tuple[str, Path]]:
        """``(table name, path)`` for every candidate file, sorted by relative path."""
        if self.root.is_file():
            return [(self.root.name, self.root)]
        found: list[tuple[tuple[str, ...], Path]] = []
        for folder, dirs, files in os.walk(self.root):
            dirs[:] = [d for d in dirs if not d.startswith(".")]
            for file in files:
                path = Path(folder, file)
                if not _is_skipped(path) and path.is_file():
                    found.append((path.relative_to(self.root).parts, path))
        found.sort()
        return [(str(PurePosixPath(*parts)), path) for parts, path in found]

    def tables(self) -> list[TableRef]:
        """Every file (every worksheet of a workbook) in stable, sorted order."""
        refs: list[TableRef] = []
        for name, path in self._files():
            locator = str(path.resolve())
            if FORMATS.get(path.suffix.lower()) == "xlsx":
                from crmscan.connectors.filefmt_xlsx import sheet_names

                try:
                    sheets = sheet_names(path)
                except _read_errors():
                    sheets = []  # listed as a file; columns() will report why it cannot be read
                if sheets:
                    refs.extend(
                        TableRef(self.label, f"{name}:{s}", kind="sheet", locator=f"{locator}:{s}")
                        for s in sheets
                    )
                    continue
            refs.append(TableRef(self.label, name, kind="file", locator=locator))
        return refs

    def _reader(self, table: TableRef) -> TableReader:
        with self._lock:
            reader = self._readers.get(table)
            if reader is None:
                reader = self._readers[table] = self._make_reader(table)
            return reader

    def _make_reader(self, table: TableRef) -> TableReader:
        if table.kind == "sheet":
            file, sheet = table.locator.rsplit(":", 1)
            from crmscan.connectors.filefmt_xlsx import XlsxReader

            return XlsxReader(Path(file), table.name, sheet)
        path = Path(table.locator)
        kind = FORMATS.get(path.suffix.lower())
        if kind == "csv":
            from crmscan.connectors.filefmt_csv import CsvReader

            return CsvReader(path, table.name)
        if kind == "json":
            from crmscan.connectors.filefmt_json import JsonReader

            return JsonReader(path, table.name)
        if kind == "parquet":
            from crmscan.connectors.filefmt_parquet import ParquetReader

            return ParquetReader(path, table.name)
        if kind == "xlsx":  # listed as a file because its sheets could not be listed
            return _Unsupported(f"{table.name}: not a readable Excel workbook ({_why_no_sheets(path)}); "
                                "open it in Excel and save it again as .xlsx")  # fmt: skip
        return _Unsupported(_unsupported_message(table.name, path.suffix.lower()))

    def _fail(self, table: TableRef, exc: BaseException) -> ConnectorError:
        return ConnectorError(
            f"{table.name}: cannot read the file ({safe_message(exc)}); check that it opens in the program "
            "that made it, or export it again"
        )

    def columns(self, table: TableRef) -> list[ColumnInfo]:
        """See :meth:`crmscan.connectors.base.Connector.columns`."""
        try:
            return self._reader(table).columns()
        except _read_errors() as exc:
            raise self._fail(table, exc) from None

    def row_count(self, table: TableRef) -> RowCount:
        """See :meth:`crmscan.connectors.base.Connector.row_count`."""
        try:
            return self._reader(table).row_count()
        except _read_errors() as exc:
            raise self._fail(table, exc) from None

    def sample(self, table: TableRef, n: int, seed: int) -> pd.DataFrame:
        """See :meth:`crmscan.connectors.base.Connector.sample`."""
        try:
            return self._reader(table).sample(n, seed)
        except _read_errors() as exc:
            raise self._fail(table, exc) from None

    def close(self) -> None:
        """Forget cached layouts; readers hold no open files between calls."""
        with self._lock:
            self._readers.clear()
