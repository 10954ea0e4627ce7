"""Checksum and structure validators that confirm a pattern hit is a real identifier.

A rule's regular expression finds values *shaped* like a card number or an IBAN; the validator named
in the rule (``validator: luhn``) decides whether the value really is one. Each validator is
``name(value: str) -> bool``, takes an already stripped value and never raises: anything it cannot
make sense of is simply ``False``.

Where python-stdnum or phonenumbers implements a check (Luhn, IBAN MOD 97-10, CPF, Steuer-IdNr, DNI,
NIR, SSN area/group rules, EU VAT per member state, BIC country codes, phone numbering plans) it is
used rather than hand-written checksum code. The registry :data:`VALIDATORS` is what rule files may
name; :func:`apply_validator` runs one over a column of values.
"""

from __future__ import annotations

import datetime as dt
import difflib
import functools
import ipaddress
import re
from collections.abc import Callable, Iterable, Sequence

import numpy as np
import pandas as pd
import phonenumbers
from stdnum import bic as _bic
from stdnum import iban as _iban
from stdnum.br import cpf as _br_cpf
from stdnum.cn import ric as _cn_ric
from stdnum.de import idnr as _de_idnr
from stdnum.es import dni as _es_dni
from stdnum.eu import vat as _eu_vat
from stdnum.fr import nir as _fr_nir
from stdnum.us import itin as _us_itin
from stdnum.us import ssn as _us_ssn

from crmscan.errors import RuleError

Validator = Callable[[str], bool]

# Nothing a validator accepts is longer; the cap also bounds regex and parser work on junk cells.
_MAX_LEN = 256


class UnknownValidator(RuleError):
    """A rule names a validator that is not in :data:`VALIDATORS` (usually a typo)."""

    def __init__(self, name: str) -> None:
        close = difflib.get_close_matches(name, sorted(VALIDATORS), n=1)
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        super().__init__(
            f"unknown validator {name!r}{hint}; known validators: {', '.join(sorted(VALIDATORS))}"
        )
        self.name = name


def _safe(fn: Callable[[str], bool]) -> Validator:
    """Make *fn* total: non-strings, over-long values and any exception inside give ``False``."""

    @functools.wraps(fn)
    def wrapper(value: str) -> bool:
        if not isinstance(value, str) or len(value) > _MAX_LEN:
            return False
        try:
            return bool(fn(value.strip()))
        except Exception:  # a validator answers yes or no; a parser's complaint means "no"
            return False

    return wrapper


def _all_same(digits: str) -> bool:
    return len(set(digits)) <= 1


# --- payment cards ---------------------------------------------------------------------------------

_CARD_FORMAT = re.compile(r"[0-9]+(?:[ \-][0-9]+)*")
_CARD_MIN, _CARD_MAX = 12, 19
_ZERO_RUN = 8  # padded sequential ids ("4000000000000127"); a real PAN almost never has 8 zeros in a row


def _card_digits(value: object) -> str | None:
    if not isinstance(value, str) or len(value) > _MAX_LEN:
        return None
    value = value.strip()
    if not _CARD_FORMAT.fullmatch(value):
        return None
    digits = value.replace(" ", "").replace("-", "")
    return digits if _CARD_MIN <= len(digits) <= _CARD_MAX else None


def _luhn_ok(d: np.ndarray) -> np.ndarray:
    """Luhn over a matrix of digit rows of one length (the check digit is the last column)."""
    doubled = d[:, -2::-2] * 2
    doubled = np.where(doubled > 9, doubled - 9, doubled)
    total = d[:, ::-2].sum(axis=1) + doubled.sum(axis=1)
    return total % 10 == 0


_MAESTRO = np.array([5018, 5020, 5038, 5893, 6304, 6759, 6761, 6762, 6763])


