#!/usr/bin/env python3
"""Build the labelled development corpus: real CRM/EHR column names, synthetic values.

``schemas.yaml`` (next to this file) lists the tables -- column names copied from public CRM and EHR
schemas, each table citing its source -- with, for every column, its label (the categories a careful
privacy auditor would give it, primary first), its main entity type and the generator of its values.
This module turns that file into data:

* :func:`build_tables` returns every table as ``(DataFrame, {column: DB comment or None})``;
* :func:`labels` returns ``{(table, column): (categories, entity)}``;
* :func:`acceptable` returns the alternative category lists an evaluator should not count as mistakes
  (columns where auditors legitimately disagree; the main label is our call).

Values are synthetic but shaped like the real thing: Luhn-valid card numbers, mod-97-valid IBANs, SSA-
valid SSNs, GB 11643 resident IDs, phone numbers valid in their numbering plan, real ICD-10 codes and drug
names, bcrypt/argon2 hashes. Faker fills pools of names, cities and companies once per locale (seeded per
locale and field); street lines and phone numbers are composed by rule, with real-world street-type
frequencies and numbering plans (Faker's own pick types uniformly and half its numbers are unassigned).
Rows draw from the pools with one ``random.Random`` per table and one per column, so adding a column never
reshuffles the others. Nothing depends on the wall clock (a fixed TODAY): a build is deterministic for a
given Faker version.

Run ``python tests/corpus/build_corpus.py --write DIR`` to write every table as a CSV for inspection (the
GBK export keeps its encoding), or ``--exports`` to regenerate the committed files under
``tests/corpus/exports/``.
"""

from __future__ import annotations

import argparse
import base64
import csv
import datetime as dt
import hashlib
import io
import random
import re
import string
import sys
import unicodedata
import uuid
import zlib
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any

import pandas as pd
import yaml
from faker import Faker

HERE = Path(__file__).resolve().parent
SCHEMAS = HERE / "schemas.yaml"
CATEGORIES = ("pii", "financial", "health", "special", "credential")

#: The corpus's "today": ages and timestamps are relative to it, never to the wall clock.
TODAY = dt.date(2025, 6, 30)
EPOCH = dt.datetime(2018, 1, 1)

#: Country name (as CRMs store it) and numbering-plan region of each Faker locale used.
COUNTRY = {
    "en_US": "United States",
    "en_GB": "United Kingdom",
    "de_DE": "Germany",
    "fr_FR": "France",
    "es_ES": "Spain",
    "pt_BR": "Brazil",
    "en_IN": "India",
    "zh_CN": "中国",
}
REGION = {
    "en_US": "US",
    "en_GB": "GB",
    "de_DE": "DE",
    "fr_FR": "FR",
    "es_ES": "ES",
    "pt_BR": "BR",
    "en_IN": "IN",
    "zh_CN": "CN",
}
#: Rough bounding boxes (lat_min, lat_max, lng_min, lng_max) for plausible coordinates.
BOX = {
    "US": (30.0, 47.0, -122.0, -75.0),
    "GB": (50.5, 57.5, -4.5, 1.5),
    "DE": (47.5, 54.5, 6.5, 14.5),
    "FR": (43.0, 50.5, -1.5, 7.5),
    "ES": (36.5, 43.5, -8.5, 3.0),
    "BR": (-30.0, -5.0, -55.0, -35.0),
    "IN": (9.0, 30.0, 72.0, 88.0),
    "CN": (22.0, 40.0, 104.0, 122.0),
}
FREE_MAIL = {
    "en_US": ["gmail.com", "yahoo.com", "outlook.com", "icloud.com", "aol.com"],
    "en_GB": ["gmail.com", "hotmail.co.uk", "btinternet.com", "outlook.com"],
    "de_DE": ["gmx.de", "web.de", "t-online.de", "gmail.com"],
    "fr_FR": ["orange.fr", "free.fr", "laposte.net", "gmail.com"],
    "es_ES": ["gmail.com", "hotmail.es", "yahoo.es", "telefonica.net"],
    "pt_BR": ["gmail.com", "uol.com.br", "bol.com.br", "hotmail.com"],
    "en_IN": ["gmail.com", "rediffmail.com", "yahoo.co.in"],
    "zh_CN": ["qq.com", "163.com", "126.com", "sina.com"],
}
TLD = {
    "en_US": "com",
    "en_GB": "co.uk",
    "de_DE": "de",
    "fr_FR": "fr",
    "es_ES": "es",
    "pt_BR": "com.br",
    "en_IN": "in",
    "zh_CN": "cn",
}

_B62 = string.ascii_letters + string.digits
_BCRYPT = "./" + string.ascii_uppercase + string.ascii_lowercase + string.digits


class CorpusError(ValueError):
    """schemas.yaml is malformed; the message names the table, column and field."""


# ---------------------------------------------------------------------------------------------------
# Pools: Faker output drawn once per locale and field
# ---------------------------------------------------------------------------------------------------


def _secondary(f: Faker) -> str:
    return f.secondary_address() if hasattr(f, "secondary_address") else ""


#: field -> (pool size, draw). Sizes keep a 300-row table mostly free of repeats.
POOL_SPECS: dict[str, tuple[int, Callable[[Faker], str]]] = {
    "first_female": (150, lambda f: f.first_name_female()),
    "first_male": (150, lambda f: f.first_name_male()),
    "last": (300, lambda f: f.last_name()),
    "secondary": (200, _secondary),
    "city": (200, lambda f: f.city()),
    "postcode": (300, lambda f: f.postcode()),
    "company": (300, lambda f: f.company()),
    "job": (200, lambda f: f.job()),
    "user_name": (300, lambda f: f.user_name()),
    "iban": (300, lambda f: f.iban()),
    "ipv4": (300, lambda f: f.ipv4_public()),
    "siren": (200, lambda f: f.siren()),
    "siret": (200, lambda f: f.siret()),
    "vat_id": (200, lambda f: f.vat_id()),
    "state": (60, lambda f: f.administrative_unit()),
    "province": (60, lambda f: f.province()),
    "cn_city": (200, lambda f: f.city()),
    "district": (200, lambda f: f.district()),
    "street_name": (300, lambda f: f.street_name()),
}


@cache
def _faker(locale: str) -> Faker:
    return Faker(locale)


@cache
def pool(locale: str, field: str) -> tuple[str, ...]:
    """The pool of *field* values for *locale* (Faker seeded by locale and field)."""
    size, draw = POOL_SPECS[field]
    fake = _faker(locale)
    fake.seed_instance(zlib.crc32(f"{locale}:{field}".encode()))
    return tuple(draw(fake) for _ in range(size))


def _state(locale: str, rng: random.Random) -> str:
    if locale == "fr_FR":
        return rng.choice(
            [
                "Île-de-France",
                "Bretagne",
                "Normandie",
                "Occitanie",
                "Grand Est",
                "Hauts-de-France",
                "Nouvelle-Aquitaine",
                "Auvergne-Rhône-Alpes",
                "Provence-Alpes-Côte d'Azur",
            ]
        )
    if locale == "en_GB":
        return rng.choice(
            [
                "Greater London",
                "West Midlands",
                "Greater Manchester",
                "Kent",
                "Essex",
                "West Yorkshire",
                "Lancashire",
                "Hampshire",
                "Surrey",
                "Merseyside",
            ]
        )
    return rng.choice(pool(locale, "province" if locale == "zh_CN" else "state"))


# ---------------------------------------------------------------------------------------------------
# Phone numbers: valid in their numbering plan by construction (checked by the corpus test)
# ---------------------------------------------------------------------------------------------------


def _d(rng: random.Random, n: int, first: str = "0123456789") -> str:
    return rng.choice(first) + "".join(rng.choice(string.digits) for _ in range(n - 1))


US_AREA_CODES = (
    "201 202 206 212 213 214 215 303 305 310 312 313 404 415 503 512 602 617 646 702 704 713 718 720 773 "
    "801 818 917 919 971"
).split()
CN_MOBILE_PREFIXES = (
    "130 131 132 133 135 136 137 138 139 150 151 152 153 155 156 157 158 159 176 177 178 180 181 182 183 "
    "185 186 187 188 189 198 199"
).split()


def _us(rng: random.Random, mobile: bool) -> str:
    area = rng.choice(US_AREA_CODES)
    exchange = rng.choice([e for e in range(201, 999) if e % 100 != 11 and e != 555])
    line = _d(rng, 4)
    fmt = rng.choice(
        ["({a}) {e}-{l}", "{a}-{e}-{l}", "{a}.{e}.{l}", "+1 {a} {e} {l}", "+1-{a}-{e}-{l}", "{a}{e}{l}"]
    )
    number = fmt.format(a=area, e=exchange, l=line)
    if not mobile and rng.random() < 0.08:
        number += f" x{rng.randint(1, 9999)}"
    return number


