"""Property tests for the file connector's text path.

* Whatever bytes a ``.csv`` holds, the connector answers or raises :class:`ConnectorError`; nothing else
  escapes (a crash on one export would otherwise end a folder scan's usefulness).
* A table written as CSV in any supported encoding and delimiter reads back with the same header and
  values.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from crmscan.connectors import filefmt_types as types
from crmscan.connectors.files import FileConnector
from crmscan.errors import ConnectorError

SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _read(data: bytes, suffix: str = ".csv") -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"input{suffix}"
        path.write_bytes(data)
        connector = FileConnector(path)
        [table] = connector.tables()
        try:
            columns = connector.columns(table)
            count = connector.row_count(table)
            frame = connector.sample(table, 5, 0)
        except ConnectorError as exc:
            assert "\n" not in str(exc)
            return
        assert list(frame.columns) == [c.name for c in columns]
        assert len(set(frame.columns)) == len(frame.columns)
        assert count.value is not None and len(frame) == min(5, count.value)


@SETTINGS
@given(st.binary(max_size=4096))
def test_any_bytes_give_a_result_or_a_connector_error(data: bytes) -> None:
    _read(data)


CSV_BITS = st.sampled_from(
    ["a", "b", ",", ";", "\t", "|", '"', "'", "\n", "\r", "\r\n", " ", "é", "中", "\x00", "\ufeff"]
)


@SETTINGS
@given(
    st.lists(CSV_BITS, max_size=200).map("".join), st.sampled_from(["utf-8", "utf-16", "gb18030", "latin-1"])
)
def test_csv_like_text_gives_a_result_or_a_connector_error(text: str, encoding: str) -> None:
    _read(text.encode(encoding, errors="replace"))


@SETTINGS
@given(st.binary(max_size=2048), st.sampled_from([".json", ".jsonl", ".xlsx", ".parquet", ".tsv"]))
def test_any_bytes_in_other_formats_give_a_result_or_a_connector_error(data: bytes, suffix: str) -> None:
    _read(data, suffix)


# Words as real exports have them: accented letters follow or precede ASCII ones, as in "Müller" or
# "José". (A string made only of accented letters is a valid GBK byte sequence in Latin-1; no detector
# can tell those apart, and no CRM export looks like that.)
_ASCII = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
_LATIN_SYLLABLES = st.tuples(st.sampled_from(_ASCII), st.sampled_from("aeiouéèàüöäßñçøåÉÜ")).map("".join)
_CJK = st.sampled_from("张王李赵刘陈杨黄周吴姓名手机号身份证地址客户编号银行卡北京上海广州深圳市区路")
_UNICODE = st.characters(codec="utf-8", exclude_categories=("Cs", "Cc", "Zl", "Zp"))

ALPHABETS = {
    "utf-8": st.lists(_UNICODE, min_size=1, max_size=12).map("".join),
    "utf-8-sig": st.lists(_UNICODE, min_size=1, max_size=12).map("".join),
    "utf-16": st.lists(_UNICODE, min_size=1, max_size=12).map("".join),
    "gb18030": st.lists(_CJK, min_size=1, max_size=6).map("".join),
    "cp1252": st.lists(_LATIN_SYLLABLES, min_size=1, max_size=6).map("".join),
}


@st.composite
def tables(draw: st.DrawFn) -> tuple[str, str, list[str], list[list[str]]]:
    encoding = draw(st.sampled_from(sorted(ALPHABETS)))
    delimiter = draw(st.sampled_from([",", ";", "\t", "|"]))
    word = ALPHABETS[encoding].filter(lambda w: w.strip() == w and w.strip() and not set(w) & set(",;\t|\"'"))
    width = draw(st.integers(min_value=2, max_value=6))
    header = draw(st.lists(word, min_size=width, max_size=width, unique=True))
    # Values may contain the delimiter, quotes and newlines: the writer quotes them.
    value = st.one_of(word, st.builds(lambda a, b: f'{a}{delimiter} "{b}"\n{a}', word, word))
    rows = draw(st.lists(st.lists(value, min_size=width, max_size=width), min_size=1, max_size=8))
    return encoding, delimiter, header, rows


@SETTINGS
@given(tables())
def test_round_trip_in_every_encoding(table: tuple[str, str, list[str], list[list[str]]]) -> None:
    encoding, delimiter, header, rows = table
    buffer = io.StringIO(newline="")
    csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n").writerows([header, *rows])
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "export.csv"
        path.write_bytes(buffer.getvalue().encode(encoding))
        connector = FileConnector(path)
        [ref] = connector.tables()
        assert [c.name for c in connector.columns(ref)] == header
        assert connector.sample(ref, 100, 0).values.tolist() == rows


def _strptime_any(text: str, formats: tuple[str, ...]) -> bool:
    for fmt in formats:
        try:
            dt.datetime.strptime(text, fmt)
        except ValueError:
            continue
        return True
    return False


_DATE_ALPHABET = st.sampled_from(list("0123456789-/.: APMapmxT"))


@SETTINGS
@given(
    st.one_of(
        st.text(_DATE_ALPHABET, max_size=24),
        st.datetimes().map(lambda d: d.strftime(_random_format(d))),
    )
)
def test_type_guess_shape_gates_never_change_a_date_verdict(text: str) -> None:
    """The character gates in front of strptime only skip strings that no date format accepts."""
    assert types._is_date(text) == _strptime_any(text, types._DATE_FORMATS)
    if not types._ISO_DATETIME.match(text):
        assert types._is_datetime(text) == _strptime_any(text, types._OTHER_DATETIME_FORMATS)


def _random_format(d: dt.datetime) -> str:
    formats = types._DATE_FORMATS + types._OTHER_DATETIME_FORMATS
    return formats[d.microsecond % len(formats)]