def _brand_ok(d: np.ndarray) -> np.ndarray:
    """Known issuer ranges (IIN) with the lengths each network issues."""
    n = d.shape[1]
    p2 = d[:, 0] * 10 + d[:, 1]
    p3 = p2 * 10 + d[:, 2]
    p4 = p3 * 10 + d[:, 3]
    long_ = 16 <= n <= 19
    visa = (d[:, 0] == 4) & (n in (13, 16, 19))
    mastercard = (((p2 >= 51) & (p2 <= 55)) | ((p4 >= 2221) & (p4 <= 2720))) & (n == 16)
    amex = ((p2 == 34) | (p2 == 37)) & (n == 15)
    discover = ((p4 == 6011) | (p2 == 65) | ((p3 >= 644) & (p3 <= 649))) & long_
    jcb = ((p4 >= 3528) & (p4 <= 3589) & long_) | (((p4 == 2131) | (p4 == 1800)) & (n == 15))
    diners = ((p2 == 36) | (p2 == 38) | ((p3 >= 300) & (p3 <= 305))) & (14 <= n <= 19)
    unionpay = (p2 == 62) & long_
    maestro = np.isin(p4, _MAESTRO) | ((p2 >= 56) & (p2 <= 58))
    mir = (p4 >= 2200) & (p4 <= 2204) & long_
    return visa | mastercard | amex | discover | jcb | diners | unionpay | maestro | mir


def _not_placeholder(d: np.ndarray) -> np.ndarray:
    """Reject repeated digits, counting sequences and zero-padded counters (the check digit aside)."""
    body = d[:, :-1]
    same = (body == body[:, :1]).all(axis=1)
    steps = np.diff(body.astype(np.int16), axis=1) % 10
    counting = (steps == 1).all(axis=1) | (steps == 9).all(axis=1)
    zeros = np.concatenate([np.zeros((len(d), 1), np.int16), np.cumsum(d == 0, axis=1, dtype=np.int16)], 1)
    padded = ((zeros[:, _ZERO_RUN:] - zeros[:, :-_ZERO_RUN]) >= _ZERO_RUN).any(axis=1)
    return ~(same | counting | padded)


def _card_check(values: Sequence[object], brand: bool) -> np.ndarray:
    """Luhn (and, with *brand*, IIN + placeholder checks) over many values, one numpy pass per length."""
    out = np.zeros(len(values), dtype=bool)
    by_length: dict[int, tuple[list[int], list[str]]] = {}
    for i, value in enumerate(values):
        digits = _card_digits(value)
        if digits is not None:
            rows, strings = by_length.setdefault(len(digits), ([], []))
            rows.append(i)
            strings.append(digits)
    for length, (rows, strings) in by_length.items():
        raw = np.frombuffer("".join(strings).encode("ascii"), dtype=np.uint8)
        d = (raw - ord("0")).astype(np.int16).reshape(len(strings), length)
        ok = _luhn_ok(d)
        if brand:
            ok &= _brand_ok(d) & _not_placeholder(d)
        out[np.asarray(rows)] = ok
    return out


@_safe
def luhn(value: str) -> bool:
    """12-19 digits (single spaces or dashes between groups) passing the Luhn mod-10 check."""
    return bool(_card_check([value], brand=False)[0])


@_safe
def credit_card(value: str) -> bool:
    """A payment card number: Luhn-valid, in a known network's IIN range and length.

    Networks: Visa 4, Mastercard 51-55 and 2221-2720, Amex 34/37, Discover 6011/644-649/65, JCB
    3528-3589 (and legacy 15-digit 2131/1800), Diners 300-305/36/38, UnionPay 62, Maestro
    (5018, 5020, 5038, 56-58, 5893, 6304, 6759, 6761-6763; 12-19 digits) and Mir 2200-2204. Repeated
    or counting digits and zero-padded counters (``4000000000000127``) are rejected as placeholders.
    """
    return bool(_card_check([value], brand=True)[0])


@_safe
def cvv(value: str) -> bool:
    """A card security code: 3 or 4 digits (structure only)."""
    return re.fullmatch(r"[0-9]{3,4}", value) is not None


# --- banking and tax identifiers -------------------------------------------------------------------


@_safe
def iban(value: str) -> bool:
    """An IBAN: country structure, MOD 97-10 check digits and national checks (stdnum.iban)."""
    return re.fullmatch(r"[A-Za-z]{2}[0-9]{2}[A-Za-z0-9 \-.]{8,40}", value) is not None and _iban.is_valid(
        value
    )


@_safe
def bic(value: str) -> bool:
    """A SWIFT/BIC code of 8 or 11 upper-case characters with a real country code (stdnum.bic)."""
    return re.fullmatch(r"[A-Z]{6}[A-Z0-9]{2}(?:[A-Z0-9]{3})?", value) is not None and _bic.is_valid(value)


@_safe
def eu_vat(value: str) -> bool:
    """An EU VAT number with its country prefix, checked by the member state's rules (stdnum.eu.vat)."""
    return re.fullmatch(r"[A-Za-z]{2}[A-Za-z0-9 .\-]{2,16}", value) is not None and _eu_vat.is_valid(value)


