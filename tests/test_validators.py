"""Validators: example cases as data, then hypothesis properties for every validator.

The generators compute check digits independently of python-stdnum (plain Luhn, MOD 97-10,
ISO 7064 MOD 11-2 / MOD 11,10, the CPF and DNI rules) so a test fails if the library and the standard
ever disagree.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import phonenumbers
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from crmscan.classify.validators import (
    PHONE_REGIONS,
    VALIDATORS,
    UnknownValidator,
    apply_validator,
    get_validator,
    known_validators,
    parse_date,
)
from crmscan.errors import RuleError

# name -> (accepted, rejected)
CASES: dict[str, tuple[list[str], list[str]]] = {
    "luhn": (
        ["4111 1111 1111 1111", "4111-1111-1111-1111", "000079927398713", "378282246310005"],
        ["4111111111111112", "79927398713", "4111 1111 1111 111a", "4111  1111 1111 1111", ""],
    ),
    "credit_card": (
        [
            "4111111111111111",  # Visa
            "4242 4242 4242 4242",
            "4012888888881881",
            "4222222222222",  # Visa, 13 digits
            "5555555555554444",  # Mastercard
            "5105105105105100",
            "2223003122003222",  # Mastercard 2-series
            "378282246310005",  # Amex
            "371449635398431",
            "6011111111111117",  # Discover
            "6011000990139424",
            "3530111333300000",  # JCB
            "3566002020360505",
            "30569309025904",  # Diners
            "38520000023237",
            "6212345678901265",  # UnionPay, 16
            "6212345678901232019",  # UnionPay, 19
            "6759649826438453",  # Maestro
            "213112345678904",  # JCB, legacy 15-digit
        ],
        [
            "4111111111111112",  # Luhn fails
            "4444444444444444",  # repeated digits
            "0000000000000000",
            "1234567890123452",  # counting
            "4000000000000002",  # zero-padded counter
            "9111111111111111",  # no network
            "34343434343434",  # Amex prefix, wrong length
            "4111111111111",  # Visa prefix, Luhn fails at 13
            "hello",
        ],
    ),
    "cvv": (["123", "0421"], ["12", "12345", "12a", "١٢٣"]),
    "iban": (
        [
            "DE89 3704 0044 0532 0130 00",
            "GB82WEST12345698765432",
            "gb82 west 1234 5698 7654 32",
            "NL91ABNA0417164300",
        ],
        ["DE89370400440532013001", "GB82WEST1234569876543", "XX82WEST12345698765432", "DE8937040044"],
    ),
    "bic": (["DEUTDEFF", "DEUTDEFF500", "NWBKGB2L"], ["DEUTDEF", "deutdeff", "DEUTXXFF", "HOSPITAL1"]),
    "eu_vat": (
        ["DE136695976", "FR40303265045", "NL004495445B01", "de 136 695 976"],
        ["DE136695977", "136695976"],
    ),
    "us_ssn": (
        ["536-22-1234", "536221234", "001-01-0001", "899-99-9999"],
        [
            "000-12-3456",
            "666-12-3456",
            "900-12-3456",
            "536-00-1234",
            "536-22-0000",
            "078-05-1120",
            "123-45-6789",
            "536-221234",
            "536 22 1234",
            "53622123",
        ],
    ),
    "us_itin": (["912-70-1234", "999881234", "900-94-0000"], ["912-93-1234", "812-70-1234", "912-65-1234"]),
    "br_cpf": (["390.533.447-05", "39053344705"], ["390.533.447-06", "111.111.111-11", "3905334470"]),
    "de_idnr": (["36 574 261 809", "36574261809"], ["36574261808", "06574261809", "3657426180"]),
    "es_dni": (["54362315K", "54362315-K", "54362315k"], ["54362315Z", "5436231K"]),
    "fr_nir": (["2 95 10 99 126 111 93", "295109912611193"], ["295109912611194", "2951099"]),
    "uk_nino": (
        ["AB123456C", "AB 12 34 56 C", "ab123456d"],
        ["QQ123456C", "BG123456A", "AB123456E", "DA123456A"],
    ),
    "cn_resident_id": (
        ["11010519491231002X", "11010519491231002x", "360426199101010071", "130503670401001"],
        [
            "110105194912310021",  # check character should be X
            "99010519491231002X",  # no such province
            "110105194913310028",  # month 13
            "110105189912310021",  # born 1899
            "1101051949123100",
        ],
    ),
    "passport": (
        ["C01X00T47", "123456789", "E12345678", "X1234567"],
        ["AAAAAAAA", "11111111", "c01x00t47", "12345"],
    ),
    "cn_phone": (
        ["13800138000", "+86 138 0013 8000", "+8613800138000", "0086 13800138000", "138-0013-8000"],
        ["12800138000", "1380013800", "+1 13800138000"],
    ),
    "phone": (
        [
            "+44 20 7946 0958",
            "(202) 555-0173",
            "+1 202-555-0173",
            "030 901820",
            "13800138000",
            "+49 30 901820",
        ],
        [
            "12345",
            "4111111111111111",
            "+1 (000) 000-0000",
            "555-0173x",
            "phone",
            "+44 20 7946 0958 0958 0958",
        ],
    ),
    "email": (
        [
            "a.b@example.com",
            "jo+tag@x.co",
            "first_last@sub.example.museum",
            "张三@例子.中国",
            "a@xn--p1ai.xn--p1ai",
        ],
        [
            "bad@@x.com",
            "a@b",
            "a b@c.com",
            ".a@b.com",
            "a..b@c.com",
            "a@-b.com",
            "a@b.c",
            "a@b.c0m",
            "@b.com",
        ],
    ),
    "postal_code": (
        ["SW1A 1AA", "M1 1AE", "90210", "12345-6789", "100080", "K1A 0B1"],
        ["00000", "1234", "ABCDE"],
    ),
    "us_zip": (["90210", "12345-6789", "02134"], ["00000", "9021", "902101", "12345-678"]),
    "uk_postcode": (["SW1A 1AA", "M1 1AE", "EC1A1BB", "gir 0aa", "W1A 0AX"], ["SW1A 1A", "QQ1 1AA", "12345"]),
    "cn_postcode": (["100080", "200120", "010010"], ["000000", "900000", "10008"]),
    "ipv4": (["192.168.0.1", "0.0.0.0", "255.255.255.255"], ["256.1.1.1", "01.2.3.4", "1.2.3", "1.2.3.4.5"]),
    "ip": (
        ["10.0.0.1", "8.8.8.8", "::1", "2001:db8::1"],
        ["256.1.1.1", "1.2.3", "2001:db8::g", "localhost"],
    ),
    "ipv6": (
        ["::1", "2001:db8::1", "fe80::1%eth0", "::ffff:192.168.0.1"],
        ["2001:db8::g", "1:2:3", "12345", ":::"],
    ),
    "mac_address": (
        ["00:1A:2B:3C:4D:5E", "00-1a-2b-3c-4d-5e", "001a.2b3c.4d5e"],
        ["00:00:00:00:00:00", "FF:FF:FF:FF:FF:FF", "00:1A:2B-3C:4D:5E", "00:1A:2B:3C:4D"],
    ),
    "icd10": (
        ["E11.9", "J45.909", "S72.001A", "C7A.01", "E119", "A00", "z99.89"],
        ["U07.1", "E1.9", "E11.", "E11.12345", "11.9", "EE1.9"],
    ),
    "date_of_birth": (
        [
            "1990-01-02",
            "1990/01/02",
            "19900102",
            "01/02/1990",
            "02.01.1990",
            "31/12/1990",
            "1990年1月2日",
            "1990年01月02号",
            "2 January 1990",
            "Jan 2, 1990",
            "1990-01-02 00:00:00",
            "1990-01-02T00:00:00Z",
            "1900-01-01",
        ],
        ["2024-03-01 14:22:05", "2990-01-01", "1899-12-31", "1990-02-30", "13/13/1990", "yesterday", "1990"],
    ),
}


def test_every_validator_has_cases() -> None:
    assert set(CASES) == set(VALIDATORS) == known_validators()


EXAMPLES = [(name, v, True) for name, (ok, _) in CASES.items() for v in ok] + [
    (name, v, False) for name, (_, bad) in CASES.items() for v in bad
]


@pytest.mark.parametrize(("name", "value", "expected"), EXAMPLES)
def test_examples(name: str, value: str, expected: bool) -> None:
    assert VALIDATORS[name](value) is expected


@pytest.mark.parametrize("name", sorted(VALIDATORS))
def test_apply_validator_matches_examples(name: str) -> None:
    ok, bad = CASES[name]
    values = pd.Series([*ok, *bad, None, float("nan")], dtype=object)
    result = apply_validator(name, values)
    assert result.dtype == np.bool_
    assert result.tolist() == [True] * len(ok) + [False] * (len(bad) + 2)


def test_unknown_validator() -> None:
    with pytest.raises(UnknownValidator, match=r"'lunh' \(did you mean 'luhn'\?\)") as info:
        apply_validator("lunh", pd.Series(["4111111111111111"]))
    assert isinstance(info.value, RuleError)
    with pytest.raises(UnknownValidator):
        get_validator("")


# --- properties shared by every validator ----------------------------------------------------------

_ALPHABET = "0123456789 -+()./:@_XxAaEeZz年月日号*#"
_junk = st.one_of(st.text(max_size=300), st.text(alphabet=_ALPHABET, max_size=40))


@pytest.mark.parametrize("name", sorted(VALIDATORS))
@settings(deadline=None, max_examples=150)
@given(value=_junk)
def test_never_raises(name: str, value: str) -> None:
    assert VALIDATORS[name](value) in (True, False)


@pytest.mark.parametrize("name", sorted(VALIDATORS))
def test_non_strings_are_false(name: str) -> None:
    for value in (None, 4111111111111111, 1.5, b"4111111111111111", ["x"]):
        assert VALIDATORS[name](value) is False  # type: ignore[arg-type]


@pytest.mark.parametrize("name", sorted(VALIDATORS))
@settings(deadline=None, max_examples=60)
@given(values=st.lists(st.one_of(st.none(), _junk, st.sampled_from(sum(CASES["luhn"], []))), max_size=30))
def test_apply_validator_agrees_with_validator(name: str, values: list[str | None]) -> None:
    result = apply_validator(name, pd.Series(values, dtype=object))
    assert result.tolist() == [VALIDATORS[name](v) if isinstance(v, str) else False for v in values]


@pytest.mark.parametrize("name", sorted(VALIDATORS))
@settings(deadline=None, max_examples=50)
@given(value=st.text(alphabet=_ALPHABET, max_size=40), pad=st.sampled_from(["", " ", "\t", " \n"]))
def test_surrounding_whitespace_is_ignored(name: str, value: str, pad: str) -> None:
    assert VALIDATORS[name](pad + value + pad) == VALIDATORS[name](value.strip())


# --- Luhn and cards --------------------------------------------------------------------------------


def _luhn_check_digit(body: str) -> str:
    total = 0
    for i, ch in enumerate(reversed(body)):
        d = int(ch)
        if i % 2 == 0:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return str(-total % 10)


def _other_digit(data: st.DataObject, digit: str) -> str:
    return data.draw(st.sampled_from([d for d in "0123456789" if d != digit]))


@given(body=st.text(alphabet="0123456789", min_size=11, max_size=18), data=st.data())
def test_luhn_valid_and_one_changed_digit_invalid(body: str, data: st.DataObject) -> None:
    number = body + _luhn_check_digit(body)
    assert VALIDATORS["luhn"](number)
    grouped = " ".join(number[i : i + 4] for i in range(0, len(number), 4))
    assert VALIDATORS["luhn"](grouped)
    pos = data.draw(st.integers(0, len(number) - 1))
    changed = number[:pos] + _other_digit(data, number[pos]) + number[pos + 1 :]
    assert not VALIDATORS["luhn"](changed)


_NETWORKS = [  # (prefix, lengths)
    ("4", [13, 16, 19]),
    ("51", [16]),
    ("55", [16]),
    ("2221", [16]),
    ("2720", [16]),
    ("34", [15]),
    ("37", [15]),
    ("6011", [16, 19]),
    ("65", [16]),
    ("644", [16]),
    ("3528", [16]),
    ("3589", [19]),
    ("36", [14]),
    ("300", [14]),
    ("62", [16, 17, 18, 19]),
    ("2131", [15]),
    ("1800", [15]),
    ("5018", [12, 16, 19]),
    ("57", [16]),
    ("6759", [16, 18]),
    ("2201", [16]),
]


def _placeholder(number: str) -> bool:
    body = number[:-1]
    steps = {(int(b) - int(a)) % 10 for a, b in zip(body, body[1:], strict=False)}
    return len(set(body)) == 1 or steps in ({1}, {9}) or "0" * 8 in number


@given(network=st.sampled_from(_NETWORKS), data=st.data())
def test_credit_card_generated_numbers(network: tuple[str, list[int]], data: st.DataObject) -> None:
    prefix, lengths = network
    length = data.draw(st.sampled_from(lengths))
    body = prefix + data.draw(
        st.text(alphabet="0123456789", min_size=length - len(prefix) - 1, max_size=length - len(prefix) - 1)
    )
    number = body + _luhn_check_digit(body)
    assert VALIDATORS["credit_card"](number) is not _placeholder(number)
    pos = data.draw(st.integers(0, len(number) - 1))
    changed = number[:pos] + _other_digit(data, number[pos]) + number[pos + 1 :]
    assert not VALIDATORS["credit_card"](changed)


@given(digit=st.sampled_from("0123456789"), length=st.integers(12, 19))
def test_credit_card_rejects_repeated_digits(digit: str, length: int) -> None:
    assert not VALIDATORS["credit_card"](digit * length)


@given(start=st.integers(4_000_000_000_000_000, 4_999_999_999_999_000), count=st.integers(1, 50))
def test_credit_card_rejects_zero_padded_counters(start: int, count: int) -> None:
    start = start // 10**10 * 10**10  # 4xxxxx0000000000: an id range, not a card
    values = [str(start + i) for i in range(count)]
    assert not apply_validator("credit_card", pd.Series(values)).any()


# --- IBAN ------------------------------------------------------------------------------------------

_IBAN_BBAN = {  # country -> (letters, digits) of the BBAN
    "DE": (0, 18),
    "GB": (4, 14),
    "NL": (4, 10),
    "AT": (0, 16),
    "CH": (0, 17),
}


def _iban_check_digits(country: str, bban: str) -> str:
    rearranged = bban + country + "00"
    numeric = "".join(str(int(ch, 36)) for ch in rearranged)
    return f"{98 - int(numeric) % 97:02d}"


@given(country=st.sampled_from(sorted(_IBAN_BBAN)), data=st.data())
def test_iban_generated_valid_and_changed_digit_invalid(country: str, data: st.DataObject) -> None:
    letters, digits = _IBAN_BBAN[country]
    bban = data.draw(st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZ", min_size=letters, max_size=letters))
    bban += data.draw(st.text(alphabet="0123456789", min_size=digits, max_size=digits))
    number = country + _iban_check_digits(country, bban) + bban
    assert VALIDATORS["iban"](number)
    assert VALIDATORS["iban"](" ".join(number[i : i + 4] for i in range(0, len(number), 4)))
    pos = data.draw(st.integers(4 + letters, len(number) - 1))
    changed = number[:pos] + _other_digit(data, number[pos]) + number[pos + 1 :]
    assert not VALIDATORS["iban"](changed)


# --- PRC resident id -------------------------------------------------------------------------------

_PROVINCES = [
    11,
    12,
    13,
    14,
    15,
    21,
    22,
    23,
    31,
    32,
    33,
    34,
    35,
    36,
    37,
    41,
    42,
    43,
    44,
    45,
    46,
    50,
    51,
    52,
    53,
    54,
    61,
    62,
    63,
    64,
    65,
    71,
    81,
    82,
    83,
]


def _mod11_2(body: str) -> str:
    total = sum(int(ch) * pow(2, 17 - i, 11) for i, ch in enumerate(body))
    return "0123456789X"[(12 - total % 11) % 11]


_birth_dates = st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date.today())


@given(
    province=st.sampled_from(_PROVINCES),
    county=st.integers(0, 9999),
    born=_birth_dates,
    sequence=st.integers(0, 999),
    data=st.data(),
)
def test_cn_resident_id_generated(
    province: int, county: int, born: dt.date, sequence: int, data: st.DataObject
) -> None:
    body = f"{province:02d}{county:04d}{born:%Y%m%d}{sequence:03d}"
    check = _mod11_2(body)
    assert VALIDATORS["cn_resident_id"](body + check)
    wrong = data.draw(st.sampled_from([c for c in "0123456789X" if c != check]))
    assert not VALIDATORS["cn_resident_id"](body + wrong)


@given(born=st.dates(min_value=dt.date.today() + dt.timedelta(days=1), max_value=dt.date(9999, 12, 31)))
def test_cn_resident_id_rejects_future_birth(born: dt.date) -> None:
    body = f"110105{born:%Y%m%d}001"
    assert not VALIDATORS["cn_resident_id"](body + _mod11_2(body))


@given(province=st.sampled_from(_PROVINCES), born=st.dates(dt.date(1900, 1, 1), dt.date(1999, 12, 31)))
def test_cn_resident_id_legacy_15_digits(province: int, born: dt.date) -> None:
    assert VALIDATORS["cn_resident_id"](f"{province:02d}0105{born:%y%m%d}123")


# --- US SSN / ITIN ---------------------------------------------------------------------------------

_NOT_SSNS = {"078051120", "219099999", "457555462", "123456789"}


@given(area=st.integers(1, 899), group=st.integers(1, 99), serial=st.integers(1, 9999), dashes=st.booleans())
def test_us_ssn_valid_ranges(area: int, group: int, serial: int, dashes: bool) -> None:
    assume(area != 666 and f"{area:03d}{group:02d}{serial:04d}" not in _NOT_SSNS)
    sep = "-" if dashes else ""
    assert VALIDATORS["us_ssn"](f"{area:03d}{sep}{group:02d}{sep}{serial:04d}")


@given(area=st.integers(0, 999), group=st.integers(0, 99), serial=st.integers(0, 9999))
def test_us_ssn_rules(area: int, group: int, serial: int) -> None:
    value = f"{area:03d}-{group:02d}-{serial:04d}"
    allowed = area not in (0, 666) and area < 900 and group != 0 and serial != 0
    allowed = allowed and value.replace("-", "") not in _NOT_SSNS
    assert VALIDATORS["us_ssn"](value) is allowed
    assert VALIDATORS["us_ssn"](value.replace("-", "")) is allowed


@given(area=st.integers(900, 999), group=st.integers(0, 99), serial=st.integers(0, 9999))
def test_us_itin_groups(area: int, group: int, serial: int) -> None:
    allowed = 70 <= group <= 99 and group not in (89, 93)
    assert VALIDATORS["us_itin"](f"{area}-{group:02d}-{serial:04d}") is allowed


# --- other national numbers ------------------------------------------------------------------------


def _cpf_digit(digits: str) -> str:
    weight = len(digits) + 1
    total = sum(int(d) * (weight - i) for i, d in enumerate(digits))
    return str(total * 10 % 11 % 10)


@given(body=st.text(alphabet="0123456789", min_size=9, max_size=9), data=st.data())
def test_br_cpf_generated(body: str, data: st.DataObject) -> None:
    assume(len(set(body)) > 1)
    first = _cpf_digit(body)
    number = body + first + _cpf_digit(body + first)
    assert VALIDATORS["br_cpf"](number)
    assert VALIDATORS["br_cpf"](f"{number[:3]}.{number[3:6]}.{number[6:9]}-{number[9:]}")
    # A wrong check digit always fails; a changed body digit can collide (the "10 counts as 0" rule).
    pos = data.draw(st.integers(0, 10))
    changed = number[:pos] + _other_digit(data, number[pos]) + number[pos + 1 :]
    first = _cpf_digit(changed[:9])
    expected = changed[9:] == first + _cpf_digit(changed[:9] + first) and len(set(changed)) > 1
    assert VALIDATORS["br_cpf"](changed) is expected
    if pos >= 9:
        assert not expected


@given(number=st.integers(0, 99_999_999), data=st.data())
def test_es_dni_generated(number: int, data: st.DataObject) -> None:
    letters = "TRWAGMYFPDXBNJZSQVHLCKE"
    assert VALIDATORS["es_dni"](f"{number:08d}{letters[number % 23]}")
    wrong = data.draw(st.sampled_from([c for c in letters if c != letters[number % 23]]))
    assert not VALIDATORS["es_dni"](f"{number:08d}{wrong}")


@given(body=st.from_regex(r"[12][0-9]{12}", fullmatch=True))
def test_fr_nir_generated(body: str) -> None:
    key = 97 - int(body) % 97
    assert VALIDATORS["fr_nir"](f"{body}{key:02d}")
    assert not VALIDATORS["fr_nir"](f"{body}{(key % 97) + 1:02d}")


def _mod11_10(digits: str) -> str:
    product = 10
    for d in digits:
        total = (int(d) + product) % 10 or 10
        product = total * 2 % 11
    return str((11 - product) % 10)


@given(body=st.from_regex(r"[1-9][0-9]{7}", fullmatch=True))
def test_eu_vat_generated_german(body: str) -> None:
    check = _mod11_10(body)
    assert VALIDATORS["eu_vat"](f"DE{body}{check}")
    assert not VALIDATORS["eu_vat"](f"DE{body}{(int(check) + 1) % 10}")


@given(value=st.from_regex(r"[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z][0-9]{6}[A-D]", fullmatch=True))
def test_uk_nino_generated(value: str) -> None:
    assert VALIDATORS["uk_nino"](value) is (value[:2] not in {"BG", "GB", "NK", "KN", "TN", "NT", "ZZ"})
    assert VALIDATORS["uk_nino"](
        f"{value[:2]} {value[2:4]} {value[4:6]} {value[6:8]} {value[8]}"
    ) is VALIDATORS["uk_nino"](value)


@given(
    bank=st.from_regex(r"[A-Z]{4}", fullmatch=True),
    country=st.sampled_from(["DE", "GB", "FR", "CN", "US"]),
    location=st.from_regex(r"[A-Z0-9]{2}", fullmatch=True),
    branch=st.from_regex(r"(?:[A-Z0-9]{3})?", fullmatch=True),
)
def test_bic_generated(bank: str, country: str, location: str, branch: str) -> None:
    assert VALIDATORS["bic"](bank + country + location + branch)
    assert not VALIDATORS["bic"]((bank + country + location + branch).lower())


@given(value=st.from_regex(r"[0-9]{3,4}", fullmatch=True))
def test_cvv_generated(value: str) -> None:
    assert VALIDATORS["cvv"](value)
    assert not VALIDATORS["cvv"](value + "00")


@given(value=st.from_regex(r"[A-Z0-9]{6,9}", fullmatch=True))
def test_passport_structure(value: str) -> None:
    expected = any(c.isdigit() for c in value) and len(set(value)) > 1
    assert VALIDATORS["passport"](value) is expected


# --- contact data ----------------------------------------------------------------------------------


@given(
    prefix=st.sampled_from(["", "+86", "+86 ", "86", "0086"]),
    second=st.sampled_from("3456789"),
    rest=st.from_regex(r"[0-9]{9}", fullmatch=True),
    sep=st.sampled_from(["", " ", "-"]),
)
def test_cn_phone_generated(prefix: str, second: str, rest: str, sep: str) -> None:
    number = f"{prefix}1{second}{rest[0]}{sep}{rest[1:5]}{sep}{rest[5:]}"
    assert VALIDATORS["cn_phone"](number)
    assert not VALIDATORS["cn_phone"](number.replace(f"1{second}", "12", 1))


_PHONE_FORMATS = [
    phonenumbers.PhoneNumberFormat.E164,
    phonenumbers.PhoneNumberFormat.INTERNATIONAL,
    phonenumbers.PhoneNumberFormat.NATIONAL,
]
_PHONE_TYPES = [phonenumbers.PhoneNumberType.MOBILE, phonenumbers.PhoneNumberType.FIXED_LINE]


@settings(deadline=None)
@given(
    region=st.sampled_from(PHONE_REGIONS),
    kind=st.sampled_from(_PHONE_TYPES),
    fmt=st.sampled_from(_PHONE_FORMATS),
)
def test_phone_example_numbers_of_hinted_regions(region: str, kind: int, fmt: int) -> None:
    example = phonenumbers.example_number_for_type(region, kind)
    assume(example is not None)
    assert VALIDATORS["phone"](phonenumbers.format_number(example, fmt))


@settings(deadline=None)
@given(region=st.sampled_from(sorted(phonenumbers.SUPPORTED_REGIONS)))
def test_phone_example_numbers_any_region_international(region: str) -> None:
    example = phonenumbers.example_number(region)
    assume(example is not None)
    assert VALIDATORS["phone"](
        phonenumbers.format_number(example, phonenumbers.PhoneNumberFormat.INTERNATIONAL)
    )


_label = st.from_regex(r"[a-z0-9](?:[a-z0-9-]{0,10}[a-z0-9])?", fullmatch=True)


@given(
    local=st.from_regex(r"[A-Za-z0-9_%+-]{1,20}(?:\.[A-Za-z0-9_%+-]{1,10}){0,2}", fullmatch=True),
    labels=st.lists(_label, min_size=1, max_size=3),
    tld=st.from_regex(r"[a-z]{2,24}", fullmatch=True),
)
def test_email_generated(local: str, labels: list[str], tld: str) -> None:
    address = f"{local}@{'.'.join(labels)}.{tld}"
    assert VALIDATORS["email"](address)
    assert not VALIDATORS["email"](address.replace("@", ""))
    assert not VALIDATORS["email"](address.replace("@", " @"))
    assert not VALIDATORS["email"](f"{local}@{'.'.join(labels)}.{tld}9")


# --- postal, network, health -----------------------------------------------------------------------


@given(value=st.from_regex(r"[0-9]{5}(?:-[0-9]{4})?", fullmatch=True))
def test_us_zip_generated(value: str) -> None:
    assert VALIDATORS["us_zip"](value) is (not value.startswith("00000"))
    assert VALIDATORS["postal_code"](value) is VALIDATORS["us_zip"](value)


@given(
    outward=st.from_regex(r"[A-PR-UWYZ][0-9]{1,2}|[A-PR-UWYZ][A-HK-Y][0-9]{1,2}", fullmatch=True),
    inward=st.from_regex(r"[0-9][ABD-HJLNP-UW-Z]{2}", fullmatch=True),
    space=st.sampled_from(["", " "]),
)
def test_uk_postcode_generated(outward: str, inward: str, space: str) -> None:
    assert VALIDATORS["uk_postcode"](outward + space + inward)
    assert VALIDATORS["postal_code"](outward + space + inward)
    assert not VALIDATORS["uk_postcode"](outward + space + inward + "A")


@given(value=st.from_regex(r"[0-9]{6}", fullmatch=True))
def test_cn_postcode_generated(value: str) -> None:
    assert VALIDATORS["cn_postcode"](value) is (1 <= int(value[:2]) <= 86)


@given(address=st.ip_addresses(v=4))
def test_ipv4_generated(address: object) -> None:
    assert VALIDATORS["ipv4"](str(address))
    assert not VALIDATORS["ipv6"](str(address))


@given(address=st.ip_addresses(v=6))
def test_ipv6_generated(address: object) -> None:
    assert VALIDATORS["ipv6"](str(address))
    assert not VALIDATORS["ipv4"](str(address))


@given(raw=st.binary(min_size=6, max_size=6), sep=st.sampled_from([":", "-"]), upper=st.booleans())
def test_mac_address_generated(raw: bytes, sep: str, upper: bool) -> None:
    text = sep.join(f"{b:02x}" for b in raw)
    text = text.upper() if upper else text
    assert VALIDATORS["mac_address"](text) is (raw not in (b"\x00" * 6, b"\xff" * 6))


@given(
    letter=st.sampled_from("ABCDEFGHIJKLMNOPQRSTVWXYZ"),
    digits=st.from_regex(r"[0-9]{2}", fullmatch=True),
    extension=st.from_regex(r"(?:\.[0-9A-Z]{1,4})?", fullmatch=True),
)
def test_icd10_generated(letter: str, digits: str, extension: str) -> None:
    assert VALIDATORS["icd10"](letter + digits + extension)
    assert not VALIDATORS["icd10"]("U" + digits + extension)
    assert not VALIDATORS["icd10"](letter + digits + (extension or ".1") + ".1")


# --- dates -----------------------------------------------------------------------------------------

_MONTH_NAMES = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]


def _formats(d: dt.date) -> list[tuple[str, bool | None]]:
    """(text, dayfirst hint) renderings of *d* that parse back to *d*."""
    month = _MONTH_NAMES[d.month - 1]
    return [
        (d.isoformat(), None),
        (f"{d:%Y/%m/%d}", None),
        (f"{d:%Y%m%d}", None),
        (f"{d:%m/%d/%Y}", None),
        (f"{d.month}/{d.day}/{d.year}", False),
        (f"{d:%d/%m/%Y}", True),
        (f"{d:%d.%m.%Y}", None),
        (f"{d:%d-%m-%Y}", None),
        (f"{d.year}年{d.month}月{d.day}日", None),
        (f"{d.day} {month} {d.year}", None),
        (f"{month[:3]} {d.day}, {d.year}", None),
        (f"{d.isoformat()} 00:00:00", None),
        (f"{d.isoformat()}T00:00:00.000Z", None),
    ]


@given(born=_birth_dates)
def test_date_of_birth_round_trip(born: dt.date) -> None:
    for text, dayfirst in _formats(born):
        assert parse_date(text, dayfirst=dayfirst) == born, text
        assert VALIDATORS["date_of_birth"](text), text


@given(day=st.dates(min_value=dt.date.today() + dt.timedelta(days=1), max_value=dt.date(9999, 12, 31)))
def test_date_of_birth_rejects_future(day: dt.date) -> None:
    assert parse_date(day.isoformat()) == day
    assert not VALIDATORS["date_of_birth"](day.isoformat())


@given(day=_birth_dates, hour=st.integers(0, 23), minute=st.integers(0, 59), second=st.integers(0, 59))
def test_date_of_birth_rejects_time_of_day(day: dt.date, hour: int, minute: int, second: int) -> None:
    assume((hour, minute, second) != (0, 0, 0))
    text = f"{day.isoformat()} {hour:02d}:{minute:02d}:{second:02d}"
    assert parse_date(text) == day
    assert not VALIDATORS["date_of_birth"](text)


@given(value=st.text(max_size=80))
def test_parse_date_never_raises(value: str) -> None:
    result = parse_date(value)
    assert result is None or isinstance(result, dt.date)


# --- speed -----------------------------------------------------------------------------------------


def test_apply_credit_card_is_fast() -> None:
    import time

    rng = np.random.default_rng(0)
    values = pd.Series(["4" + "".join(map(str, rng.integers(0, 10, 15))) for _ in range(1000)])
    apply_validator("credit_card", values)  # warm up
    start = time.perf_counter()
    result = apply_validator("credit_card", values)
    elapsed = time.perf_counter() - start
    assert 50 < result.sum() < 150  # ~1 in 10 random numbers passes Luhn
    assert elapsed < 0.25