def _gb(rng: random.Random, mobile: bool) -> str:
    if mobile:
        sub = "7" + rng.choice("123") + _d(rng, 2) + " " + _d(rng, 6)
        return rng.choice(["0{s}", "+44 {s}", "+44 (0){s}"]).format(s=sub)
    area = rng.choice(["20", "161", "121", "113", "141", "131", "117"])
    rest = (rng.choice("378") + _d(rng, 3) if area == "20" else _d(rng, 3, "234")) + " " + _d(rng, 4)
    return rng.choice(["0{a} {r}", "+44 {a} {r}", "+44 (0){a} {r}"]).format(a=area, r=rest)


def _de(rng: random.Random, mobile: bool) -> str:
    if mobile:
        prefix = rng.choice(
            ["151", "152", "157", "160", "162", "170", "171", "172", "173", "175", "176", "177", "178", "179"]
        )
        sub = _d(
            rng, 8 if prefix.startswith("15") or prefix in ("176", "177", "178", "179") else 7, "123456789"
        )
        return rng.choice(["0{p} {s}", "+49 {p} {s}", "0{p}/{s}", "+49 (0){p} {s}"]).format(p=prefix, s=sub)
    area = rng.choice(["30", "40", "69", "89", "221", "211", "711", "351", "341", "511", "911", "421"])
    sub = _d(rng, 8 if len(area) == 2 else 7, "23456789")
    return rng.choice(["0{a} {s}", "+49 {a} {s}", "0{a}/{s}", "+49 (0){a} {s}", "0{a}-{s}"]).format(
        a=area, s=sub
    )


def _fr(rng: random.Random, mobile: bool) -> str:
    first = rng.choice(["6", "7"]) if mobile else rng.choice(["1", "2", "3", "4", "5"])
    second = {"7": "345678", "6": "01245678", "2": "123457", "5": "12345678"}.get(first, "123456789")
    second = rng.choice(second)
    digits = first + second + _d(rng, 7)
    pairs = " ".join(digits[i : i + 2] for i in range(1, 9, 2))
    return rng.choice(["0{f} {p}", "+33 {f} {p}", "+33 (0){f} {p}", "0{n}"]).format(
        f=digits[0], p=pairs, n=digits
    )


def _es(rng: random.Random, mobile: bool) -> str:
    if mobile:
        digits = rng.choice(["6" + _d(rng, 8), "6" + _d(rng, 8), "7" + rng.choice("1234") + _d(rng, 7)])
    else:
        digits = rng.choice(["91", "93", "95", "96", "94"]) + _d(rng, 7, "123456789")
    return rng.choice(["{a} {b} {c}", "+34 {a} {b} {c}", "{n}", "+34 {n}"]).format(
        a=digits[:3], b=digits[3:6], c=digits[6:], n=digits
    )


def _br(rng: random.Random, mobile: bool) -> str:
    ddd = rng.choice(["11", "21", "31", "41", "51", "61", "71", "81", "85", "19", "27", "48"])
    sub = ("9" + rng.choice("6789") + _d(rng, 3)) if mobile else _d(rng, 4, "2345")
    tail = _d(rng, 4)
    return rng.choice(["({d}) {s}-{t}", "+55 {d} {s}-{t}", "{d} {s}-{t}", "+55 ({d}) {s}-{t}"]).format(
        d=ddd, s=sub, t=tail
    )


def _in(rng: random.Random, mobile: bool) -> str:
    if mobile or rng.random() < 0.7:
        digits = rng.choice(["98", "99", "97", "96", "94", "93", "90", "88", "87", "70", "81", "91"]) + _d(
            rng, 8
        )
        return rng.choice(["+91 {a} {b}", "0{n}", "{n}", "+91-{n}"]).format(
            a=digits[:5], b=digits[5:], n=digits
        )
    area, sub = rng.choice(
        [
            ("11", _d(rng, 8, "2345")),
            ("22", _d(rng, 8, "2345")),
            ("80", _d(rng, 8, "2345")),
            ("44", _d(rng, 8, "2345")),
        ]
    )
    return rng.choice(["0{a} {s}", "+91 {a} {s}", "0{a}-{s}"]).format(a=area, s=sub)


def _cn(rng: random.Random, mobile: bool) -> str:
    if mobile or rng.random() < 0.8:
        prefix = rng.choice(CN_MOBILE_PREFIXES)
        number = prefix + _d(rng, 8)
        return rng.choice(["{n}", "{n}", "{n}", "+86 {a} {b} {c}", "{a}-{b}-{c}"]).format(
            n=number, a=number[:3], b=number[3:7], c=number[7:]
        )
    return _cn_landline(rng)


def _cn_landline(rng: random.Random) -> str:
    area = rng.choice(["010", "021", "020", "022", "023", "0755", "028", "027", "025", "0571", "029", "0512"])
    return f"{area}-{_d(rng, 8, '2345678')}"


PHONE: dict[str, Callable[[random.Random, bool], str]] = {
    "US": _us,
    "GB": _gb,
    "DE": _de,
    "FR": _fr,
    "ES": _es,
    "BR": _br,
    "IN": _in,
    "CN": _cn,
}


# ---------------------------------------------------------------------------------------------------
# Rows: one synthetic subject per row, drawn lazily so the columns of a row agree
# ---------------------------------------------------------------------------------------------------


class Table:
    """Generation state of one table: the row subjects' random stream, locales and kinds."""

    def __init__(self, name: str, locales: dict[str, float], kinds: dict[str, float] | None) -> None:
        self.name = name
        self.rng = random.Random(zlib.crc32(name.encode("utf-8")))
        self.locales = list(locales)
        self.loc_weights = list(locales.values())
        self.kinds: list[str | None] = list(kinds) if kinds else [None]
        self.kind_weights = list(kinds.values()) if kinds else [1.0]

    def rows(self, n: int) -> list[Row]:
        locs = self.rng.choices(self.locales, self.loc_weights, k=n)
        kinds = self.rng.choices(self.kinds, self.kind_weights, k=n)
        return [Row(self, i, loc, kind) for i, (loc, kind) in enumerate(zip(locs, kinds, strict=True))]


class Row:
    """One row's subject (a person or an organisation); each attribute is drawn on first use."""

    def __init__(self, table: Table, index: int, locale: str, kind: str | None) -> None:
        self.t = table
        self.i = index
        self.locale = locale
        self.kind = kind
        self.rng = table.rng
        self._cache: dict[str, Any] = {}

    def __getitem__(self, key: str) -> Any:
        if key not in self._cache:
            base = key.rstrip("0123456789")  # phone2, email2: a second, different value
            self._cache[key] = SUBJECT[base](self)
        return self._cache[key]

    def draw(self, field: str) -> str:
        return self.rng.choice(pool(self.locale, field))

    def other(self) -> Row:
        """Another person of the same locale (a spouse, an assistant, a colleague)."""
        return Row(self.t, self.i, self.locale, self.kind)

    @property
    def cn(self) -> bool:
        return self.locale == "zh_CN"


def _ascii(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]", "", folded.lower())


def _gender(r: Row) -> str:
    return r.rng.choices(["F", "M", "X"], [0.49, 0.49, 0.02])[0]


def _first(r: Row) -> str:
    gender = r["gender"]
    if gender == "X":
        gender = r.rng.choice("FM")
    return r.draw("first_female" if gender == "F" else "first_male")


def _full(r: Row) -> str:
    return f"{r['last']}{r['first']}" if r.cn else f"{r['first']} {r['last']}"


def _email(r: Row) -> str:
    first, last = _ascii(r["first"]), _ascii(r["last"])
    if not first or not last:  # Chinese names: QQ numbers and pinyin-ish handles
        if r.rng.random() < 0.5:
            return f"{r.rng.randint(10000, 2999999999)}@qq.com"
        return f"{r.draw('user_name')}{r.rng.randint(1, 99)}@{r.rng.choice(FREE_MAIL['zh_CN'][1:])}"
    local = r.rng.choice(
        [
            f"{first}.{last}",
            f"{first}{last}{r.rng.randint(1, 99)}",
            f"{first[0]}{last}",
            f"{first}_{last}",
            f"{last}.{first}",
        ]
    )
    domain = r.rng.choice(FREE_MAIL[r.locale]) if r.rng.random() < 0.6 else r["company_domain"]
    return f"{local}@{domain}"


def _company_domain(r: Row) -> str:
    base = _ascii(re.split(r"[ ,]", r["company"])[0]) or f"firma{r.rng.randint(10, 999)}"
    return f"{base}.{TLD[r.locale]}"