_SSN_FORMAT = re.compile(r"[0-9]{3}-[0-9]{2}-[0-9]{4}|[0-9]{9}")
# Advertised or textbook numbers that are not anyone's SSN (stdnum also blacklists 078-05-1120 & co).
_SSN_FAKES = frozenset({"123456789"})


@_safe
def us_ssn(value: str) -> bool:
    """A US SSN, ``123-45-6789`` or 9 digits: area not 000/666/9xx, group not 00, serial not 0000.

    The area/group/serial rules and the blacklist of advertised numbers are stdnum.us.ssn's.
    """
    return (
        _SSN_FORMAT.fullmatch(value) is not None
        and value.replace("-", "") not in _SSN_FAKES
        and _us_ssn.is_valid(value)
    )


@_safe
def us_itin(value: str) -> bool:
    """A US ITIN: area 9xx, group 70-88, 90-92 or 94-99 (stdnum.us.itin)."""
    return _SSN_FORMAT.fullmatch(value) is not None and _us_itin.is_valid(value)


@_safe
def br_cpf(value: str) -> bool:
    """A Brazilian CPF (``390.533.447-05`` or 11 digits) with both check digits (stdnum.br.cpf)."""
    if re.fullmatch(r"[0-9]{3}\.?[0-9]{3}\.?[0-9]{3}-?[0-9]{2}", value) is None:
        return False
    digits = re.sub(r"[.\-]", "", value)
    return not _all_same(digits) and _br_cpf.is_valid(digits)


@_safe
def de_idnr(value: str) -> bool:
    """A German Steuerliche Identifikationsnummer, 11 digits (stdnum.de.idnr)."""
    return re.fullmatch(r"[0-9][0-9 /]{9,14}[0-9]", value) is not None and _de_idnr.is_valid(value)


@_safe
def es_dni(value: str) -> bool:
    """A Spanish DNI: 8 digits and the check letter (stdnum.es.dni)."""
    return re.fullmatch(r"[0-9]{8}-?[A-Za-z]", value) is not None and _es_dni.is_valid(value)


@_safe
def fr_nir(value: str) -> bool:
    """A French NIR (numéro de sécurité sociale), 15 characters with its key (stdnum.fr.nir)."""
    return re.fullmatch(r"[1-478][0-9AB ]{13,20}", value.upper()) is not None and _fr_nir.is_valid(value)


_NINO = re.compile(r"(?!BG|GB|NK|KN|TN|NT|ZZ)[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z][0-9]{6}[A-D]")


@_safe
def uk_nino(value: str) -> bool:
    """A UK National Insurance number, e.g. ``QQ 12 34 56 C`` (HMRC prefix rules; stdnum has none)."""
    return _NINO.fullmatch(value.replace(" ", "").upper()) is not None


# --- national identity and travel documents --------------------------------------------------------

# GB/T 2260 province-level codes; the full county table (stdnum's numdb) is slow and rejects ids whose
# county was renamed, so the province plus the checksum and birth date stand in for it.
_CN_PROVINCES = frozenset(
    [11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42, 43, 44, 45, 46]
    + [50, 51, 52, 53, 54, 61, 62, 63, 64, 65, 71, 81, 82, 83]
)


@_safe
def cn_resident_id(value: str) -> bool:
    """A PRC resident identity card number (GB 11643-1999).

    18 characters: province-level region, birth date YYYYMMDD (1900..today), sequence and an
    ISO 7064 MOD 11-2 check character (``X`` for 10, computed by stdnum.cn.ric). The legacy 15-digit
    form (YYMMDD in the 1900s, no check character) is accepted too.
    """
    v = value.upper()
    if re.fullmatch(r"[0-9]{17}[0-9X]", v):
        if int(v[:2]) not in _CN_PROVINCES or _cn_ric.calc_check_digit(v) != v[-1]:
            return False
        return _plausible_birth(dt.date(int(v[6:10]), int(v[10:12]), int(v[12:14])))
    if re.fullmatch(r"[0-9]{15}", v):
        return int(v[:2]) in _CN_PROVINCES and _plausible_birth(
            dt.date(1900 + int(v[6:8]), int(v[8:10]), int(v[10:12]))
        )
    return False


@_safe
def passport(value: str) -> bool:
    """A passport number, structure only: 6-9 upper-case letters/digits with at least one digit."""
    return re.fullmatch(r"(?=[A-Z]*[0-9])[A-Z0-9]{6,9}", value) is not None and not _all_same(value)


