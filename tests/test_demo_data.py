"""The bundled demo CRM (examples/demo_crm) and its ground truth (expected_labels.yaml).

Checks that the generator is deterministic and matches the committed files, that the ground truth names
exactly the columns the data has, that every export parses with its stated encoding, and that the
identifiers the labels promise are what they claim to be (Luhn, IBAN mod 97, GB 11643, ...). Check digits
are verified with python-stdnum, independently of the generator's own implementations.
"""

from __future__ import annotations

import csv
import io
import ipaddress
import re
import sqlite3
import subprocess
import sys
from pathlib import Path

import phonenumbers
import pytest
import yaml
from stdnum import iban, luhn
from stdnum.cn import ric
from stdnum.de import idnr
from stdnum.es import dni
from stdnum.es import iban as es_iban
from stdnum.fr import nir
from stdnum.it import codicefiscale
from stdnum.nl import bsn
from stdnum.us import ssn

REPO = Path(__file__).resolve().parents[1]
SCRIPT = REPO / "examples" / "build_demo_crm.py"
DEMO = REPO / "examples" / "demo_crm"
DB = "crm.sqlite"

#: Every generated export and the encoding it is written in (also stated in the demo README).
EXPORTS = {
    "exports/salesforce_contacts.csv": "utf-8",
    "exports/hubspot_contacts.csv": "utf-8-sig",
    "exports/客户名单_gbk.csv": "gbk",
}
GENERATED = [DB, *EXPORTS]
CATEGORIES = {"pii", "financial", "health", "special", "credential"}
PROTECTIONS = {"masked", "hashed", "tokenized", "encrypted"}
ENTRY_KEYS = {"categories", "entity", "other_entities", "protection", "acceptable", "note"}


def _build(out: Path) -> None:
    subprocess.run([sys.executable, str(SCRIPT), "--out", str(out)], check=True, capture_output=True)