#: Street types with rough real-world frequencies. Faker picks types uniformly ("Stravenue", "Morro",
#: "Pasadizo"), which real address books do not look like.
STREET_TYPES = {
    "en_US": (
        ["St", "Ave", "Rd", "Dr", "Ln", "Blvd", "Way", "Ct", "Pl", "Cir", "Street", "Avenue", "Pkwy", "Ter"],
        [28, 18, 12, 10, 6, 5, 5, 4, 3, 2, 2, 2, 1, 1],
    ),
    "en_GB": (
        [
            "Road",
            "Street",
            "Lane",
            "Avenue",
            "Close",
            "Drive",
            "Way",
            "Gardens",
            "Crescent",
            "Court",
            "Place",
            "Grove",
        ],
        [30, 22, 10, 8, 8, 6, 5, 3, 3, 2, 2, 1],
    ),
    "de_DE": (
        ["straße", "str.", "weg", "allee", "platz", "gasse", "ring", "damm"],
        [45, 10, 15, 5, 4, 3, 5, 2],
    ),
    "fr_FR": (
        ["rue", "avenue", "boulevard", "chemin", "place", "allée", "impasse", "route"],
        [55, 15, 8, 6, 5, 4, 4, 3],
    ),
    "es_ES": (
        ["Calle", "C/", "Avenida", "Avda.", "Plaza", "Paseo", "Camino", "Ronda", "Travesía", "Carretera"],
        [45, 12, 10, 5, 6, 6, 5, 3, 3, 2],
    ),
    "pt_BR": (
        ["Rua", "Avenida", "Av.", "Travessa", "Alameda", "Praça", "Estrada", "Rodovia"],
        [62, 12, 6, 5, 4, 4, 4, 3],
    ),
}
US_NAMES = (
    "Main Oak Maple Washington Park Elm Pine Cedar Lake Hill Church Walnut Sunset Lincoln Jackson "
    "Highland Ridge Spring Madison Franklin 2nd 3rd 5th Broad Center Chestnut Willow River Mill "
    "Forest"
).split()
GB_NAMES = (
    "High Station Church Park Victoria Green Manor Kings Queens Mill School Grange North London "
    "Springfield Windsor York Albert Chapel Meadow"
).split()
DE_STEMS = (
    "Haupt Bahnhof Schul Garten Linden Kirch Berg Wald Dorf Mühlen Rosen Birken Goethe Schiller "
    "Mozart Beethoven Eichen Ahorn Tannen Sonnen Blumen Feld Wiesen Friedrich-Ebert- Kant Lessing "
    "Markt Brunnen"
).split()
DE_WORDS = [
    "Berliner Straße",
    "Frankfurter Allee",
    "Am Markt",
    "An der Kirche",
    "Im Winkel",
    "Hamburger Straße",
    "Kölner Straße",
    "Auf dem Berg",
    "Zum Sportplatz",
    "Alte Dorfstraße",
]


def _street_line(r: Row) -> str:
    loc, rng = r.locale, r.rng
    num = str(
        rng.choices([rng.randint(1, 99), rng.randint(100, 999), rng.randint(1000, 19999)], [50, 35, 15])[0]
    )
    types, weights = STREET_TYPES.get(loc, STREET_TYPES["en_US"])
    kind = rng.choices(types, weights)[0]
    if loc == "en_US":
        line = f"{num} {rng.choice(US_NAMES + [r.draw('last')])} {kind}"
        if rng.random() < 0.15:
            line += rng.choice([" Apt {n}", " Apt. {n}", " Suite {n}", " Unit {n}", " #{n}"]).format(
                n=rng.choice([str(rng.randint(1, 40)), f"{rng.randint(1, 9)}{rng.choice('ABCD')}"])
            )
        return line
    if loc in ("en_GB", "en_IN"):
        line = f"{rng.randint(1, 180)} {rng.choice(GB_NAMES + [r.draw('last')])} {kind}"
        return (f"Flat {rng.randint(1, 20)}, " + line) if rng.random() < 0.12 else line
    if loc == "de_DE":
        name = rng.choice(DE_WORDS) if rng.random() < 0.2 else rng.choice(DE_STEMS) + kind
        return f"{name} {rng.randint(1, 180)}{rng.choice(['', '', '', '', 'a', 'b'])}"
    if loc == "fr_FR":
        article, name = rng.choice(
            [
                ("de la ", "Paix"),
                ("de la ", "République"),
                ("de la ", "Gare"),
                ("", "Victor Hugo"),
                ("", "Jean Jaurès"),
                ("", "Pasteur"),
                ("de l'", "Église"),
                ("du ", "Moulin"),
                ("du ", "Général de Gaulle"),
                ("de la ", "Liberté"),
                ("", r.draw("last")),
                ("des ", "Lilas"),
                ("", r.draw("last")),
            ]
        )
        bis = rng.choice(["", "", "", "", " bis"])
        line = f"{rng.randint(1, 180)}{bis}{rng.choice([' ', ', '])}{kind} {article}{name}"
        return line if rng.random() > 0.05 else f"{kind.capitalize()} {article}{name}"
    if loc == "es_ES":
        name = rng.choice(
            [
                f"de {r.draw('last')}",
                "Mayor",
                "de Alcalá",
                "de la Constitución",
                "Real",
                "del Sol",
                "de San Juan",
                "Nueva",
                f"{r.draw('first_male')} {r.draw('last')}",
            ]
        )
        floor = rng.choice(
            ["", "", f", {rng.randint(1, 9)}º {rng.choice('ABCD')}", f", {rng.randint(1, 6)}º"]
        )
        return f"{kind} {name}{rng.choice([', ', ' ', ' nº '])}{rng.randint(1, 150)}{floor}"
    if loc == "pt_BR":
        name = f"{r.draw(rng.choice(['first_male', 'first_female']))} {r.draw('last')}"
        extra = rng.choice(
            [
                "",
                "",
                "",
                f" - Apto {rng.randint(11, 1504)}",
                f", Casa {rng.randint(1, 9)}",
                f" - Bloco {rng.choice('ABCD')}",
            ]
        )
        return f"{kind} {name}, {rng.randint(1, 4999)}{extra}"
    return f"{num} {r.draw('last')} {kind}"


def _street(r: Row) -> str:
    if r.cn:
        addr = f"{r.draw('street_name')}{r.rng.randint(1, 999)}号"
        if r.rng.random() < 0.4:
            addr += f"{r.rng.randint(1, 30)}栋{r.rng.randint(1, 32)}{r.rng.randint(1, 8):02d}室"
        return addr
    return _street_line(r)


def _street2(r: Row) -> str:
    if r.locale in ("en_US", "en_GB", "es_ES"):
        return r.draw("secondary")
    if r.locale in ("fr_FR", "de_DE"):
        return r.rng.choice(
            [
                "Bâtiment B",
                "Appartement 12",
                "Escalier 3",
                "2. OG",
                "Hinterhaus",
                "Etage 4",
                "c/o Müller",
                "Résidence Les Pins",
                "Wohnung 7",
                "App. 23",
            ]
        )
    return f"Apto {r.rng.randint(1, 400)}"


def _postcode(r: Row) -> str:
    if r.cn:
        return f"{r.rng.randint(10, 85):02d}{r.rng.randint(0, 9999):04d}"
    return r.draw("postcode")


def _coordinate(r: Row, axis: int) -> float:
    box = BOX[REGION[r.locale]]
    return round(r.rng.uniform(box[2 * axis], box[2 * axis + 1]), 6)


def _birth(r: Row) -> dt.date:
    return TODAY - dt.timedelta(days=r.rng.randint(18 * 365, 88 * 365))


CN_COUNTIES = (
    "110101 110102 110105 110106 110108 310101 310104 310105 310106 310107 310109 310110 120101 "
    "120102 120103 120104"
).split()


def _cn_resident_id(r: Row) -> str:
    """GB 11643-1999: 6-digit region, YYYYMMDD, 3-digit sequence (odd for men), ISO 7064 MOD 11-2."""
    # County codes that existed for every birth year used here (python-stdnum checks the code against the
    # birth date): districts of Beijing, Shanghai and Tianjin.
    region = r.rng.choice(CN_COUNTIES)
    odd = r["gender"] == "M" or (r["gender"] == "X" and r.rng.random() < 0.5)
    seq = r.rng.randint(0, 99) * 10 + r.rng.choice([1, 3, 5, 7, 9] if odd else [0, 2, 4, 6, 8])
    body = f"{region}{r['birth']:%Y%m%d}{seq:03d}"
    weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    return body + "10X98765432"[sum(int(d) * w for d, w in zip(body, weights, strict=True)) % 11]