# --- contact data ----------------------------------------------------------------------------------

_CN_MOBILE = re.compile(r"(?:(?:\+|00)?86[ \-]?)?1[3-9][0-9](?:[ \-]?[0-9]{4}){2}")


@_safe
def cn_phone(value: str) -> bool:
    """A mainland China mobile number ``1[3-9]xxxxxxxxx``, optionally ``+86``/``86``/``0086`` first."""
    return _CN_MOBILE.fullmatch(value) is not None


PHONE_REGIONS: tuple[str, ...] = ("US", "GB", "DE", "FR", "CN", "BR", "IN")
_PHONE_SHAPE = re.compile(r"(?:\+|00)?[0-9 ()./\-]{6,24}(?:\s*(?:ext\.?|x|#)\s*[0-9]{1,6})?", re.IGNORECASE)


@_safe
def phone(value: str) -> bool:
    """A valid phone number per phonenumbers' numbering plans.

    International numbers (``+44 20 7946 0958``) are parsed as they are; national ones are tried with
    the region hints in :data:`PHONE_REGIONS`, in order, and pass if any region finds them valid.
    """
    if _PHONE_SHAPE.fullmatch(value) is None or not 7 <= sum(c.isdigit() for c in value) <= 17:
        return False
    regions: Iterable[str | None] = (None,) if value.startswith("+") else PHONE_REGIONS
    for region in regions:
        try:
            number = phonenumbers.parse(value, region)
        except phonenumbers.NumberParseException:
            continue
        if phonenumbers.is_possible_number(number) and phonenumbers.is_valid_number(number):
            return True
    return False


_EMAIL = re.compile(
    r"(?P<local>[\w!#$%&'*+/=?^`{|}~\-]+(?:\.[\w!#$%&'*+/=?^`{|}~\-]+)*)"
    r"@(?P<domain>(?:[^\W_](?:[\w\-]{0,61}[^\W_])?\.)+(?:[^\W\d_]{2,24}|xn--[a-z0-9\-]{1,59}))"
)


@_safe
def email(value: str) -> bool:
    """An e-mail address, pragmatically: ``local@domain.tld``, no spaces, a 2-24 letter TLD.

    Internationalised local parts and domains are accepted; quoted local parts and IP-literal domains
    (legal in RFC 5322, absent from CRMs) are not.
    """
    m = _EMAIL.fullmatch(value)
    return m is not None and len(m["local"]) <= 64 and len(value) <= 254


@_safe
def postal_code(value: str) -> bool:
    """A postal code of the US (ZIP/ZIP+4), UK, Canada, China or a 5-digit one (DE, FR, ...)."""
    return (
        us_zip(value)
        or uk_postcode(value)
        or cn_postcode(value)
        or re.fullmatch(r"[ABCEGHJ-NPRSTVXY][0-9][ABCEGHJ-NPRSTV-Z] ?[0-9][ABCEGHJ-NPRSTV-Z][0-9]", value)
        is not None
    )


@_safe
def us_zip(value: str) -> bool:
    """A US ZIP code, ``12345`` or ``12345-6789`` (also the shape of DE and FR postal codes)."""
    return re.fullmatch(r"[0-9]{5}(?:-[0-9]{4})?", value) is not None and not value.startswith("00000")


_UK_POSTCODE = re.compile(
    r"GIR ?0AA|(?:[A-PR-UWYZ][0-9]{1,2}|[A-PR-UWYZ][A-HK-Y][0-9]{1,2}|[A-PR-UWYZ][0-9][A-HJKPSTUW]"
    r"|[A-PR-UWYZ][A-HK-Y][0-9][ABEHMNPRV-Y]) ?[0-9][ABD-HJLNP-UW-Z]{2}",
    re.IGNORECASE,
)


@_safe
def uk_postcode(value: str) -> bool:
    """A UK postcode such as ``SW1A 1AA`` or ``M1 1AE`` (Royal Mail area/district/sector/unit rules)."""
    return _UK_POSTCODE.fullmatch(value) is not None


@_safe
def cn_postcode(value: str) -> bool:
    """A 6-digit PRC postal code whose first two digits are a postal province (01-86)."""
    return re.fullmatch(r"(?:0[1-9]|[1-7][0-9]|8[0-6])[0-9]{4}", value) is not None


