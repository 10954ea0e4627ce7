"""Work out how a delimited text file is laid out: delimiter, quoting, header, where data starts.

:class:`csv.Sniffer` guesses wrong on exactly the files CRM exports produce (semicolons with decimal
commas, quoted notes full of commas), so the rule here is simpler and testable: parse the first rows
with each candidate delimiter and keep the one that splits them into the same number of fields most
consistently, preferring more fields, then the delimiter the file extension suggests. Excel's
``sep=;`` first line, when present, decides outright.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from crmscan.connectors.filefmt_common import TYPE_SAMPLE_ROWS, Row, blank_to_none, dedupe_names, fit_row

HEAD_TEXT_BYTES = 1024 * 1024
#: Longest field the :mod:`csv` module may build. Its 128 KiB default rejects real notes and e-mail
#: bodies; the cap still bounds memory when a quote is never closed.
MAX_FIELD_CHARS = 64 * 1024 * 1024
DELIMITERS = (",", ";", "\t", "|")
_SNIFF_ROWS = 100
_SEP_LINE = re.compile(r"^sep=([^\r\n])(\r\n|\r|\n)?$")


def allow_long_fields() -> None:
    """Raise :func:`csv.field_size_limit` to :data:`MAX_FIELD_CHARS`.

    The limit is process-wide; it is only ever raised, never restored, so a concurrent reader can never
    see it drop under its feet.
    """
    if csv.field_size_limit() < MAX_FIELD_CHARS:
        csv.field_size_limit(MAX_FIELD_CHARS)


@dataclass(frozen=True)
class Dialect:
    """The parsing options shared by the pyarrow and :mod:`csv` readers."""

    delimiter: str = ","
    quotechar: str = '"'
    escapechar: str | None = None

    def reader(self, lines: Iterable[str]) -> Iterator[list[str]]:
        """A :func:`csv.reader` over *lines* with this dialect."""
        return csv.reader(
            lines,
            delimiter=self.delimiter,
            quotechar=self.quotechar,
            escapechar=self.escapechar,
            doublequote=self.escapechar is None,
        )


@dataclass
class Layout:
    """What the head of a delimited file tells about all of it."""

    encoding: str
    dialect: Dialect
    names: list[str]
    skip_lines: int  # physical lines before the first data row (sep= line, blanks, header)
    head_rows: list[Row] = field(default_factory=list)  # first data rows, for type inference
    head_row_count: int = 0  # complete data rows inside the head
    head_bytes: int = 0
    complete: bool = True  # the head is the whole file
    ragged: bool = False  # some head rows have a different number of fields than the header


def read_head_text(path: Path, encoding: str) -> tuple[str, int, bool]:
    """Up to :data:`HEAD_TEXT_BYTES` of *path* decoded; also the bytes read and whether that was all."""
    with path.open("rb") as f:
        raw = f.read(HEAD_TEXT_BYTES + 1)
    complete = len(raw) <= HEAD_TEXT_BYTES
    raw = raw[:HEAD_TEXT_BYTES]
    text = codecs.getincrementaldecoder(encoding)("replace").decode(raw, final=complete)
    return text, len(raw), complete


def _lines(text: str, counter: list[int]) -> Iterator[str]:
    """Physical lines as :mod:`csv` and pyarrow see them (``\\n``, ``\\r\\n`` or ``\\r``), counted."""
    for line in io.StringIO(text, newline=""):
        counter[0] += 1
        yield line


def _rows(text: str, dialect: Dialect, complete: bool, limit: int | None = None) -> Iterator[Row]:
    """Non-empty rows of *text*; the last one is dropped when the text was cut off mid-file."""
    reader = dialect.reader(io.StringIO(text, newline=""))
    pending: Row | None = None
    produced = 0
    for row in reader:
        if not row:
            continue
        if pending is not None:
            yield pending
            produced += 1
            if limit is not None and produced >= limit:
                return
        pending = row
    if pending is not None and complete:
        yield pending


def sniff_dialect(text: str, complete: bool, preferred: str = ",") -> Dialect:
    """The delimiter (and quote and escape characters) that splits the first rows most regularly."""
    quotechar = _sniff_quotechar(text)
    escapechar = "\\" if '\\"' in text and '""' not in text and quotechar == '"' else None
    best: tuple[object, ...] | None = None
    chosen = preferred
    for delimiter in DELIMITERS:
        dialect = Dialect(delimiter, quotechar, escapechar)
        try:
            widths = [len(r) for r in _rows(text, dialect, complete, _SNIFF_ROWS)]
        except csv.Error:
            continue
        if not widths:
            continue
        width, hits = Counter(widths).most_common(1)[0]
        score = (width > 1, round(hits / len(widths), 2), width, delimiter == preferred)
        if best is None or score > best:
            best, chosen = score, delimiter
    return Dialect(chosen, quotechar, escapechar)


def _sniff_quotechar(text: str) -> str:
    """``'`` only for files that never use ``"`` but wrap fields in single quotes."""
    if '"' in text or "'" not in text:
        return '"'
    wrapped = len(re.findall(r"(^|[,;\t|])'[^'\r\n]*'(?=[,;\t|\r\n]|$)", text[:65536], re.M))
    lines = max(1, text[:65536].count("\n"))
    return "'" if wrapped >= 0.3 * lines else '"'


def build_layout(path: Path, encoding: str) -> Layout:
    """Sniff the dialect, read the header and the first data rows of *path*."""
    allow_long_fields()
    text, head_bytes, complete = read_head_text(path, encoding)
    text = text.removeprefix("\ufeff")
    first_line = io.StringIO(text, newline="").readline()
    sep = _SEP_LINE.match(first_line)
    preferred = "\t" if path.suffix.lower() in {".tsv", ".tab"} else ","
    counter = [0]
    lines = _lines(text, counter)
    if sep:
        next(lines)
        dialect = Dialect(sep.group(1), _sniff_quotechar(text[len(first_line) :]))
    else:
        dialect = sniff_dialect(text, complete, preferred)
    reader = dialect.reader(lines)
    header: Row = []
    for row in reader:
        if row:
            header = row
            break
    skip_lines = counter[0]
    rest = text if not header else "".join(lines)
    data = list(_rows(rest, dialect, complete)) if header else []
    widths = Counter(len(r) for r in data[:_SNIFF_ROWS])
    width = max(len(header), widths.most_common(1)[0][0] if widths else 0)
    names = dedupe_names(fit_row(header, width)) if header else []
    return Layout(
        encoding=encoding,
        dialect=dialect,
        names=names,
        skip_lines=skip_lines,
        head_rows=[blank_to_none(fit_row(r, width)) for r in data[:TYPE_SAMPLE_ROWS]],
        head_row_count=len(data),
        head_bytes=head_bytes,
        complete=complete,
        ragged=any(len(r) != width for r in data),
    )