SUBJECT: dict[str, Callable[[Row], Any]] = {
    "gender": _gender,
    "first": _first,
    "last": lambda r: r.draw("last"),
    "middle": lambda r: r.draw(r.rng.choice(["first_female", "first_male"])),
    "full": _full,
    "email": _email,
    "company": lambda r: r.draw("company"),
    "company_domain": _company_domain,
    "phone": lambda r: PHONE[REGION[r.locale]](r.rng, False),
    "mobile": lambda r: PHONE[REGION[r.locale]](r.rng, True),
    "street": _street,
    "street2": _street2,
    "city": lambda r: r.draw("cn_city" if r.cn else "city"),
    "state": lambda r: _state(r.locale, r.rng),
    "postcode": _postcode,
    "lat": lambda r: _coordinate(r, 0),
    "lng": lambda r: _coordinate(r, 1),
    "birth": _birth,
    "cn_id": _cn_resident_id,
    "iban": lambda r: r.draw("iban"),
    "job": lambda r: r.draw("job"),
}


# ---------------------------------------------------------------------------------------------------
# Value banks and free text
# ---------------------------------------------------------------------------------------------------

ICD10 = (
    "E11.9 E10.9 I10 I25.10 J45.909 J44.9 F32.9 F41.1 M54.5 K21.9 E78.5 N18.3 C50.911 G43.909 B20 "
    "O24.419 Z34.90 E66.9 M17.11 F90.0 G40.909 I48.91 D64.9 L40.0 K50.90 H40.9 R51 Z79.4 E03.9 "
    "J30.9 F43.10 M81.0"
).split()
MEDICATIONS = [
    "Metformin 500 mg",
    "Lisinopril 10 mg",
    "Paracetamol 1 g",
    "Amoxicillin 500 mg",
    "Ibuprofen 400 mg",
    "Salbutamol inhaler 100 mcg",
    "Levothyroxine 50 mcg",
    "Atorvastatin 20 mg",
    "Omeprazole 20 mg",
    "Sertraline 50 mg",
    "Insulin glargine 20 units",
    "Ramipril 5 mg",
    "Bisoprolol 2.5 mg",
    "Amlodipine 5 mg",
    "Warfarin 3 mg",
    "Apixaban 5 mg",
    "Prednisolone 5 mg",
    "Methotrexate 15 mg weekly",
    "Tenofovir/emtricitabine 300/200 mg",
    "Dolutegravir 50 mg",
    "Co-trimoxazole 960 mg",
    "Isoniazid 300 mg",
    "Fluoxetine 20 mg",
    "Gabapentin 300 mg",
    "Tramadol 50 mg",
    "Montelukast 10 mg",
    "Cetirizine 10 mg",
    "Metoprolol 50 mg",
    "Losartan 50 mg",
    "Escitalopram 10 mg",
    "Metformin 1000 mg; Sitagliptin 100 mg",
]
BRANDS = (
    "Glucophage Lipitor Ventolin Zoloft Synthroid Nexium Crestor Lantus Eliquis Xarelto Januvia "
    "Norvasc Plavix Seroquel Truvada Biktarvy Panadol Augmentin Voltaren Tylenol Advil Diovan "
    "Singulair Prozac Lyrica"
).split()
PRN_CONDITIONS = [
    "pain",
    "fever",
    "shortness of breath",
    "nausea",
    "wheezing",
    "insomnia",
    "anxiety",
    "headache",
    "chest pain",
    "constipation",
    "itching",
    "migraine",
]
ALLERGIES = [
    "Penicillin",
    "Peanuts",
    "Shellfish",
    "Latex",
    "Pollen",
    "None known",
    "NKDA",
    "Sulfa drugs",
    "Bee stings",
    "Lactose intolerance",
    "Dust mites",
    "Penicillin allergy",
    "Tree nuts",
    "Aspirin",
]
BLOOD = (["O+", "A+", "B+", "AB+", "O-", "A-", "B-", "AB-"], [37, 34, 10, 4, 7, 6, 1.5, 0.5])
ETHNICITY = (
    [
        "White",
        "Black or African American",
        "Asian",
        "Hispanic or Latino",
        "Two or more races",
        "Prefer not to say",
        "American Indian or Alaska Native",
        "Native Hawaiian or Other Pacific Islander",
    ],
    [50, 14, 8, 15, 4, 6, 2, 1],
)
RELIGION = (
    [
        "Christian",
        "Catholic",
        "Muslim",
        "Jewish",
        "Hindu",
        "Buddhist",
        "None",
        "Prefer not to say",
        "Atheist",
        "Sikh",
    ],
    [25, 18, 8, 4, 4, 3, 20, 10, 6, 2],
)
CN_ETHNICITY = (
    ["汉族", "回族", "满族", "壮族", "维吾尔族", "苗族", "土家族", "蒙古族", "朝鲜族", "藏族"],
    [91, 1.5, 1.5, 1.5, 1, 1, 1, 0.7, 0.4, 0.4],
)
DEVICES = [
    "iPhone 15 Pro",
    "iPhone 14",
    "iPhone 13 mini",
    "iPhone SE (3rd gen)",
    "Galaxy S24 Ultra",
    "Galaxy S23",
    "Galaxy A54 5G",
    "Pixel 8 Pro",
    "Pixel 7a",
    "Redmi Note 13",
    "Xiaomi 13T",
    "OnePlus 12",
    "Moto G84",
    "Nokia G22",
    "Huawei P60 Pro",
    "Fairphone 5",
    "Galaxy Z Flip5",
]
BICS = {
    "fr_FR": ["BNPAFRPPXXX", "SOGEFRPPXXX", "AGRIFRPPXXX", "CCBPFRPPXXX", "CMCIFRPPXXX"],
    "de_DE": ["DEUTDEFFXXX", "COBADEFFXXX", "DRESDEFF", "GENODEM1GLS", "HYVEDEMMXXX"],
    "es_ES": ["CAIXESBBXXX", "BSCHESMMXXX", "BBVAESMMXXX", "SABBESBBXXX"],
}
BANKS = {
    "fr_FR": ["BNP Paribas", "Société Générale", "Crédit Agricole", "Banque Populaire", "CIC"],
    "de_DE": ["Deutsche Bank", "Commerzbank", "Sparkasse KölnBonn", "GLS Bank", "HypoVereinsbank"],
    "es_ES": ["CaixaBank", "Banco Santander", "BBVA", "Banco Sabadell"],
}
CN_BANKS = ["中国工商银行", "中国建设银行", "中国农业银行", "招商银行", "中国银行", "交通银行"]
CN_BRANCHES = ["北京海淀支行", "上海浦东分行", "深圳南山支行", "广州天河支行", "成都高新支行", "杭州西湖支行"]
CN_CARD_BINS = ["622202", "621700", "622848", "621483", "622588", "621661"]
ROLE_MAILBOXES = ["info", "contact", "sales", "office", "hello", "accounts", "service", "admin"]


def _luhn_complete(body: str) -> str:
    total = 0
    for i, ch in enumerate(reversed(body)):
        d = int(ch)
        if i % 2 == 0:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return body + str((10 - total % 10) % 10)


def _openmrs_check(base: str) -> str:
    """OpenMRS ID check character: Luhn mod 30 over the alphabet the idgen module uses."""
    alphabet = "0123456789ACDEFGHJKLMNPRTUVWXY"
    n = len(alphabet)
    factor, total = 2, 0
    for ch in reversed(base):
        addend = factor * alphabet.index(ch)
        factor = 1 if factor == 2 else 2
        total += addend // n + addend % n
    return alphabet[(n - total % n) % n]


def _ts(rng: random.Random, start: dt.datetime = EPOCH, end: dt.datetime | None = None) -> dt.datetime:
    end = end or dt.datetime.combine(TODAY, dt.time(17, 0))
    span = int((end - start).total_seconds())
    return start + dt.timedelta(seconds=rng.randint(0, span))


def _b64(rng: random.Random, nbytes: int) -> str:
    return base64.b64encode(bytes(rng.getrandbits(8) for _ in range(nbytes))).decode().rstrip("=")


# ---------------------------------------------------------------------------------------------------
# Free text
# ---------------------------------------------------------------------------------------------------

WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"]
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "September", "October", "November"]
PRODUCTS = [
    "Analytics Pro",
    "Field Service",
    "Helpdesk Plus",
    "Inventory Cloud",
    "Payroll Lite",
    "Marketing Suite",
    "Document Vault",
]
MODULES = ["reporting", "quoting", "calendar sync", "mobile app", "invoicing", "workflow", "API"]