# --- network identifiers ---------------------------------------------------------------------------


@_safe
def ipv4(value: str) -> bool:
    """A dotted-quad IPv4 address (any valid one; leading zeros rejected, as by :mod:`ipaddress`)."""
    return re.fullmatch(r"[0-9.]{7,15}", value) is not None and bool(ipaddress.IPv4Address(value))


@_safe
def ip(value: str) -> bool:
    """An IPv4 or IPv6 address: web-form and login logs mix both in one column."""
    return ipv4(value) or ipv6(value)


@_safe
def ipv6(value: str) -> bool:
    """An IPv6 address in any textual form :mod:`ipaddress` accepts (``::1``, ``fe80::1%eth0``)."""
    return ":" in value and bool(ipaddress.IPv6Address(value))


_MAC = re.compile(
    r"[0-9A-Fa-f]{2}([:\-])(?:[0-9A-Fa-f]{2}\1){4}[0-9A-Fa-f]{2}|(?:[0-9A-Fa-f]{4}\.){2}[0-9A-Fa-f]{4}"
)


@_safe
def mac_address(value: str) -> bool:
    """A MAC address (``00:1A:2B:3C:4D:5E``, dashes, or Cisco ``001a.2b3c.4d5e``), not all-0 or all-F."""
    if _MAC.fullmatch(value) is None:
        return False
    hex_digits = re.sub(r"[:\-.]", "", value).upper()
    return hex_digits not in ("000000000000", "FFFFFFFFFFFF")


# --- health ----------------------------------------------------------------------------------------


@_safe
def icd10(value: str) -> bool:
    """An ICD-10 / ICD-10-CM code: letter (not U), two characters, optional ``.`` and 1-4 more.

    E.g. ``E11.9``, ``J45.909``, ``S72.001A``, ``C7A.01``; the dot may be left out (``E119``) as many
    claims systems store it.
    """
    return re.fullmatch(r"[A-TV-Z][0-9][0-9AB](?:\.?[0-9A-Z]{1,4})?", value.upper()) is not None


# --- dates -----------------------------------------------------------------------------------------

_TIME = (
    r"(?:[T ]\s*(?P<h>[0-9]{1,2}):(?P<mi>[0-9]{2})(?::(?P<s>[0-9]{2})(?:[.,](?P<frac>[0-9]{1,9}))?)?"
    r"\s*(?:Z|UTC|[+\-][0-9]{2}:?[0-9]{2})?)?"
)
_MONTHS = {
    name: i
    for i, names in enumerate(
        [
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ],
        start=1,
    )
    for name in names
}
_MONTH = r"(?P<mon>[A-Za-z]{3,9})\.?"
_DATE_FORMATS = [
    re.compile(r"(?P<y>[0-9]{4})(?P<sep>[\-/.])(?P<m>[0-9]{1,2})(?P=sep)(?P<d>[0-9]{1,2})" + _TIME),
    re.compile(r"(?P<y>[0-9]{4})(?P<m>[0-9]{2})(?P<d>[0-9]{2})"),
    re.compile(r"(?P<a>[0-9]{1,2})(?P<sep>[\-/.])(?P<b>[0-9]{1,2})(?P=sep)(?P<y>[0-9]{4})" + _TIME),
    re.compile(r"(?P<y>[0-9]{4})\s*年\s*(?P<m>[0-9]{1,2})\s*月\s*(?P<d>[0-9]{1,2})\s*[日号]?"),
    re.compile(r"(?P<d>[0-9]{1,2})(?:st|nd|rd|th)?[ \-]" + _MONTH + r"[ \-,]\s*(?P<y>[0-9]{4})"),
    re.compile(_MONTH + r" (?P<d>[0-9]{1,2})(?:st|nd|rd|th)?,? (?P<y>[0-9]{4})"),
]


def _parse(value: str, dayfirst: bool | None) -> tuple[dt.date, bool] | None:
    """(date, has a time of day other than midnight) or ``None``."""
    for rx in _DATE_FORMATS:
        m = rx.fullmatch(value)
        if m is None:
            continue
        groups = m.groupdict()
        year = int(groups["y"])
        if groups.get("mon"):
            month = _MONTHS.get(groups["mon"].lower(), 0)
            day = int(groups["d"])
        elif groups.get("a"):
            a, b = int(groups["a"]), int(groups["b"])
            # "." and "-" are day-first almost everywhere; "/" is month-first unless told otherwise.
            first_is_day = dayfirst if dayfirst is not None else groups["sep"] != "/"
            if a > 12:
                first_is_day = True
            elif b > 12:
                first_is_day = False
            day, month = (a, b) if first_is_day else (b, a)
        else:
            month, day = int(groups["m"]), int(groups["d"])
        try:
            date = dt.date(year, month, day)
        except ValueError:
            return None
        clock = any(int(groups.get(k) or 0) for k in ("h", "mi", "s", "frac"))
        if groups.get("h") is not None and not (int(groups["h"]) < 24 and int(groups["mi"]) < 60):
            return None
        return date, clock
    return None