@pytest.fixture(scope="module")
def builds(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    a, b = tmp_path_factory.mktemp("demo_a"), tmp_path_factory.mktemp("demo_b")
    _build(a)
    _build(b)
    return a, b


@pytest.fixture(scope="module")
def con() -> sqlite3.Connection:
    c = sqlite3.connect(f"file:{DEMO / DB}?mode=ro", uri=True)
    yield c
    c.close()


@pytest.fixture(scope="module")
def labels() -> dict:
    return yaml.safe_load((DEMO / "expected_labels.yaml").read_text(encoding="utf-8"))


def _read_csv(rel: str) -> tuple[list[str], list[list[str]]]:
    text = (DEMO / rel).read_bytes().decode(EXPORTS[rel])  # strict: raises on any undecodable byte
    rows = list(csv.reader(io.StringIO(text, newline="")))
    return rows[0], rows[1:]


def _csv_dicts(rel: str) -> list[dict[str, str]]:
    header, rows = _read_csv(rel)
    return [dict(zip(header, row, strict=True)) for row in rows]


def _column(con: sqlite3.Connection, sql: str) -> list:
    return [r[0] for r in con.execute(sql)]


def _sqlite_tables(con: sqlite3.Connection) -> dict[str, list[str]]:
    names = _column(
        con, "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY rowid"
    )
    return {t: [r[1] for r in con.execute(f"PRAGMA table_info({t})")] for t in names}


# -- determinism ---------------------------------------------------------------------------------


def test_generator_is_deterministic(builds: tuple[Path, Path]) -> None:
    a, b = builds
    for rel in GENERATED:
        assert (a / rel).read_bytes() == (b / rel).read_bytes(), f"{rel} differs between two runs"


def test_committed_files_match_generator(builds: tuple[Path, Path]) -> None:
    fresh = builds[0]
    for rel in EXPORTS:
        assert (fresh / rel).read_bytes() == (DEMO / rel).read_bytes(), (
            f"{rel} is stale: re-run python examples/build_demo_crm.py"
        )
    committed, rebuilt = (DEMO / DB).read_bytes(), (fresh / DB).read_bytes()
    # The SQLite header records the library version that wrote the file (offset 96); byte equality can
    # only be asked of the same version. Otherwise compare the logical content.
    if committed[96:100] == rebuilt[96:100]:
        assert committed == rebuilt, "crm.sqlite is stale: re-run python examples/build_demo_crm.py"
    else:
        dumps = []
        for path in (DEMO / DB, fresh / DB):
            c = sqlite3.connect(path)
            dumps.append(list(c.iterdump()))
            c.close()
        assert dumps[0] == dumps[1], "crm.sqlite content is stale: re-run python examples/build_demo_crm.py"


def test_only_expected_files_are_generated(builds: tuple[Path, Path]) -> None:
    produced = sorted(
        str(p.relative_to(builds[0])).replace("\\", "/") for p in builds[0].rglob("*") if p.is_file()
    )
    assert produced == sorted(GENERATED)


def test_sizes_stay_small() -> None:
    assert (DEMO / DB).stat().st_size < 3_000_000
    assert sum((DEMO / rel).stat().st_size for rel in EXPORTS) < 1_000_000


# -- ground truth covers exactly the data --------------------------------------------------------


def test_labels_cover_every_source(labels: dict) -> None:
    assert sorted(labels) == sorted(GENERATED)


def test_labels_cover_every_sqlite_column_in_order(labels: dict, con: sqlite3.Connection) -> None:
    tables = _sqlite_tables(con)
    assert list(labels[DB]) == list(tables)
    for table, columns in tables.items():
        assert list(labels[DB][table]) == columns, f"expected_labels.yaml out of step with table {table}"


@pytest.mark.parametrize("rel", list(EXPORTS))
def test_labels_cover_every_csv_column_in_order(labels: dict, rel: str) -> None:
    header, _ = _read_csv(rel)
    assert list(labels[rel]) == [""], "a CSV file holds one table, keyed by the empty string"
    assert list(labels[rel][""]) == header


def _entries(labels: dict):
    for source, tables in labels.items():
        for table, columns in tables.items():
            for column, entry in columns.items():
                yield f"{source}:{table}.{column}", entry


def test_label_entries_are_well_formed(labels: dict) -> None:
    for where, e in _entries(labels):
        assert isinstance(e, dict) and set(e) <= ENTRY_KEYS, where
        cats = e["categories"]
        assert isinstance(cats, list) and set(cats) <= CATEGORIES and len(set(cats)) == len(cats), where
        if cats:
            assert re.fullmatch(r"[A-Z][A-Z0-9_]*", e.get("entity", "")), f"{where}: entity missing"
        else:
            assert "entity" not in e and "protection" not in e, f"{where}: entity on a non-sensitive column"
        for other in e.get("other_entities", []):
            assert re.fullmatch(r"[A-Z][A-Z0-9_]*", other), where
        assert e.get("protection", "masked") in PROTECTIONS, where
        for alt in e.get("acceptable", []):
            assert isinstance(alt, list) and set(alt) <= CATEGORIES and alt != cats, where


def test_traps_and_key_cases_are_labelled_as_documented(labels: dict) -> None:
    crm = labels[DB]
    assert crm["users"]["password_hash"]["categories"] == ["credential"]
    assert crm["users"]["password_hash"]["protection"] == "hashed"
    assert crm["subscriptions"]["masked_card"] == {
        **crm["subscriptions"]["masked_card"],
        "categories": ["financial"],
        "protection": "masked",
    }
    for table, column in [
        ("devices", "phone_model"),
        ("accounts", "account_number"),
        ("accounts", "id"),
        ("contacts", "email_opt_out"),
        ("leads", "email_opt_out"),
        ("contacts", "mailing_city"),
    ]:
        assert crm[table][column]["categories"] == [], f"{table}.{column}"
    assert crm["contacts"]["ethnicity"]["categories"] == ["special"]
    assert crm["payments"]["cvv"]["entity"] == "CARD_SECURITY_CODE"
    assert crm["cases"]["description"]["categories"][0] == "health"


# -- exports parse with their stated encodings ---------------------------------------------------


@pytest.mark.parametrize("rel", list(EXPORTS))
def test_csv_parses_with_stated_encoding(rel: str) -> None:
    header, rows = _read_csv(rel)
    assert len(rows) >= 100
    assert all(len(row) == len(header) for row in rows)
    assert len(set(header)) == len(header)


def test_encoding_details_are_real() -> None:
    sf = (DEMO / "exports/salesforce_contacts.csv").read_bytes()
    hs = (DEMO / "exports/hubspot_contacts.csv").read_bytes()
    cn = (DEMO / "exports/客户名单_gbk.csv").read_bytes()
    assert not sf.startswith(b"\xef\xbb\xbf") and b"\r\n" not in sf and sf.startswith(b'"Id","AccountId"')
    assert hs.startswith(b"\xef\xbb\xbfRecord ID,") and hs.count(b"\r\n") == hs.count(b"\n")
    with pytest.raises(UnicodeDecodeError):
        cn.decode("utf-8")
    assert cn.decode("gbk").startswith("客户编号,姓名,性别,手机号,身份证号,电子邮箱,地址,开户行,银行卡号")
    assert cn.count(b"\r\n") == cn.count(b"\n")


# -- identifiers are valid -----------------------------------------------------------------------


CARD_PREFIX = {
    "Visa": r"4\d{15}",
    "Mastercard": r"(5[1-5]\d{14}|2(22[1-9]|2[3-9]\d|[3-6]\d\d|7[01]\d|720)\d{12})",
    "Amex": r"3[47]\d{13}",
}


def test_payment_cards(con: sqlite3.Connection) -> None:
    rows = con.execute(
        "SELECT card_brand, card_number, card_last4, card_expiry, cvv, iban, method FROM payments"
    ).fetchall()
    cards = [r for r in rows if r[6] == "card"]
    assert len(cards) > 500
    for brand, number, last4, expiry, cvv, iban_, _ in cards:
        compact = number.replace(" ", "")
        assert luhn.is_valid(compact), number
        assert re.fullmatch(CARD_PREFIX[brand], compact), (brand, number)
        assert last4 == compact[-4:]
        assert re.fullmatch(r"(0[1-9]|1[0-2])/\d\d", expiry)
        assert re.fullmatch(r"\d{4}" if brand == "Amex" else r"\d{3}", cvv)
        assert iban_ is None
    assert {r[0] for r in cards} == set(CARD_PREFIX)


def test_ibans(con: sqlite3.Connection) -> None:
    values = _column(con, "SELECT iban FROM payments WHERE iban IS NOT NULL")
    assert len(values) > 100
    assert {v[:2] for v in values} == {"DE", "FR", "NL", "ES", "IT"}
    for v in values:
        assert iban.is_valid(v), v
        if v.startswith("ES"):
            assert es_iban.is_valid(v), v  # also checks the CCC control digits


def test_masked_cards_and_tokens(con: sqlite3.Connection) -> None:
    for masked, token in con.execute(
        "SELECT masked_card, payment_token FROM subscriptions WHERE masked_card IS NOT NULL"
    ):
        assert re.fullmatch(r"\*{4} \*{4} \*{4} \d{4}|X{4}-X{4}-X{4}-\d{4}", masked), masked
        assert re.fullmatch(r"pm_[0-9A-Za-z]{24}", token)


def test_us_ssns(con: sqlite3.Connection) -> None:
    rows = con.execute("SELECT ssn, mailing_country FROM contacts WHERE ssn IS NOT NULL").fetchall()
    assert len(rows) > 300
    for value, country in rows:
        assert country == "United States"
        assert re.fullmatch(r"\d{3}-\d{2}-\d{4}", value) and ssn.is_valid(value), value


def test_ssns_pasted_into_two_cases(con: sqlite3.Connection) -> None:
    found = _column(con, "SELECT description FROM cases WHERE description LIKE '%SSN%'")
    assert len(found) == 2
    for text in found:
        assert ssn.is_valid(re.search(r"\d{3}-\d{2}-\d{4}", text).group())


NATIONAL_ID = {
    "Germany": idnr.is_valid,
    "France": nir.is_valid,
    "Netherlands": bsn.is_valid,
    "Spain": dni.is_valid,
    "Italy": codicefiscale.is_valid,
    "United Kingdom": lambda v: re.fullmatch(r"[A-CEGHJ-PR-TW-Z]{2} ?\d\d ?\d\d ?\d\d ?[A-D]", v),
}


def test_national_ids(con: sqlite3.Connection) -> None:
    rows = con.execute(
        "SELECT national_id, mailing_country FROM contacts WHERE national_id IS NOT NULL"
    ).fetchall()
    assert {country for _, country in rows} == set(NATIONAL_ID)
    for value, country in rows:
        assert NATIONAL_ID[country](value), (country, value)


def test_cn_resident_ids_and_union_pay_cards() -> None:
    weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    for row in _csv_dicts("exports/客户名单_gbk.csv"):
        rid = row["身份证号"]
        assert ric.is_valid(rid), rid  # check character, birth date, and a region code valid at birth
        assert rid[-1] == "10X98765432"[sum(int(c) * w for c, w in zip(rid[:17], weights, strict=True)) % 11]
        assert (int(rid[16]) % 2 == 1) == (row["性别"] == "男")
        card = row["银行卡号"]
        assert card.startswith("62") and len(card) in (16, 19) and luhn.is_valid(card), card
        mobile = row["手机号"].replace(" ", "")
        assert phonenumbers.is_valid_number(phonenumbers.parse(mobile, "CN")), mobile


def test_phone_numbers_are_valid(con: sqlite3.Connection) -> None:
    values = _column(
        con,
        "SELECT phone FROM contacts UNION ALL SELECT mobile FROM contacts "
        "UNION ALL SELECT phone FROM leads UNION ALL SELECT phone FROM accounts",
    )
    for rel, cols in [
        ("exports/salesforce_contacts.csv", ["Phone", "MobilePhone"]),
        ("exports/hubspot_contacts.csv", ["Phone Number", "Mobile Phone Number"]),
    ]:
        values += [row[c] for row in _csv_dicts(rel) for c in cols]
    values = [v for v in values if v]
    assert len(values) > 3000
    bad = [v for v in values if not phonenumbers.is_valid_number(phonenumbers.parse(v, "US"))]
    assert not bad, bad[:10]


def test_ip_addresses_are_public(con: sqlite3.Connection) -> None:
    values = _column(con, "SELECT ip_address FROM leads WHERE ip_address IS NOT NULL")
    versions = {ipaddress.ip_address(v).version for v in values}
    assert versions == {4, 6}
    assert all(ipaddress.ip_address(v).is_global for v in values)


def test_credentials_have_real_shapes(con: sqlite3.Connection) -> None:
    for h, token, totp in con.execute("SELECT password_hash, api_token, totp_secret FROM users"):
        assert re.fullmatch(r"\$2b\$12\$[./A-Za-z0-9]{21}[.Oeu][./A-Za-z0-9]{30}[.CGKOSWaeimquy26]", h), h
        if token:
            assert re.fullmatch(r"[0-9a-f]{40}|[A-Za-z0-9_-]{43}|nbw_[A-Za-z0-9_-]{40}", token), token
        if totp:
            assert re.fullmatch(r"[A-Z2-7]{32}", totp)


def test_health_values(con: sqlite3.Connection) -> None:
    codes = _column(con, "SELECT diagnosis_code FROM patient_intake WHERE diagnosis_code IS NOT NULL")
    assert codes and all(re.fullmatch(r"[A-TV-Z]\d[0-9A-Z](\.[0-9A-Z]{1,4})?", c) for c in codes)
    blood = set(_column(con, "SELECT blood_type FROM patient_intake WHERE blood_type IS NOT NULL"))
    assert blood <= {"O+", "O-", "A+", "A-", "B+", "B-", "AB+", "AB-"}


# -- the properties the labels and the README rely on --------------------------------------------


def test_foreign_keys_hold(con: sqlite3.Connection) -> None:
    assert con.execute("PRAGMA foreign_key_check").fetchall() == []


def test_documented_shares(con: sqlite3.Connection) -> None:
    n = con.execute("SELECT count(*) FROM contacts").fetchone()[0]
    minors = con.execute(
        "SELECT count(*) FROM contacts WHERE date_of_birth > date('2025-06-30', '-16 years')"
    )
    assert 0.01 <= minors.fetchone()[0] / n <= 0.03
    ethnicity, religion = con.execute("SELECT count(ethnicity), count(religion) FROM contacts").fetchone()
    assert 0.02 <= ethnicity / n <= 0.08 and 0.01 <= religion / n <= 0.06
    health = re.compile(
        r"insulin|chemotherapy|epilepsy|diabetes|warfarin|macular|pregnant|sclerosis|"
        r"knee replacement|allergy|sertraline|Asthmatic|coeliac|bipolar|HIV"
    )
    descriptions = [d or "" for d in _column(con, "SELECT description FROM cases")]
    share = sum(bool(health.search(d)) for d in descriptions) / len(descriptions)
    assert 0.10 <= share <= 0.20
    assert sum("@" in d for d in descriptions) > 20
    assert con.execute("SELECT count(DISTINCT phone_model) FROM devices").fetchone()[0] > 5
    assert all(re.fullmatch(r"\d{8}", v) for v in _column(con, "SELECT account_number FROM accounts"))