BUSINESS_NOTES = [
    "Called about the renewal of the {product} licence; revised quote to follow by {weekday}.",
    "Demo of the {module} module went well, they want a pilot for {n} users.",
    "Asked for a discount on the annual plan; escalated to the sales manager.",
    "Invoice INV-{inv} paid late again, second reminder sent.",
    "Meeting moved to {weekday} afternoon, agenda: onboarding and data migration.",
    "Interested in the {product} bundle, budget approval expected next quarter.",
    "Support ticket about {module} errors closed after the {version} update.",
    "Left a voicemail, will try again on {weekday}.",
    "Sent the contract draft to their legal department for review.",
    "Trade fair follow-up: brochure and price list sent as requested.",
    "Upsell opportunity: {n} additional seats for the finance team.",
    "Complained about delivery delays on order SO-{inv}; offered free shipping on the next order.",
    "Renewal signed for {n} months, kickoff call planned for {weekday}.",
    "Wants training for new staff on the {module} module in {month}.",
    "Price increase accepted after comparison with two competitors.",
    "Evaluating a switch from their legacy ERP, decision expected in {month}.",
    "Requested SSO integration details before signing.",
    "No budget this year; revisit in {month}.",
]
HEALTH_NOTES = [
    "Out on sick leave after knee surgery, follow up in two weeks.",
    "Mentioned she was recently diagnosed with diabetes and needs regular breaks during workshops.",
    "Postpone the visit: he is starting chemotherapy next week.",
    "Asked us to avoid latex at the training venue because of a severe allergy.",
    "On maternity leave until {month}; her deputy handles orders meanwhile.",
    "Said the payment delay was due to a hospital stay after a heart attack.",
    "Needs wheelchair access for the on-site workshop.",
    "Has been struggling with depression lately, keep reminders gentle.",
    "Uses insulin and asked for a fridge at the event venue.",
    "Had a stroke in {month} and is now back part-time.",
    "Is pregnant and cannot travel to the conference this year.",
    "Recovering from COVID-19, meeting pushed back by a week.",
    "Mentioned his asthma, so no scented products in the welcome pack.",
    "Burnout, on medical leave for three months according to the office.",
    "Physiotherapy twice a week after back surgery; prefers late afternoon calls.",
    "Migraine attacks recently, asked to keep screen-share sessions short.",
    "Was prescribed sertraline and says concentration is poor in the mornings.",
    "Going through cancer treatment, her colleague covers renewals for now.",
    "Epilepsy: asked us to avoid flashing slides in the webinar.",
    "Recently started dialysis, calls only on Tuesdays and Thursdays.",
]
NAME_NOTES = [
    "Spoke with {name} ({email}), who now handles purchasing.",
    "New decision maker: {name}, reachable at {email}.",
    "Please cc {name} ({email}) on all quotes from now on.",
]


def _fill(rng: random.Random, template: str, row: Row | None = None) -> str:
    return template.format(
        product=rng.choice(PRODUCTS),
        module=rng.choice(MODULES),
        weekday=rng.choice(WEEKDAYS),
        month=rng.choice(MONTHS),
        n=rng.choice([3, 5, 10, 12, 20, 25, 50]),
        inv=rng.randint(10000, 99999),
        version=f"{rng.randint(2, 9)}.{rng.randint(0, 12)}",
        name=row["full"] if row else "",
        email=row["email"] if row else "",
    )


def _note(row: Row, rng: random.Random, health: float, named: float) -> str:
    x = rng.random()
    if x < health:
        text = _fill(rng, rng.choice(HEALTH_NOTES), row)
        if rng.random() < 0.5:
            text = _fill(rng, rng.choice(BUSINESS_NOTES), row) + " " + text
        return text
    if x < health + named:
        other = row.other()  # a colleague: another person than the contact
        return _fill(rng, rng.choice(NAME_NOTES), other)
    text = _fill(rng, rng.choice(BUSINESS_NOTES), row)
    if rng.random() < 0.35:
        text += " " + _fill(rng, rng.choice(BUSINESS_NOTES), row)
    return text


CLINICAL = [
    "Patient reports {symptom} for {d} days.",
    "Started on {drug}, review in {w} weeks.",
    "BP {sys}/{dia}, advised low-salt diet and exercise.",
    "Known {condition}; adherence counselling given.",
    "Referred to {specialty} for further assessment of {condition}.",
    "HIV viral load undetectable, continue current regimen.",
    "Complains of {symptom}; no fever. Symptomatic treatment.",
    "Sputum sample sent for TB testing.",
    "Counselled on family planning; patient prefers injectable method.",
    "Wound healing well, dressing changed.",
    "Blood glucose {g} mmol/L fasting, titrate {drug}.",
    "Child below weight-for-age, enrolled in nutrition programme.",
    "Defaulted on ART for {w} weeks, tracing done by community health worker.",
    "Chest X-ray shows consolidation in the right lower lobe.",
]
SYMPTOMS = [
    "persistent cough",
    "headache",
    "abdominal pain",
    "shortness of breath",
    "joint pain",
    "dizziness",
    "night sweats",
    "fatigue",
    "palpitations",
    "back pain",
    "rash",
    "diarrhoea",
]
CONDITIONS = [
    "hypertension",
    "type 2 diabetes",
    "asthma",
    "HIV",
    "epilepsy",
    "depression",
    "COPD",
    "tuberculosis",
    "sickle cell disease",
    "chronic kidney disease",
    "heart failure",
]
SPECIALTIES = [
    "cardiology",
    "endocrinology",
    "mental health services",
    "ophthalmology",
    "surgery",
    "the TB clinic",
    "paediatrics",
]


def _clinical(rng: random.Random) -> str:
    return rng.choice(CLINICAL).format(
        symptom=rng.choice(SYMPTOMS),
        d=rng.randint(2, 30),
        w=rng.randint(2, 12),
        drug=rng.choice(MEDICATIONS),
        sys=rng.randint(100, 185),
        dia=rng.randint(60, 115),
        condition=rng.choice(CONDITIONS),
        specialty=rng.choice(SPECIALTIES),
        g=round(rng.uniform(4.2, 14.5), 1),
    )


DOSING = [
    "Take {n} tablet{s} by mouth {freq}{food}.",
    "Take {drug} {freq}{food}.",
    "{n} puff{s} {freq} as needed.",
    "Inject {u} units subcutaneously at bedtime.",
    "Apply thinly to the affected area {freq}.",
    "Take {drug} {freq} for {d} days, then stop.",
]
FREQ = ["once daily", "twice daily", "three times daily", "every 8 hours", "at night", "every morning"]


def _dosing(rng: random.Random) -> str:
    n = rng.choice([1, 1, 1, 2])
    return rng.choice(DOSING).format(
        n=n,
        s="s" if n > 1 else "",
        freq=rng.choice(FREQ),
        food=rng.choice(["", " with food", " after meals"]),
        drug=rng.choice(MEDICATIONS).split(";")[0].lower(),
        u=rng.randint(6, 40),
        d=rng.randint(5, 14),
    )


PRODUCT_DESCRIPTIONS = [
    "Slim shock-absorbing case with raised edges to protect the camera and screen.",
    "20W USB-C fast charger with foldable plug, compatible with most recent phones.",
    "Tempered glass screen protector, 9H hardness, pack of two with installation frame.",
    "Braided USB-C to Lightning cable, two metres, tested for 30,000 bends.",
    "Magnetic car mount that fits air vents and holds devices up to 7 inches.",
    "Wireless charging pad, 15W, with LED indicator and non-slip base.",
    "Leather wallet case with three card slots and a stand function.",
    "Power bank 10,000 mAh with two USB ports and a small LCD display.",
    "Noise-isolating in-ear headphones with inline remote and microphone.",
    "Clear silicone bumper, yellowing-resistant, with precise button cut-outs.",
    "Replacement stylus tips, pack of five, for capacitive touch screens.",
    "Camera lens protector ring set in aluminium, available in four colours.",
]
PRODUCT_CATEGORIES = ["Cases", "Chargers", "Cables", "Screen protection", "Audio", "Mounts", "Power banks"]

NOTE_PUBLIC = [
    "Client fidèle depuis {year}, commandes trimestrielles de fournitures.",
    "Paiement à 30 jours fin de mois, pas d'acompte.",
    "Livraison uniquement le matin, quai de chargement à l'arrière du bâtiment.",
    "Tarif revendeur appliqué, remise de 15 % sur le catalogue.",
    "Prefers invoices in English and PDF format.",
    "Contrat de maintenance annuel renouvelé en {year}.",
    "Zahlung per Lastschrift, Rechnungen bitte monatlich sammeln.",
    "Pedidos grandes se envían en dos entregas.",
    "Échantillons envoyés pour validation qualité.",
    "Framework agreement covers all subsidiaries in the region.",
]
NOTE_PRIVATE = [
    "Rencontré au salon de Lyon, intéressé par l'offre cloud.",
    "Décideur pour les achats informatiques.",
    "Préfère les rendez-vous le mardi.",
    "A demandé une démonstration pour son équipe.",
    "Ansprechpartner für Reklamationen.",
    "Muy interesado en la versión móvil.",
    "Ne pas appeler pendant les vacances scolaires.",
]
NOTE_PRIVATE_PII = [
    "Rappeler sur son portable : {phone}.",
    "Préfère être contacté à {email}.",
    "Privat erreichbar unter {phone}.",
    "Su móvil personal: {phone}.",
]