def parse_date(value: str, *, dayfirst: bool | None = None) -> dt.date | None:
    """The calendar date written in *value*, or ``None`` if it is not a date this module reads.

    Reads ISO (``1990-01-02``, ``1990/01/02``, ``19900102``, with an optional time), US and European
    numeric dates (``01/02/1990``, ``02.01.1990``, ``02-01-1990``), Chinese (``1990年1月2日``) and
    English month names (``2 January 1990``, ``Jan 2, 1990``). An ambiguous numeric date is read
    month-first with ``/`` and day-first with ``.`` or ``-`` unless *dayfirst* says otherwise; a part
    above 12 settles it either way. A time of day is allowed and ignored.
    """
    if not isinstance(value, str) or len(value) > 64:
        return None
    try:
        parsed = _parse(value.strip(), dayfirst)
    except (ValueError, OverflowError):
        return None
    return parsed[0] if parsed else None


_EARLIEST_BIRTH = dt.date(1900, 1, 1)


def _plausible_birth(date: dt.date) -> bool:
    return _EARLIEST_BIRTH <= date <= dt.date.today()


@_safe
def date_of_birth(value: str) -> bool:
    """A date (see :func:`parse_date`) that can be a living person's birth date: 1900-01-01..today.

    Timestamps with a time of day (``2024-03-01 14:22:05``) are record times, not birth dates, and fail;
    a midnight time (a DATE exported through a DATETIME column) is allowed.
    """
    parsed = _parse(value, None)
    return parsed is not None and not parsed[1] and _plausible_birth(parsed[0])


# --- registry --------------------------------------------------------------------------------------

#: Every validator a rule file may name, by that name.
VALIDATORS: dict[str, Validator] = {
    "luhn": luhn,
    "credit_card": credit_card,
    "cvv": cvv,
    "iban": iban,
    "bic": bic,
    "eu_vat": eu_vat,
    "us_ssn": us_ssn,
    "us_itin": us_itin,
    "br_cpf": br_cpf,
    "de_idnr": de_idnr,
    "es_dni": es_dni,
    "fr_nir": fr_nir,
    "uk_nino": uk_nino,
    "cn_resident_id": cn_resident_id,
    "passport": passport,
    "cn_phone": cn_phone,
    "phone": phone,
    "email": email,
    "postal_code": postal_code,
    "us_zip": us_zip,
    "uk_postcode": uk_postcode,
    "cn_postcode": cn_postcode,
    "ip": ip,
    "ipv4": ipv4,
    "ipv6": ipv6,
    "mac_address": mac_address,
    "icd10": icd10,
    "date_of_birth": date_of_birth,
}

# Validators with a whole-column form; the rest run value by value (fine on <= 1,000 filtered values).
_VECTORISED: dict[str, Callable[[Sequence[object]], np.ndarray]] = {
    "luhn": functools.partial(_card_check, brand=False),
    "credit_card": functools.partial(_card_check, brand=True),
}


def known_validators() -> set[str]:
    """The names a rule's ``validator:`` field may take."""
    return set(VALIDATORS)


def get_validator(name: str) -> Validator:
    """The validator called *name*; :class:`UnknownValidator` if there is none."""
    try:
        return VALIDATORS[name]
    except KeyError:
        raise UnknownValidator(name) from None


def apply_validator(name: str, values: pd.Series) -> np.ndarray:
    """Boolean mask, aligned with *values*, of the values validator *name* accepts.

    Non-string cells (``None``, ``NaN``) are ``False``. Raises :class:`UnknownValidator` for an unknown
    name.
    """
    fn = get_validator(name)
    items = values.tolist()
    vectorised = _VECTORISED.get(name)
    if vectorised is not None:
        return vectorised(items)
    return np.fromiter((fn(v) if isinstance(v, str) else False for v in items), dtype=bool, count=len(items))
