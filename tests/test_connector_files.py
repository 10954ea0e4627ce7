"""FileConnector: every format and encoding, sampling, counts, naming and error handling.

Fixtures are generated into ``tmp_path`` the way the exporting programs write them (Excel's "Unicode
Text" is UTF-16LE with BOM and tabs, Chinese Excel writes GBK...), then read through the public
connector API, so the real detection and parsing paths are what is tested.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import statistics
from pathlib import Path

import pandas as pd
import pytest

from crmscan.connectors import (
    filefmt_csv,
    filefmt_dialect,
    filefmt_encoding,
    filefmt_json,
    filefmt_jsonstream,
)
from crmscan.connectors.base import Connector
from crmscan.connectors.filefmt_common import dedupe_names
from crmscan.connectors.filefmt_sampling import Reservoir
from crmscan.connectors.files import FileConnector
from crmscan.connectors.registry import open_source
from crmscan.errors import ConnectorError, UsageError
from crmscan.model import RowCount

SECRET = "4111111111111111"  # a value that must never appear in any error message


def write_csv(path: Path, rows: list[list[str]], encoding: str = "utf-8", delimiter: str = ",") -> Path:
    buffer = io.StringIO(newline="")
    csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    path.write_bytes(buffer.getvalue().encode(encoding))
    return path


def only_table(path: Path) -> tuple[FileConnector, object]:
    connector = FileConnector(path)
    [table] = connector.tables()
    return connector, table


def read_all(path: Path) -> tuple[list[str], pd.DataFrame, RowCount]:
    connector, table = only_table(path)
    names = [c.name for c in connector.columns(table)]
    return names, connector.sample(table, 10_000, 0), connector.row_count(table)


def contacts_csv(path: Path, n: int, **kwargs: str) -> Path:
    rows = [["id", "email", "city"]] + [[str(i), f"user{i}@example.com", "Berlin"] for i in range(n)]
    return write_csv(path, rows, **kwargs)


# --- encodings and dialects -------------------------------------------------------------------------

ENCODED = [
    ("utf-8", ",", ["name", "email", "city"], [["Zoë", "zoe@example.com", "Zürich"]]),
    ("utf-8-sig", ",", ["name", "email", "city"], [["Zoë", "zoe@example.com", "Zürich"]]),
    ("utf-16", "\t", ["Name", "E-Mail", "Ort"], [["Jürgen Müller", "j@example.de", "Köln"]]),
    ("utf-16-be", ",", ["name", "city"], [["Zoë", "Zürich"]]),
    (
        "gbk",
        ",",
        ["姓名", "手机号", "身份证号"],
        [["张三", "13800138000", "11010119900307451X"], ["李四", "13900139000", "110101199003071234"]],
    ),  # noqa: E501
    ("gb18030", ",", ["客户名称", "地址"], [["王小明", "北京市朝阳区建国路88号"]]),
    (
        "latin-1",
        ";",
        ["nom", "prénom", "ville"],
        [["Dubois", "Hélène", "Montréal"], ["García", "José", "Málaga"]],
    ),
    ("cp1252", ",", ["name", "price", "note"], [["Café", "5€", "“quoted” – dash"]]),
]


@pytest.mark.parametrize(("encoding", "delimiter", "header", "rows"), ENCODED, ids=[e[0] for e in ENCODED])
def test_encodings_round_trip(
    tmp_path: Path, encoding: str, delimiter: str, header: list[str], rows: list
) -> None:
    if encoding == "utf-16-be":  # UTF-16BE with BOM, as some Mac tools write
        data = "\ufeff" + "\r\n".join(delimiter.join(r) for r in [header, *rows]) + "\r\n"
        path = tmp_path / "export.csv"
        path.write_bytes(data.encode("utf-16-be"))
    else:
        path = write_csv(tmp_path / "export.csv", [header, *rows], encoding, delimiter)
    names, frame, count = read_all(path)
    assert names == header
    assert frame.values.tolist() == rows
    assert count == RowCount(len(rows), True, "file_scan")


def test_excel_unicode_text_is_utf16le_with_bom_and_tabs(tmp_path: Path) -> None:
    path = tmp_path / "contacts.txt"
    path.write_bytes(b"\xff\xfe" + "Name\tEmail\r\nAnn\tann@example.com\r\n".encode("utf-16-le"))
    names, frame, _ = read_all(path)
    assert names == ["Name", "Email"]
    assert frame.values.tolist() == [["Ann", "ann@example.com"]]


def test_utf16_without_bom_is_recognised(tmp_path: Path) -> None:
    path = tmp_path / "x.csv"
    path.write_bytes("a,b\r\n1,2\r\n".encode("utf-16-le"))
    names, frame, _ = read_all(path)
    assert names == ["a", "b"] and frame.values.tolist() == [["1", "2"]]


def test_ascii_head_with_latin1_body_is_not_taken_for_utf8(tmp_path: Path) -> None:
    rows = [["id", "name"]] + [[str(i), "Smith"] for i in range(40_000)] + [["x", "Müller"]]
    path = write_csv(tmp_path / "x.csv", rows, "latin-1")
    assert path.stat().st_size > filefmt_encoding.HEAD_BYTES
    assert filefmt_encoding.detect_encoding(path) == "cp1252"


@pytest.mark.parametrize("delimiter", [",", ";", "\t", "|"])
def test_delimiters_are_sniffed(tmp_path: Path, delimiter: str) -> None:
    rows = [["id", "full name", "amount"], ["1", "Ann, B.", "1,5"], ["2", "Bob; C.", "2,25"]]
    names, frame, _ = read_all(write_csv(tmp_path / "x.csv", rows, delimiter=delimiter))
    assert names == rows[0]
    assert frame.values.tolist() == rows[1:]


def test_semicolon_export_with_decimal_commas(tmp_path: Path) -> None:
    path = tmp_path / "umsatz.csv"
    path.write_text(
        "Kunde;Betrag;IBAN\nMüller;1.234,56;DE89370400440532013000\nSchmidt;12,50;DE02120300000000202051\n"
    )
    names, frame, _ = read_all(path)
    assert names == ["Kunde", "Betrag", "IBAN"]
    assert frame["Betrag"].tolist() == ["1.234,56", "12,50"]


def test_excel_sep_line_decides_the_delimiter(tmp_path: Path) -> None:
    path = tmp_path / "x.csv"
    path.write_text("sep=;\r\na;b\r\n1,5;2\r\n", encoding="utf-8")
    names, frame, _ = read_all(path)
    assert names == ["a", "b"] and frame.values.tolist() == [["1,5", "2"]]


def test_old_mac_line_endings_and_bom_with_sep_line(tmp_path: Path) -> None:
    path = tmp_path / "x.csv"
    body = "".join(f"{i};user{i}@example.com\r" for i in range(300))  # more rows than the head keeps
    path.write_bytes(b"\xef\xbb\xbf" + f"sep=;\rid;email\r{body}".encode())
    names, frame, count = read_all(path)
    assert names == ["id", "email"] and count == RowCount(300, True, "file_scan")
    assert frame.values.tolist()[-1] == ["299", "user299@example.com"]


def test_tsv_extension_prefers_tab_on_a_tie(tmp_path: Path) -> None:
    path = tmp_path / "x.tsv"
    path.write_text("a,b\tc\n1,2\t3\n", encoding="utf-8")
    names, _, _ = read_all(path)
    assert names == ["a,b", "c"]


def test_quoted_fields_with_newlines_delimiters_and_quotes(tmp_path: Path) -> None:
    rows = [
        ["id", "notes", "email"],
        ["1", 'Called, said "call back"\nnext week', "a@example.com"],
        ["2", "", ""],
    ]
    names, frame, count = read_all(write_csv(tmp_path / "x.csv", rows))
    assert names == rows[0]
    assert frame.values.tolist() == [rows[1], ["2", None, None]]
    assert count.value == 2


def test_multiline_quoted_header_and_streamed_rows(tmp_path: Path) -> None:
    """More rows than the head keeps, so the streaming (pyarrow) pass has to skip a two-line header."""
    rows = [["id", "notes\n(free text)"]] + [[str(i), f"line one\nline two {i}"] for i in range(500)]
    names, frame, count = read_all(write_csv(tmp_path / "x.csv", rows))
    assert names == ["id", "notes\n(free text)"]
    assert frame.values.tolist() == rows[1:]
    assert count == RowCount(500, True, "file_scan")


def test_ragged_rows_fall_back_to_the_tolerant_reader(tmp_path: Path) -> None:
    rows = (
        [["a", "b", "c"]] + [[str(i), "x", "y"] for i in range(300)] + [["short"], ["1", "2", "3", "extra"]]
    )
    names, frame, count = read_all(write_csv(tmp_path / "x.csv", rows))
    assert names == ["a", "b", "c"]
    assert count.value == 302
    assert frame.values.tolist()[-2:] == [["short", None, None], ["1", "2", "3"]]


def test_pyarrow_and_csv_module_pick_the_same_rows(tmp_path: Path) -> None:
    path = contacts_csv(tmp_path / "x.csv", 5000)
    reader = filefmt_csv.CsvReader(path, "x.csv")
    fast = reader._scan_arrow(Reservoir(50, 7)).rows()
    slow = reader._scan_python(Reservoir(50, 7)).rows()
    assert fast == slow and len(fast) == 50


def test_invalid_bytes_in_utf8_file_are_replaced_not_fatal(tmp_path: Path) -> None:
    path = contacts_csv(tmp_path / "x.csv", 20_000)
    data = path.read_bytes()
    path.write_bytes(
        data[:-30] + b"\xff\xfe\xfd" + data[-30:]
    )  # after the probes, as in a real late surprise
    connector, table = only_table(path)
    assert len(connector.sample(table, 20_001, 0)) == 20_000


def test_long_field_is_read(tmp_path: Path) -> None:
    big = "x" * 300_000
    names, frame, _ = read_all(write_csv(tmp_path / "x.csv", [["id", "body"], ["1", big], ["2", "short"]]))
    assert frame["body"].tolist() == [big, "short"]


def test_single_quote_quoting_is_sniffed(tmp_path: Path) -> None:
    path = tmp_path / "x.csv"
    path.write_text("'name','city'\n'Smith, J','Paris'\n'Doe, A','Rome'\n", encoding="utf-8")
    names, frame, _ = read_all(path)
    assert names == ["name", "city"] and frame.values.tolist() == [["Smith, J", "Paris"], ["Doe, A", "Rome"]]


# --- header names and types -------------------------------------------------------------------------


def test_dedupe_names() -> None:
    assert dedupe_names(["email", "", "email", " email ", None, "email.1"]) == [
        "email", "col_2", "email.1", "email.2", "col_5", "email.1.1",
    ]  # fmt: skip


def test_blank_and_duplicate_headers_in_a_file(tmp_path: Path) -> None:
    path = tmp_path / "x.csv"
    path.write_text("email,,email,Name\na@x.org,1,b@x.org,Ann\n", encoding="utf-8")
    names, frame, _ = read_all(path)
    assert names == ["email", "col_2", "email.1", "Name"]
    assert list(frame.columns) == names


def test_data_wider_than_header_gets_extra_columns(tmp_path: Path) -> None:
    path = tmp_path / "x.csv"
    path.write_text("a,b\n1,2,3\n4,5,6\n", encoding="utf-8")
    names, frame, _ = read_all(path)
    assert names == ["a", "b", "col_3"] and frame["col_3"].tolist() == ["3", "6"]


def test_column_types_are_inferred(tmp_path: Path) -> None:
    rows = [["i", "f", "b", "d", "ts", "s", "zip", "empty"]] + [
        [str(k), f"{k}.5", "true" if k % 2 else "false", f"2024-01-{k + 1:02d}", f"2024-01-01T10:{k:02d}:00Z",
         f"name {k}", f"0{k}123", ""]
        for k in range(20)
    ]  # fmt: skip
    connector, table = only_table(write_csv(tmp_path / "x.csv", rows))
    types = {c.name: c.data_type for c in connector.columns(table)}
    assert types == {
        "i": "integer", "f": "float", "b": "boolean", "d": "date", "ts": "datetime", "s": "string",
        "zip": "string", "empty": "unknown",
    }  # fmt: skip
    assert all(c.native_type == "" for c in connector.columns(table))


# --- other formats ----------------------------------------------------------------------------------


def test_xlsx_each_sheet_is_a_table(tmp_path: Path) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    contacts = book.active
    contacts.title = "Contacts"
    contacts.append(["Customer export"])  # a title line above the header is common
    contacts.append([])
    contacts.append(["Name", "Email", "Born", "Score", None, "Name"])
    contacts.append(["Ann", "ann@example.com", dt.datetime(1990, 3, 7), 3, None, "A"])
    contacts.append([None, None, None, None, None, None])
    contacts.append(["Bob", "bob@example.com", dt.datetime(1985, 1, 2), 4.5, None, "B"])
    deals = book.create_sheet("Deals")
    deals.append(["deal_id", "amount"])
    for i in range(30):
        deals.append([i, i + 0.5])
    book.create_sheet("Empty")
    path = tmp_path / "crm.xlsx"
    book.save(path)

    connector = FileConnector(path)
    tables = connector.tables()
    assert [(t.name, t.kind) for t in tables] == [
        ("crm.xlsx:Contacts", "sheet"), ("crm.xlsx:Deals", "sheet"), ("crm.xlsx:Empty", "sheet")
    ]  # fmt: skip
    assert tables[0].locator == f"{path.resolve()}:Contacts"
    first, second, empty = tables
    # The title line is the first non-empty row, so it is taken as the header: document that behaviour.
    assert [c.name for c in connector.columns(first)][0] == "Customer export"
    assert [(c.name, c.data_type) for c in connector.columns(second)] == [
        ("deal_id", "integer"),
        ("amount", "float"),
    ]
    assert connector.row_count(second) == RowCount(30, True, "file_scan")
    frame = connector.sample(second, 5, 1)
    assert len(frame) == 5 and frame.equals(connector.sample(second, 5, 1))
    assert connector.columns(empty) == [] and connector.row_count(empty).value == 0
    assert connector.sample(empty, 5, 0).empty


def test_xlsx_header_is_first_non_empty_row(tmp_path: Path) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Sheet1"
    sheet.append([])
    sheet.append(["Name", "Email", "Born", None, "Name"])
    sheet.append(["Ann", "ann@example.com", dt.datetime(1990, 3, 7), None, "A"])
    sheet.append([None])
    sheet.append(["Bob", "", dt.datetime(1985, 1, 2), None, "B"])
    path = tmp_path / "people.xlsx"
    book.save(path)
    connector, table = only_table(path)
    assert [(c.name, c.data_type) for c in connector.columns(table)] == [
        ("Name", "string"), ("Email", "string"), ("Born", "date"), ("col_4", "unknown"), ("Name.1", "string")
    ]  # fmt: skip
    frame = connector.sample(table, 10, 0)
    assert frame.values.tolist() == [
        ["Ann", "ann@example.com", dt.datetime(1990, 3, 7), None, "A"],
        ["Bob", None, dt.datetime(1985, 1, 2), None, "B"],
    ]
    assert connector.row_count(table) == RowCount(2, True, "file_scan")


def test_large_xlsx_count_is_the_stored_dimension_until_sampled(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    from crmscan.connectors import filefmt_xlsx

    monkeypatch.setattr(filefmt_xlsx, "EXACT_COUNT_MAX_BYTES", 0)
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Leads"
    sheet.append(["email"])
    for i in range(50):
        sheet.append([f"u{i}@example.com"])
    path = tmp_path / "leads.xlsx"
    book.save(path)
    connector, table = only_table(path)
    assert connector.row_count(table) == RowCount(50, False, "estimate")
    assert len(connector.sample(table, 10, 0)) == 10
    assert connector.row_count(table) == RowCount(50, True, "file_scan")


def test_jsonl_flattens_nested_objects(tmp_path: Path) -> None:
    path = tmp_path / "contacts.jsonl"
    records = [
        {
            "id": 1,
            "email": "a@example.com",
            "address": {"city": "Lyon", "geo": {"lat": 45.7}},
            "tags": ["vip"],
        },
        {"id": 2, "phone": "+33 1 23 45 67 89", "address": {"city": "Nice"}, "active": True},
    ]
    path.write_text("\n".join(json.dumps(r) for r in records) + "\n\n", encoding="utf-8")
    connector, table = only_table(path)
    assert [(c.name, c.data_type) for c in connector.columns(table)] == [
        ("id", "integer"), ("email", "string"), ("address.city", "string"), ("address.geo.lat", "float"),
        ("tags", "string"), ("phone", "string"), ("active", "boolean"),
    ]  # fmt: skip
    frame = connector.sample(table, 10, 0)
    assert frame.values.tolist() == [
        [1, "a@example.com", "Lyon", 45.7, '["vip"]', None, None],
        [2, None, "Nice", None, None, "+33 1 23 45 67 89", True],
    ]
    assert connector.row_count(table) == RowCount(2, True, "file_scan")


@pytest.mark.parametrize(
    "text",
    [
        '[{"id": 1, "name": "Ann"}, {"id": 2, "name": "Bob"}]',
        '  [\n {"id": 1, "name": "Ann"},\n {"id": 2, "name": "Bob"}\n]\n',
        '{"id": 1, "name": "Ann"}\n{"id": 2, "name": "Bob"}\n',  # JSON Lines saved as .json
        '{"totalSize": 2, "done": true, "records": [{"id": 1, "name": "Ann"}, {"id": 2, "name": "Bob"}]}',
    ],
    ids=["array", "pretty-array", "ndjson-in-json", "api-wrapper"],
)
def test_json_shapes(tmp_path: Path, text: str) -> None:
    path = tmp_path / "contacts.json"
    path.write_text(text, encoding="utf-8")
    names, frame, count = read_all(path)
    assert names == ["id", "name"]
    assert frame.values.tolist() == [[1, "Ann"], [2, "Bob"]]
    assert count == RowCount(2, True, "file_scan")


def test_json_array_streams_across_buffer_boundaries(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(filefmt_jsonstream, "CHUNK_CHARS", 7)
    path = tmp_path / "x.json"
    path.write_text(json.dumps([{"n": i, "amount": 1234567 + i, "s": "ü" * (i % 5)} for i in range(200)]))
    names, frame, count = read_all(path)
    assert names == ["n", "amount", "s"] and count.value == 200
    assert frame["amount"].tolist() == [1234567 + i for i in range(200)]


@pytest.mark.parametrize(
    ("text", "why"),
    [
        (f'[{{"card": "{SECRET}"}}, {{"card": {SECRET} oops}}]', "invalid JSON"),
        (f'[{{"card": "{SECRET}"}}, "{SECRET}"]', "record 2 is not a JSON object"),
        (f'"{SECRET}"', "expected an array"),
        (f'[{{"card": "{SECRET}"}}', "expected ']'"),
    ],
)
def test_broken_json_names_the_problem_not_the_value(tmp_path: Path, text: str, why: str) -> None:
    path = tmp_path / "bad.json"
    path.write_text(text, encoding="utf-8")
    connector, table = only_table(path)
    with pytest.raises(ConnectorError) as info:
        connector.columns(table)
        connector.sample(table, 10, 0)
    assert str(info.value).startswith("bad.json: ") and why in str(info.value)
    assert SECRET not in str(info.value) and "4111" not in str(info.value)


def test_parquet(tmp_path: Path) -> None:
    pa = pytest.importorskip("pyarrow")
    pq = pytest.importorskip("pyarrow.parquet")
    table = pa.table(
        {
            "id": pa.array(range(1000), pa.int64()),
            "email": [f"u{i}@example.com" for i in range(1000)],
            "born": pa.array([dt.date(1990, 1, 1) + dt.timedelta(days=i) for i in range(1000)], pa.date32()),
            "seen": pa.array([dt.datetime(2024, 1, 1)] * 1000, pa.timestamp("us")),
            "vip": [i % 2 == 0 for i in range(1000)],
            "score": [i / 3 for i in range(1000)],
            "address": [{"city": "Oslo", "zip": f"{i:04d}"} for i in range(1000)],
        }
    )
    path = tmp_path / "contacts.parquet"
    pq.write_table(table, path, row_group_size=128)
    connector, ref = only_table(path)
    cols = connector.columns(ref)
    assert [(c.name, c.data_type, c.native_type) for c in cols] == [
        ("id", "integer", "int64"), ("email", "string", "string"), ("born", "date", "date32[day]"),
        ("seen", "datetime", "timestamp[us]"), ("vip", "boolean", "bool"), ("score", "float", "double"),
        ("address.city", "string", "string"), ("address.zip", "string", "string"),
    ]  # fmt: skip
    assert connector.row_count(ref) == RowCount(1000, True, "metadata")
    frame = connector.sample(ref, 100, 3)
    assert list(frame.columns) == [c.name for c in cols] and len(frame) == 100
    ids = frame["id"].tolist()
    assert ids == sorted(ids) and ids[0] < 300 and ids[-1] > 700
    row = frame.iloc[0]
    assert row["email"] == f"u{row['id']}@example.com" and row["address.zip"] == f"{row['id']:04d}"
    assert frame.equals(connector.sample(ref, 100, 3))
    assert not frame.equals(connector.sample(ref, 100, 4))
    assert len(connector.sample(ref, 5000, 0)) == 1000


# --- sampling ---------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def ten_thousand(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return contacts_csv(tmp_path_factory.mktemp("s") / "contacts.csv", 10_000)


def test_sample_is_reproducible_and_seed_dependent(ten_thousand: Path) -> None:
    connector, table = only_table(ten_thousand)
    first = connector.sample(table, 100, 42)
    assert len(first) == 100 and list(first.columns) == ["id", "email", "city"]
    assert first.equals(FileConnector(ten_thousand).sample(table, 100, 42))
    assert not first.equals(connector.sample(table, 100, 43))


def test_sample_spreads_over_the_whole_file(ten_thousand: Path) -> None:
    connector, table = only_table(ten_thousand)
    ids = [int(x) for x in connector.sample(table, 100, 1)["id"]]
    assert ids == sorted(ids)  # file order
    assert ids[-1] > 9000 and ids[0] < 1000
    assert 3500 < statistics.mean(ids) < 6500
    assert sum(i >= 5000 for i in ids) >= 30  # not the first N rows


def test_sample_all_rows_when_fewer_than_n(ten_thousand: Path) -> None:
    connector, table = only_table(ten_thousand)
    frame = connector.sample(table, 20_000, 0)
    assert [int(x) for x in frame["id"]] == list(range(10_000))


def test_sample_of_zero_rows_keeps_columns(ten_thousand: Path) -> None:
    connector, table = only_table(ten_thousand)
    frame = connector.sample(table, 0, 0)
    assert frame.empty and list(frame.columns) == ["id", "email", "city"]


def test_reservoir_is_uniform() -> None:
    """Each of 100 items is picked by about 10/100 of 2000 seeded runs (chi-square, df=99)."""
    hits = [0] * 100
    runs = 2000
    for seed in range(runs):
        reservoir = Reservoir(10, seed)
        reservoir.offer_all([i] for i in range(100))
        for (item,) in reservoir.rows():
            hits[item] += 1
    expected = runs * 10 / 100
    chi2 = sum((h - expected) ** 2 / expected for h in hits)
    assert chi2 < 160  # p ≈ 0.0001 for 99 degrees of freedom


def test_reservoir_does_not_depend_on_batching() -> None:
    def run(batches: list[int]) -> list:
        reservoir = Reservoir(7, 5)
        start = 0
        for size in batches:
            reservoir.offer_batch(size, lambda offsets, s=start: [[s + o] for o in offsets])
            start += size
        return reservoir.rows()

    one_by_one = Reservoir(7, 5)
    one_by_one.offer_all([i] for i in range(1000))
    assert run([1000]) == run([1] * 1000) == run([3, 500, 97, 400]) == one_by_one.rows()


# --- counts -----------------------------------------------------------------------------------------


def test_large_csv_count_is_an_estimate_until_sampled(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(filefmt_csv, "EXACT_COUNT_MAX_BYTES", 1000)
    monkeypatch.setattr(filefmt_dialect, "HEAD_TEXT_BYTES", 4096)
    path = contacts_csv(tmp_path / "x.csv", 5000)
    connector, table = only_table(path)
    estimate = connector.row_count(table)
    assert not estimate.exact and estimate.method == "estimate"
    assert estimate.value is not None and 4000 < estimate.value < 6000
    connector.sample(table, 10, 0)
    assert connector.row_count(table) == RowCount(5000, True, "file_scan")


def test_mid_size_csv_is_counted_exactly(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(filefmt_dialect, "HEAD_TEXT_BYTES", 4096)
    connector, table = only_table(contacts_csv(tmp_path / "x.csv", 5000))
    assert connector.row_count(table) == RowCount(5000, True, "file_scan")


def test_large_json_count_is_an_estimate(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(filefmt_json, "FULL_SCAN_BYTES", 1000)
    monkeypatch.setattr(filefmt_json, "HEAD_RECORDS", 100)
    monkeypatch.setattr(filefmt_json, "_ESTIMATE_AFTER_BYTES", 0)
    monkeypatch.setattr(filefmt_jsonstream, "CHUNK_CHARS", 1024)
    path = tmp_path / "x.jsonl"
    path.write_text(
        "".join(json.dumps({"id": i, "email": f"u{i}@example.com"}) + "\n" for i in range(20_000))
    )
    connector, table = only_table(path)
    count = connector.row_count(table)
    assert count.method == "estimate" and not count.exact and 10_000 < (count.value or 0) < 40_000
    assert len(connector.sample(table, 50, 0)) == 50
    assert connector.row_count(table) == RowCount(20_000, True, "file_scan")


# --- empty, broken, unsupported ---------------------------------------------------------------------


def test_empty_file(tmp_path: Path) -> None:
    path = tmp_path / "empty.csv"
    path.write_bytes(b"")
    names, frame, count = read_all(path)
    assert names == [] and frame.empty and count == RowCount(0, True, "file_scan")


def test_header_only_file(tmp_path: Path) -> None:
    path = tmp_path / "header.csv"
    path.write_text("id;email;phone\r\n", encoding="utf-8")
    names, frame, count = read_all(path)
    assert names == ["id", "email", "phone"]
    assert frame.empty and list(frame.columns) == names
    assert count == RowCount(0, True, "file_scan")


def test_empty_json_and_jsonl(tmp_path: Path) -> None:
    (tmp_path / "a.json").write_text("[]")
    (tmp_path / "b.jsonl").write_text("\n\n")
    connector = FileConnector(tmp_path)
    for table in connector.tables():
        assert connector.columns(table) == [] and connector.row_count(table).value == 0
        assert connector.sample(table, 5, 0).empty


@pytest.fixture
def messy_folder(tmp_path: Path) -> Path:
    root = tmp_path / "exports"
    (root / "sub" / "deeper").mkdir(parents=True)
    (root / ".git").mkdir()
    contacts_csv(root / "contacts.csv", 3)
    contacts_csv(root / "sub" / "deeper" / "leads.csv", 2)
    (root / "sub" / "binary.csv").write_bytes(bytes(range(256)) * 64 + SECRET.encode())
    (root / "broken.xlsx").write_bytes(b"PK\x03\x04 not really a zip " + SECRET.encode())
    (root / "bad.jsonl").write_text(f'{{"card": "{SECRET}"}}\n{{"card": {SECRET}x}}\n')
    (root / "truncated.parquet").write_bytes(b"PAR1" + SECRET.encode())
    (root / "legacy.xls").write_bytes(b"\xd0\xcf\x11\xe0")
    (root / "archive.zip").write_bytes(b"PK")
    (root / "README.md").write_text("# exports")
    (root / "logo.png").write_bytes(b"\x89PNG")
    (root / ".hidden.csv").write_text("a\n1\n")
    (root / ".git" / "config.csv").write_text("a\n1\n")
    (root / "~$contacts.xlsx").write_bytes(b"lock")
    (root / "LICENSE").write_text("MIT")
    return root


def test_folder_listing_is_sorted_and_skips_non_data(messy_folder: Path) -> None:
    connector = FileConnector(messy_folder)
    names = [t.name for t in connector.tables()]
    assert names == [
        "archive.zip", "bad.jsonl", "broken.xlsx", "contacts.csv", "legacy.xls", "sub/binary.csv",
        "sub/deeper/leads.csv", "truncated.parquet",
    ]  # fmt: skip
    for table in connector.tables():
        assert table.source == str(messy_folder) and table.kind == "file"
        assert Path(table.locator).is_absolute() and Path(table.locator).exists()


def test_broken_files_fail_alone_with_a_clean_message(messy_folder: Path) -> None:
    connector = FileConnector(messy_folder)
    good = {"contacts.csv": 3, "sub/deeper/leads.csv": 2}
    for table in connector.tables():
        if table.name in good:
            assert connector.row_count(table).value == good[table.name]
            assert len(connector.sample(table, 10, 0)) == good[table.name]
            continue
        for call in (
            lambda t=table: connector.columns(t),
            lambda t=table: connector.row_count(t),
            lambda t=table: connector.sample(t, 10, 0),
        ):
            with pytest.raises(ConnectorError) as info:
                call()
            message = str(info.value)
            assert message.startswith(f"{table.name}: "), message
            assert "\n" not in message and SECRET not in message and "4111" not in message


def test_unsupported_messages_give_advice(messy_folder: Path) -> None:
    connector = FileConnector(messy_folder)
    by_name = {t.name: t for t in connector.tables()}
    with pytest.raises(ConnectorError, match=r"legacy\.xls: .*'\.xls'.*re-save it as \.xlsx"):
        connector.columns(by_name["legacy.xls"])
    with pytest.raises(ConnectorError, match=r"extract it first"):
        connector.columns(by_name["archive.zip"])
    with pytest.raises(ConnectorError, match=r"binary.*UTF-8 CSV"):
        connector.columns(by_name["sub/binary.csv"])
    with pytest.raises(
        ConnectorError, match=r"broken\.xlsx: not a readable Excel workbook \(BadZipFile: .*save"
    ):
        connector.columns(by_name["broken.xlsx"])


def test_unsupported_single_file_is_a_usage_error(tmp_path: Path) -> None:
    path = tmp_path / "notes.docx"
    path.write_bytes(b"PK")
    with pytest.raises(UsageError) as info:
        FileConnector(path)
    message = str(info.value)
    assert str(path) in message and "'.docx'" in message
    for kind in ("CSV", "TSV", "XLSX", "JSON", "JSONL", "Parquet"):
        assert kind in message


def test_missing_path_is_a_usage_error(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="no such file"):
        FileConnector(tmp_path / "nope")


def test_single_file_naming_and_registry(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    contacts_csv(tmp_path / "contacts.csv", 2)
    monkeypatch.chdir(tmp_path)
    connector = open_source("contacts.csv")
    assert isinstance(connector, FileConnector) and isinstance(connector, Connector)
    assert connector.label == "contacts.csv"
    [table] = connector.tables()
    assert (table.source, table.name, table.kind) == ("contacts.csv", "contacts.csv", "file")
    assert table.locator == str((tmp_path / "contacts.csv").resolve())
    with connector:
        assert connector.row_count(table).value == 2


def test_hidden_single_file_given_directly_is_read(tmp_path: Path) -> None:
    path = contacts_csv(tmp_path / ".contacts.csv", 2)
    _, _, count = read_all(path)
    assert count.value == 2


def test_pyarrow_parse_errors_never_surface(tmp_path: Path) -> None:
    """pyarrow quotes the failing row in its messages; the connector must not pass them on."""
    path = tmp_path / "x.csv"
    body = "".join(f"{i},{SECRET},ok\n" for i in range(300))
    path.write_text("a,b,c\n" + body + f'1,"{SECRET}\n', encoding="utf-8")  # unclosed quote at the end
    connector, table = only_table(path)
    frame = connector.sample(table, 1000, 0)
    assert len(frame) == 301