SIGNATURES = [
    "Best regards,\n{name}\n{job}\n{phone}",
    "Kind regards, {name} | {job} | Tel. {phone}",
    "Mit freundlichen Grüßen\n{name}\n{phone}",
    "Thanks,\n{name}\nMobile: {phone}",
]

CN_REMARKS = (
    "客户对产品很感兴趣，下周安排上门演示。 需要正式报价单，预算约{n}万元。 "
    "已发送合同，等待对方盖章回传。 年底前可能追加采购，保持跟进。 对售后服务响应速度比较关注。 "
    "通过展会认识，希望了解代理政策。 老客户转介绍，意向较强。 价格偏高，正在和竞品比较。 "
    "已完成首次培训，使用情况良好。 下季度续费，提前沟通优惠方案。"
).split()
CN_FOLLOWUPS = (
    "电话沟通了产品功能，客户要求提供案例。 上门拜访，演示了报表模块。 发送了报价单和产品手册。 "
    "客户反馈系统使用顺利，暂无新需求。 确认了合同条款，下周签约。 客户暂无预算，三个月后再联系。 "
    "微信沟通安装时间，约定周五上午。"
).split()
CN_SOURCES = ["电话营销", "网络推广", "客户介绍", "展会", "独立开发", "促销活动", "公开招标"]
CN_LEVELS = ["A（重点客户）", "B（普通客户）", "C（非优先客户）"]
CN_POSTS = ["总经理", "采购经理", "财务主管", "技术总监", "行政助理", "销售经理", "项目经理"]

ORDER_NOTES = [
    "Please gift wrap.",
    "Leave at reception.",
    "Deliver after 2pm.",
    "No invoice in the box.",
    "Fragile, handle with care.",
    "Ring the bell twice.",
    "Combine with previous order.",
    "Customer will collect in store.",
]
LEGACY_NOTES = [
    "migrated from Excel 2016",
    "duplicate of an earlier row",
    "checked in 2019 audit",
    "source: trade fair list",
    "imported from old CRM export",
    "needs review",
    "ok",
]


# ---------------------------------------------------------------------------------------------------
# Column generators: (row, column rng, **args) -> value
# ---------------------------------------------------------------------------------------------------


def _choice(rng: random.Random, values: list[Any], weights: list[float] | None = None) -> Any:
    return rng.choices(values, weights)[0] if weights else rng.choice(values)


def _ssn(rng: random.Random, dashed: bool) -> str:
    """An SSN the SSA could issue: area 001-899 but not 666, group 01-99, serial 0001-9999."""
    area = rng.choice([a for a in range(1, 900) if a != 666])
    group, serial = rng.randint(1, 99), rng.randint(1, 9999)
    return f"{area:03d}-{group:02d}-{serial:04d}" if dashed else f"{area:03d}{group:02d}{serial:04d}"


def _hex(rng: random.Random, n: int) -> str:
    return "".join(rng.choice("0123456789abcdef") for _ in range(n))


CALLING_CODE = {"US": "1", "GB": "44", "DE": "49", "FR": "33", "ES": "34", "BR": "55", "IN": "91", "CN": "86"}


def _e164(r: Row) -> str:
    """The row's mobile number in E.164 (+4915112345678), as HubSpot and ad platforms store it."""
    cc = CALLING_CODE[REGION[r.locale]]
    digits = re.sub(r"\D", "", r["mobile"].split("x")[0])
    if r["mobile"].startswith("+"):
        digits = digits[len(cc) :]
    return f"+{cc}{digits.removeprefix('0')}"


def _siren(r: Row, rng: random.Random) -> str:
    if r.locale == "fr_FR":
        return r.draw("siren")
    if r.locale == "de_DE":
        return f"HRB {rng.randint(1000, 250000)}"
    return f"{rng.choice('ABG')}{rng.randint(10000000, 99999999)}"


def _vat(r: Row, rng: random.Random) -> str:
    if r.locale in ("fr_FR", "de_DE"):
        return r.draw("vat_id").replace(" ", "")
    return f"ES{rng.choice('ABG')}{rng.randint(10000000, 99999999)}"


def _rib_part(r: Row, part: str) -> str | None:
    """Bank code, desk code, account number and key cut out of the row's IBAN (so they agree)."""
    spans = {
        "fr_FR": {"bank": (4, 9), "desk": (9, 14), "number": (14, 25), "key": (25, 27)},
        "de_DE": {"bank": (4, 12), "desk": (0, 0), "number": (12, 22), "key": (0, 0)},
        "es_ES": {"bank": (4, 8), "desk": (8, 12), "number": (14, 24), "key": (12, 14)},
    }[r.locale]
    lo, hi = spans[part]
    return r["iban"][lo:hi] or None


def _card(r: Row, rng: random.Random) -> str:
    """A PAN of a real network: IIN prefix, length and Luhn check digit."""
    kind = rng.choices(["visa", "mc", "amex", "discover"], [50, 35, 10, 5])[0]
    prefix, length = {
        "visa": ("4", 16),
        "mc": (rng.choice(["51", "52", "53", "54", "55", "2221", "2720"]), 16),
        "amex": (rng.choice(["34", "37"]), 15),
        "discover": ("6011", 16),
    }[kind]
    return _luhn_complete(prefix + _d(rng, length - len(prefix) - 1))


def _card_masked(r: Row, rng: random.Random) -> str:
    style = rng.choice(["**** **** **** {l}", "************{l}", "XXXX-XXXX-XXXX-{l}", "{b}******{l}"])
    return style.format(l=_d(rng, 4), b=rng.choice(["411111", "542418", "455673", "520082"]))


def _cn_bank_card(r: Row, rng: random.Random) -> str:
    length = rng.choice([16, 19, 19])
    prefix = rng.choice(CN_CARD_BINS)
    return _luhn_complete(prefix + _d(rng, length - len(prefix) - 1))


def _luhn_id(rng: random.Random, prefix: str, length: int) -> str:
    return _luhn_complete(prefix + _d(rng, length - len(prefix) - 1))


def _greeting(r: Row, rng: random.Random) -> str:
    word = rng.choice(["Liebe/r", "Hallo"]) if r.locale == "de_DE" else rng.choice(["Dear", "Dear", "Hi"])
    return f"{word} {r['first']}"


def _nick(r: Row, rng: random.Random) -> str:
    first = r["first"]
    return first[: rng.randint(3, 4)] if len(first) > 5 else first


def _username(r: Row, rng: random.Random) -> str:
    name = (_ascii(r["first"])[:1] + _ascii(r["last"]))[:12]
    return name + (str(rng.randint(1, 9)) if rng.random() < 0.2 else "")


def _skype(r: Row, rng: random.Random) -> str:
    return rng.choice(["live:{u}", "{u}", "{u}.{n}"]).format(u=r.draw("user_name"), n=rng.randint(1, 99))


def _signature(r: Row, rng: random.Random) -> str:
    return rng.choice(SIGNATURES).format(name=r["full"], job=r["job"], phone=r["phone"])


def _party_name(r: Row, rng: random.Random, company_share: float = 0.0) -> str:
    company = r.kind == "company" or (
        r.kind not in ("company", "individual") and rng.random() < company_share
    )
    return r["company"] if company else r["full"]


GENERATORS: dict[str, Callable[..., Any]] = {
    # keys, codes, flags, enumerations, times
    "seq": lambda r, rng, start=1: start + r.i,
    "prefixed_seq": lambda r, rng, prefix="", start=1, width=0: f"{prefix}{start + r.i:0{width}d}",
    "int": lambda r, rng, lo=1, hi=1000: rng.randint(lo, hi),
    "float": lambda r, rng, lo=0.0, hi=1.0, digits=2: round(rng.uniform(lo, hi), digits),
    "money": lambda r, rng, lo=1000, hi=200000, digits=2: round(rng.uniform(lo, hi), digits),
    "choice": lambda r, rng, values, weights=None: _choice(rng, values, weights),
    "flag": lambda r, rng, p=0.1, true=1, false=0: true if rng.random() < p else false,
    "kind": lambda r, rng: r.kind,
    "uuid": lambda r, rng: str(uuid.UUID(int=rng.getrandbits(128), version=4)),
    "hex": lambda r, rng, n=32: _hex(rng, n),
    "alnum": lambda r, rng, n=32, prefix="": prefix + "".join(rng.choice(_B62) for _ in range(n)),
    "sf_id": lambda r, rng, prefix="003": prefix + "".join(rng.choice(_B62) for _ in range(18 - len(prefix))),
    "zoho_id": lambda r, rng: f"4876876{rng.randint(0, 999999999999):012d}",
    "frappe_name": lambda r, rng, prefix="CRM-LEAD-": f"{prefix}{2021 + r.i % 5}-{r.i + 1:05d}",
    "timestamp": lambda r, rng, fmt="%Y-%m-%d %H:%M:%S", start_year=2018: _ts(
        rng, dt.datetime(start_year, 1, 1)
    ).strftime(fmt),
    "date_future": lambda r, rng, fmt="%Y-%m-%d %H:%M:%S": (
        dt.datetime.combine(TODAY, dt.time(9)) + dt.timedelta(minutes=rng.randint(60, 90 * 24 * 60))
    ).strftime(fmt),
    "company_founded": lambda r, rng: dt.date(
        rng.randint(1950, 2023), rng.randint(1, 12), rng.randint(1, 28)
    ).isoformat(),
    # people
    "first_name": lambda r, rng: r["first"],
    "last_name": lambda r, rng: r["last"],
    "middle_name": lambda r, rng: r["middle"],
    "full_name": lambda r, rng: r["full"],
    "sort_name": lambda r, rng: f"{r['last']}, {r['first']}",
    "nick_name": _nick,
    "other_person": lambda r, rng: r.other()["full"],
    "party_name": _party_name,
    "party_email": lambda r, rng: (
        f"{rng.choice(ROLE_MAILBOXES)}@{r['company_domain']}" if r.kind == "company" else r["email"]
    ),
    "greeting": _greeting,
    "gender": lambda r, rng, codes=None: (codes or {"F": "Female", "M": "Male", "X": "Other"})[r["gender"]],
    "birth_date": lambda r, rng, fmt="%Y-%m-%d": r["birth"].strftime(fmt),
    "email": lambda r, rng: r["email"],
    "email2": lambda r, rng: r["email2"],
    "staff_email": lambda r, rng, domain="crm-corp.example": (
        f"{_ascii(r['first'])}.{_ascii(r['last'])}@{domain}"
    ),
    "username": _username,
    "phone": lambda r, rng: r["phone"],
    "phone2": lambda r, rng: r["phone2"],
    "phone3": lambda r, rng: r["phone3"],
    "mobile2": lambda r, rng: r["mobile2"],
    "mobile": lambda r, rng: r["mobile"],
    "phone_digits": lambda r, rng: re.sub(r"\D", "", r["phone"].split("x")[0]),
    "phone_e164": lambda r, rng: _e164(r),
    "company_phone": lambda r, rng: PHONE[REGION[r.locale]](rng, False),
    "street": lambda r, rng: r["street"],
    "street2": lambda r, rng: r["street2"],
    "po_box": lambda r, rng: rng.choice(["PO Box {n}", "P.O. Box {n}", "BP {n}", "Postfach {n}"]).format(
        n=rng.randint(10, 99999)
    ),
    "city": lambda r, rng: r["city"],
    "state": lambda r, rng: r["state"],
    "postcode": lambda r, rng: r["postcode"],
    "zip_suffix": lambda r, rng: _d(rng, 4),
    "country": lambda r, rng: COUNTRY[r.locale],
    "latitude": lambda r, rng, as_text=False: str(r["lat"]) if as_text else r["lat"],
    "longitude": lambda r, rng, as_text=False: str(r["lng"]) if as_text else r["lng"],
    "ip": lambda r, rng: r.draw("ipv4"),
    "skype": _skype,
    "twitter": lambda r, rng: "@" + r.draw("user_name"),
    "jabber": lambda r, rng: (
        f"{_ascii(r['first'])}.{_ascii(r['last'])}@"
        + rng.choice(["jabber.org", "jabber.fr", "xmpp.jp", "jabber.de"])
    ),
    # organisations
    "company": lambda r, rng: r["company"],
    "role_email": lambda r, rng: f"{rng.choice(ROLE_MAILBOXES)}@{r['company_domain']}",
    "url": lambda r, rng: f"https://www.{r['company_domain']}",
    "job_title": lambda r, rng: r["job"],
    "siren": _siren,
    "siret": lambda r, rng: r.draw("siret") if r.locale == "fr_FR" else None,
    "vat_intra": _vat,
    # identifiers, money, secrets
    "us_ssn": lambda r, rng, dashed=True: _ssn(rng, dashed),
    "cn_resident_id": lambda r, rng: r["cn_id"],
    "iban": lambda r, rng: r["iban"],
    "bic": lambda r, rng: rng.choice(BICS[r.locale]),
    "bank_name": lambda r, rng: rng.choice(BANKS[r.locale]),
    "rib_part": lambda r, rng, part="number": _rib_part(r, part),
    "card_number": _card,
    "card_masked": _card_masked,
    "last4": lambda r, rng: _d(rng, 4),
    "cvv": lambda r, rng: _d(rng, 3),
    "card_ref": lambda r, rng: "card_" + "".join(rng.choice(_B62) for _ in range(24)),
    "stripe_pk": lambda r, rng: "pk_live_" + "".join(rng.choice(_B62) for _ in range(24)),
    "luhn_id": lambda r, rng, prefix="", length=16: _luhn_id(rng, prefix, length),
    "insurance_member_id": lambda r, rng: (
        "".join(rng.choice(string.ascii_uppercase) for _ in range(3)) + _d(rng, 9)
    ),
    "openmrs_id": lambda r, rng: (lambda base: base + _openmrs_check(base))(str(100000 + r.i * 7)),
    "bcrypt": lambda r, rng: "$2b$12$" + "".join(rng.choice(_BCRYPT) for _ in range(53)),
    "argon2": lambda r, rng: f"$argon2id$v=19$m=65536,t=3,p=4${_b64(rng, 16)}${_b64(rng, 32)}",
    "sha256_email": lambda r, rng: hashlib.sha256(r["email"].strip().lower().encode()).hexdigest(),
    "sha256_phone": lambda r, rng: hashlib.sha256(_e164(r).encode()).hexdigest(),
    # health and special categories
    "icd10": lambda r, rng, undotted=0.1: (lambda c: c.replace(".", "") if rng.random() < undotted else c)(
        rng.choice(ICD10)
    ),
    "medication": lambda r, rng: rng.choice(MEDICATIONS),
    "brand_drug": lambda r, rng: rng.choice(BRANDS),
    "prn_condition": lambda r, rng: rng.choice(PRN_CONDITIONS),
    "allergy": lambda r, rng: rng.choice(ALLERGIES),
    "blood_type": lambda r, rng: _choice(rng, *BLOOD),
    "ethnicity": lambda r, rng: _choice(rng, *ETHNICITY),
    "religion": lambda r, rng: _choice(rng, *RELIGION),
    "clinical_text": lambda r, rng: _clinical(rng),
    "dosing": lambda r, rng: _dosing(rng),
    # free text and catalogue data
    "crm_note": lambda r, rng, health=0.12, named=0.0: _note(r, rng, health, named),
    "signature": _signature,
    "note_public": lambda r, rng: rng.choice(NOTE_PUBLIC).format(year=rng.randint(2008, 2024)),
    "note_private": lambda r, rng, pii=0.1: (
        rng.choice(NOTE_PRIVATE_PII).format(phone=r["mobile"], email=r["email"])
        if rng.random() < pii
        else rng.choice(NOTE_PRIVATE)
    ),
    "order_note": lambda r, rng: rng.choice(ORDER_NOTES),
    "legacy_note": lambda r, rng: rng.choice(LEGACY_NOTES),
    "device": lambda r, rng: rng.choice(DEVICES),
    "product_name": lambda r, rng: " ".join(
        [
            rng.choice(["Aero", "Nova", "Flex", "Core", "Titan", "Pulse"]),
            rng.choice(["Case", "Charger", "Cable", "Mount", "Power Bank", "Earbuds"]),
            rng.choice(["S", "X", "Pro", "Mini", "Max", "2", "3"]),
        ]
    ),
    "product_category": lambda r, rng: rng.choice(PRODUCT_CATEGORIES),
    "product_description": lambda r, rng: rng.choice(PRODUCT_DESCRIPTIONS),
    # Chinese
    "cn_landline": lambda r, rng: _cn_landline(rng),
    "cn_region": lambda r, rng: f"{r.draw('province')},{r.draw('cn_city')},{r.draw('district')}区",
    "cn_full_address": lambda r, rng: (
        f"{r.draw('province')}{r.draw('cn_city')}{r.draw('district')}区{r['street']}"
    ),
    "cn_remark": lambda r, rng: rng.choice(CN_REMARKS).format(n=rng.randint(2, 80)),
    "cn_followup": lambda r, rng: rng.choice(CN_FOLLOWUPS),
    "cn_post": lambda r, rng: rng.choice(CN_POSTS),
    "cn_gender": lambda r, rng: "男" if int(r["cn_id"][16]) % 2 else "女",
    "cn_birth_from_id": lambda r, rng, fmt="%Y-%m-%d": dt.datetime.strptime(
        r["cn_id"][6:14], "%Y%m%d"
    ).strftime(fmt),
    "cn_ethnicity": lambda r, rng: _choice(rng, *CN_ETHNICITY),
    "cn_bank_card": _cn_bank_card,
    "cn_bank_branch": lambda r, rng: rng.choice(CN_BANKS) + rng.choice(CN_BRANCHES),
    "cn_source": lambda r, rng: rng.choice(CN_SOURCES),
    "cn_level": lambda r, rng: rng.choice(CN_LEVELS),
    "cn_user_ids": lambda r, rng: (
        "," + ",".join(str(rng.randint(1, 40)) for _ in range(rng.randint(1, 3))) + ","
    ),
}


# ---------------------------------------------------------------------------------------------------
# schemas.yaml: loaded once, validated loudly
# ---------------------------------------------------------------------------------------------------

_TABLE_KEYS = {"name", "system", "source", "locales", "rows", "kinds", "note", "file", "encoding", "columns"}
_COLUMN_KEYS = {
    "name",
    "label",
    "entity",
    "gen",
    "args",
    "nulls",
    "only",
    "comment",
    "note",
    "acceptable",
    "protection",
}


@cache
def load_schemas(path: Path = SCHEMAS) -> tuple[dict[str, Any], ...]:
    """The tables of schemas.yaml, checked for unknown keys, categories, generators and entities."""
    doc = yaml.load(path.read_text(encoding="utf-8"), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    tables = doc.get("tables") or []
    seen: set[str] = set()
    for t in tables:
        name = t.get("name", "?")
        _check_keys(t, _TABLE_KEYS, f"table {name}")
        for key in ("name", "source", "locales", "columns"):
            if key not in t:
                raise CorpusError(f"table {name}: missing '{key}'")
        if name in seen:
            raise CorpusError(f"table {name}: duplicate table name")
        seen.add(name)
        if not str(t["source"]).startswith(("https://", "internal")):
            raise CorpusError(f"table {name}: source must be an https URL or start with 'internal'")
        if unknown := set(t["locales"]) - set(COUNTRY):
            raise CorpusError(f"table {name}: unsupported locale(s) {sorted(unknown)}")
        columns: set[str] = set()
        for c in t["columns"]:
            _check_column(t, c, columns)
    return tuple(tables)


def _check_column(t: dict[str, Any], c: dict[str, Any], seen: set[str]) -> None:
    where = f"table {t['name']}, column {c.get('name', '?')}"
    _check_keys(c, _COLUMN_KEYS, where)
    if c["name"] in seen:
        raise CorpusError(f"{where}: duplicate column")
    seen.add(c["name"])
    label = c.get("label")
    if (
        not isinstance(label, list)
        or any(x not in CATEGORIES for x in label)
        or len(set(label)) != len(label)
    ):
        raise CorpusError(f"{where}: label must be a list of distinct categories from {CATEGORIES}")
    if bool(label) != bool(c.get("entity")):
        raise CorpusError(f"{where}: give an entity exactly when the label is not empty")
    for alt in c.get("acceptable", []):
        if not isinstance(alt, list) or any(x not in CATEGORIES for x in alt):
            raise CorpusError(f"{where}: acceptable must be a list of category lists")
    if c.get("gen") not in GENERATORS:
        raise CorpusError(f"{where}: unknown generator {c.get('gen')!r}")
    if c.get("only") and c["only"] not in (t.get("kinds") or {}):
        raise CorpusError(f"{where}: only={c['only']!r} is not one of the table's kinds")
    if not 0 <= float(c.get("nulls", 0)) < 1:
        raise CorpusError(f"{where}: nulls must be in [0, 1)")


def _check_keys(obj: dict[str, Any], allowed: set[str], where: str) -> None:
    if unknown := set(obj) - allowed:
        raise CorpusError(f"{where}: unknown field(s) {sorted(unknown)}; allowed: {sorted(allowed)}")


# ---------------------------------------------------------------------------------------------------
# Building
# ---------------------------------------------------------------------------------------------------


def _finish(values: list[Any]) -> pd.Series:
    """As a DB driver hands it to pandas: ints (floats once NULLs are present), floats, else objects."""
    present = [v for v in values if v is not None]
    if present and all(isinstance(v, int) and not isinstance(v, bool) for v in present):
        if len(present) == len(values):
            return pd.Series(values, dtype="int64")
        return pd.Series([float("nan") if v is None else float(v) for v in values], dtype="float64")
    if present and all(isinstance(v, float | int) and not isinstance(v, bool) for v in present):
        return pd.Series([float("nan") if v is None else float(v) for v in values], dtype="float64")
    return pd.Series(values, dtype=object)


def build_table(spec: dict[str, Any]) -> tuple[pd.DataFrame, dict[str, str | None]]:
    """One table of the corpus as ``(frame, {column: comment})``."""
    table = Table(spec["name"], spec["locales"], spec.get("kinds"))
    rows = table.rows(int(spec.get("rows", 300)))
    data: dict[str, pd.Series] = {}
    comments: dict[str, str | None] = {}
    for col in spec["columns"]:
        rng = random.Random(zlib.crc32(f"{spec['name']}.{col['name']}".encode()))
        gen = GENERATORS[col["gen"]]
        args = col.get("args") or {}
        nulls = float(col.get("nulls", 0))
        only = col.get("only")
        values = []
        for row in rows:
            if (only and row.kind != only) or (nulls and rng.random() < nulls):
                values.append(None)
            else:
                values.append(gen(row, rng, **args))
        data[col["name"]] = _finish(values)
        comments[col["name"]] = col.get("comment")
    return pd.DataFrame(data), comments


def build_tables() -> dict[str, tuple[pd.DataFrame, dict[str, str | None]]]:
    """Every corpus table, by name, in schemas.yaml order."""
    return {spec["name"]: build_table(spec) for spec in load_schemas()}


def labels() -> dict[tuple[str, str], tuple[list[str], str | None]]:
    """``{(table, column): (categories, entity)}`` for every column of every table."""
    return {
        (t["name"], c["name"]): (list(c["label"]), c.get("entity"))
        for t in load_schemas()
        for c in t["columns"]
    }


def acceptable() -> dict[tuple[str, str], list[list[str]]]:
    """Alternative category lists an evaluator should not count as mistakes (debatable columns only)."""
    return {
        (t["name"], c["name"]): [list(a) for a in c["acceptable"]]
        for t in load_schemas()
        for c in t["columns"]
        if c.get("acceptable")
    }


def table_meta() -> dict[str, dict[str, Any]]:
    """Per table: system, source, committed file and its encoding, note."""
    return {
        t["name"]: {k: t.get(k) for k in ("system", "source", "file", "encoding", "note")}
        for t in load_schemas()
    }


# ---------------------------------------------------------------------------------------------------
# Writing
# ---------------------------------------------------------------------------------------------------


def to_csv_bytes(frame: pd.DataFrame, encoding: str = "utf-8") -> bytes:
    """CSV as a spreadsheet export writes it: text values, CRLF line ends, empty cells for NULL."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(list(frame.columns))
    for row in frame.itertuples(index=False):
        writer.writerow(["" if _is_null(v) else _text(v) for v in row])
    return buf.getvalue().encode(encoding)


def _is_null(v: Any) -> bool:
    return v is None or (isinstance(v, float) and v != v)


def _text(v: Any) -> str:
    if isinstance(v, float) and v.is_integer() and abs(v) < 1e15:
        return str(int(v))
    return str(v)


def write(out: Path) -> list[Path]:
    """Write every table as ``out/<table>.csv`` (exports keep their own encoding)."""
    out.mkdir(parents=True, exist_ok=True)
    meta = table_meta()
    written = []
    for name, (frame, _) in build_tables().items():
        path = out / f"{name}.csv"
        path.write_bytes(to_csv_bytes(frame, meta[name].get("encoding") or "utf-8"))
        written.append(path)
    return written


def write_exports() -> list[Path]:
    """Regenerate the committed export files (tables with a ``file:``) under tests/corpus/."""
    tables = build_tables()
    written = []
    for name, m in table_meta().items():
        if m.get("file"):
            path = HERE / m["file"]
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(to_csv_bytes(tables[name][0], m.get("encoding") or "utf-8"))
            written.append(path)
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Build the labelled crmscan development corpus.")
    parser.add_argument("--write", type=Path, metavar="DIR", help="write every table as a CSV into DIR")
    parser.add_argument(
        "--exports", action="store_true", help="regenerate the committed tests/corpus/exports/*"
    )
    args = parser.parse_args(argv)
    if not args.write and not args.exports:
        parser.error("nothing to do: give --write DIR and/or --exports")
    paths = write(args.write) if args.write else []
    if args.exports:
        paths += write_exports()
    for path in paths:
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
