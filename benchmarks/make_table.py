"""Generate the reference CRM-like table used by the classifier benchmark.

The table has nine columns with realistic CRM names and a known sensitivity per column::

    email        pii        e.g. "jsmith@example.org"
    phone        pii        US numbers in the mixed formats a CRM accumulates
    full_name    pii        "First Last" person names
    card_number  financial  Luhn-valid Visa / Mastercard / Amex / Discover numbers
    ssn          pii        valid-format US SSNs (###-##-####, no 000/666/9xx area)
    note         none       support-note sentences: product words, no personal data
    address      pii        one-line US postal address (street, city, state, ZIP)
    amount       none       money amounts with two decimals
    id           none       sequential integer record id

Output (git-ignored): ``benchmarks/data/crm_<N>.csv``, ``crm_<N>.parquet`` and
``crm_<N>.manifest.json`` (row count, ground truth, generator versions and the CSV's SHA-256).
``--names-in-notes PCT`` writes ``crm_<N>_names<PCT>.*`` instead: that share of notes names the row's
person ("Called Jane Doe about the Helix Sync.", "Jane asked for a callback ..."), so the note column
is pii and a tool needs NER (or a name list) to say so.

The content is a pure function of ``--rows`` and ``--seed`` for a given Faker version (Faker's
locale data changes between releases, so the manifest records the version that made it).

Usage::

    .venv/bin/python benchmarks/make_table.py                # 2,000 rows
    .venv/bin/python benchmarks/make_table.py --rows 100000
    .venv/bin/python benchmarks/make_table.py --names-in-notes 20
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
from pathlib import Path

import pandas as pd
from faker import Faker

DATA_DIR = Path(__file__).resolve().parent / "data"
DEFAULT_SEED = 20240611

#: Column order of the reference table.
COLUMNS: tuple[str, ...] = (
    "email",
    "phone",
    "full_name",
    "card_number",
    "ssn",
    "note",
    "address",
    "amount",
    "id",
)

#: What a correct classifier says about each column, in the benchmark's three-way vocabulary.
GROUND_TRUTH: dict[str, str] = {
    "email": "pii",
    "phone": "pii",
    "full_name": "pii",
    "card_number": "financial",
    "ssn": "pii",
    "note": "none",
    "address": "pii",
    "amount": "none",
    "id": "none",
}

#: The entity a correct tool names for each sensitive column (tool vocabularies are folded into
#: these words by ``peers.canonical_entity``); used for the strict score.
EXPECTED_ENTITY: dict[str, str] = {
    "email": "email",
    "phone": "phone",
    "full_name": "person",
    "card_number": "card",
    "ssn": "ssn",
    "address": "address",
}

# --- support notes -------------------------------------------------------------------------------
# Sentences a support agent writes about a ticket. They mention products, plans and actions but no
# person, contact detail, identifier or payment data; a column-level classifier should call the
# column not sensitive. Product words are capitalised on purpose: they are what tempts NER models.
_PRODUCTS = (
    "Nimbus Router",
    "Orion Dashboard",
    "Pro plan",
    "Starter plan",
    "Helix Sync",
    "mobile app",
    "billing portal",
    "Atlas Gateway",
    "desktop client",
    "Vector Analytics",
)
_OPENERS = (
    "Customer reported that the {p} stopped syncing after the latest update.",
    "Asked how to export reports from the {p}.",
    "Upgrade request: wants to move to the {p}.",
    "Ticket reopened because the {p} still shows a timeout error.",
    "Walked through the setup wizard for the {p}.",
    "Feature request: dark mode in the {p}.",
    "Reported slow page loads in the {p} during business hours.",
    "Could not find the settings page in the {p}.",
    "Requested a refund review for an unused {p} licence.",
    "Confirmed that the {p} works again after clearing the cache.",
)
_CLOSERS = (
    "Escalated to tier two.",
    "Closed as resolved.",
    "Waiting on customer reply.",
    "Sent the knowledge base article on sync settings.",
    "Follow up next week.",
    "Bug filed with engineering.",
    "No further action needed.",
    "Scheduled a training session.",
    "",
    "",
)

# --- phones --------------------------------------------------------------------------------------
# The formats a CRM accumulates from web forms, imports and hand entry, with their rough shares.
_PHONE_FORMATS: tuple[tuple[str, int], ...] = (
    ("({a}) {e}-{n}", 30),
    ("{a}-{e}-{n}", 30),
    ("+1 {a}-{e}-{n}", 15),
    ("{a}.{e}.{n}", 10),
    ("{a}{e}{n}", 10),
    ("+1{a}{e}{n}", 5),
)


def make_phone(rng: random.Random) -> str:
    """A US (NANP) phone number: area and exchange start with 2-9 and are not N11 service codes."""

    def three() -> str:
        while True:
            code = f"{rng.randrange(2, 10)}{rng.randrange(10)}{rng.randrange(10)}"
            if code[1:] != "11":
                return code

    fmt = rng.choices([f for f, _ in _PHONE_FORMATS], weights=[w for _, w in _PHONE_FORMATS])[0]
    return fmt.format(a=three(), e=three(), n=f"{rng.randrange(10000):04d}")


# --- cards ---------------------------------------------------------------------------------------
# (brand prefix choices, total length, grouping used when the number is written with spaces)
_CARD_SCHEMES: tuple[tuple[tuple[str, ...], int, tuple[int, ...]], ...] = (
    (("4",), 16, (4, 4, 4, 4)),  # Visa
    (("51", "52", "53", "54", "55", "2221", "2720"), 16, (4, 4, 4, 4)),  # Mastercard
    (("34", "37"), 15, (4, 6, 5)),  # American Express
    (("6011", "65"), 16, (4, 4, 4, 4)),  # Discover
)
_CARD_WEIGHTS = (45, 35, 12, 8)


def luhn_check_digit(partial: str) -> str:
    """Return the Luhn check digit that makes ``partial + digit`` valid."""
    total = 0
    # Walking right-to-left over the partial number, the first digit is the one that gets doubled
    # once the check digit is appended.
    for i, ch in enumerate(reversed(partial)):
        d = int(ch)
        if i % 2 == 0:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return str((10 - total % 10) % 10)


def luhn_valid(number: str) -> bool:
    """True when the digits of ``number`` (spaces and dashes ignored) pass the Luhn check."""
    digits = [int(c) for c in number if c.isdigit()]
    total = 0
    for i, d in enumerate(reversed(digits)):
        if i % 2 == 1:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return total % 10 == 0


def make_card(rng: random.Random) -> str:
    """A Luhn-valid card number; about a quarter are written in space-separated groups."""
    prefixes, length, groups = rng.choices(_CARD_SCHEMES, weights=_CARD_WEIGHTS)[0]
    prefix = rng.choice(prefixes)
    body = prefix + "".join(str(rng.randrange(10)) for _ in range(length - len(prefix) - 1))
    number = body + luhn_check_digit(body)
    if rng.random() < 0.25:
        parts, pos = [], 0
        for g in groups:
            parts.append(number[pos : pos + g])
            pos += g
        return " ".join(parts)
    return number


def make_ssn(rng: random.Random) -> str:
    """A US SSN in ###-##-#### form that obeys the SSA's structural rules.

    Area 001-899 except 666, group 01-99, serial 0001-9999; the publicly known invalid or
    advertising numbers (078-05-1120, 219-09-9999, 123-45-6789, 987-65-432x) are avoided too.
    """
    while True:
        area = rng.randrange(1, 900)
        group = rng.randrange(1, 100)
        serial = rng.randrange(1, 10000)
        if area == 666:
            continue
        ssn = f"{area:03d}-{group:02d}-{serial:04d}"
        if ssn in {"078-05-1120", "219-09-9999", "123-45-6789"}:
            continue
        if len(set(ssn.replace("-", ""))) == 1:
            continue
        return ssn


def make_note(rng: random.Random) -> str:
    """One or two support-note sentences with product words and no personal data."""
    opener = rng.choice(_OPENERS).format(p=rng.choice(_PRODUCTS))
    closer = rng.choice(_CLOSERS)
    return f"{opener} {closer}".strip()


#: Notes that name the row's person, for the ``--names-in-notes`` variant: half with the full name,
#: half with the first name only (which only NER can tell from a product word).
_NAME_NOTES = (
    "Called {full} about the {p}.",
    "{first} asked for a callback about the {p}.",
)


def name_note(rng: random.Random, full_name: str) -> str:
    """A support note that names a person: the full name or the first name, with a product."""
    template = rng.choice(_NAME_NOTES)
    return template.format(full=full_name, first=full_name.split()[0], p=rng.choice(_PRODUCTS))


def make_frame(rows: int, seed: int = DEFAULT_SEED, names_in_notes: int = 0) -> pd.DataFrame:
    """Build the reference table with ``rows`` rows, deterministically from ``seed``.

    With *names_in_notes* (a percentage), that share of notes names the row's person instead; every
    other cell is the same as in the plain table.
    """
    fake = Faker("en_US")
    fake.seed_instance(seed)
    rng = random.Random(seed)
    names_rng = random.Random(seed + 1)  # a stream of its own: the plain table's cells do not move

    data: dict[str, list[object]] = {c: [] for c in COLUMNS}
    for i in range(rows):
        data["email"].append(fake.email())
        data["phone"].append(make_phone(rng))
        data["full_name"].append(f"{fake.first_name()} {fake.last_name()}")
        data["card_number"].append(make_card(rng))
        data["ssn"].append(make_ssn(rng))
        note = make_note(rng)
        if names_in_notes and names_rng.random() * 100 < names_in_notes:
            note = name_note(names_rng, str(data["full_name"][-1]))
        data["note"].append(note)
        data["address"].append(
            f"{fake.street_address()}, {fake.city()}, {fake.state_abbr(include_territories=False)} "
            f"{fake.zipcode()}"
        )
        data["amount"].append(round(rng.uniform(1, 5000), 2))
        data["id"].append(100_000 + i)

    frame = pd.DataFrame(data, columns=list(COLUMNS))
    # Everything but the two numeric columns is text; keep it that way in the parquet file.
    for col in COLUMNS:
        if col not in ("amount", "id"):
            frame[col] = frame[col].astype("string")
    frame["amount"] = frame["amount"].astype("float64")
    frame["id"] = frame["id"].astype("int64")
    return frame


def table_paths(rows: int, data_dir: Path = DATA_DIR, names_in_notes: int = 0) -> tuple[Path, Path, Path]:
    """CSV, parquet and manifest paths for the table of ``rows`` rows (and its names variant)."""
    stem = data_dir / (f"crm_{rows}" + (f"_names{names_in_notes}" if names_in_notes else ""))
    return (
        stem.with_name(stem.name + ".csv"),
        stem.with_name(stem.name + ".parquet"),
        stem.with_name(stem.name + ".manifest.json"),
    )


def write_table(
    rows: int, seed: int = DEFAULT_SEED, data_dir: Path = DATA_DIR, names_in_notes: int = 0
) -> Path:
    """Write CSV, parquet and manifest for ``rows`` rows; return the CSV path."""
    import faker as faker_module

    data_dir.mkdir(parents=True, exist_ok=True)
    csv_path, parquet_path, manifest_path = table_paths(rows, data_dir, names_in_notes)
    frame = make_frame(rows, seed, names_in_notes)
    # Amounts always carry two decimals in the CSV, as a CRM export writes money.
    frame.to_csv(csv_path, index=False, float_format="%.2f")
    frame.to_parquet(parquet_path, index=False)
    truth, expected = dict(GROUND_TRUTH), dict(EXPECTED_ENTITY)
    if names_in_notes:
        truth["note"], expected["note"] = "pii", "person"
    manifest = {
        "rows": rows,
        "columns": list(COLUMNS),
        "ground_truth": truth,
        "expected_entity": expected,
        "names_in_notes": names_in_notes,
        "seed": seed,
        "faker_version": faker_module.VERSION,
        "pandas_version": pd.__version__,
        "csv": csv_path.name,
        "parquet": parquet_path.name,
        "csv_sha256": hashlib.sha256(csv_path.read_bytes()).hexdigest(),
    }
    manifest_path.write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    return csv_path


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, action="append", help="row count (repeatable); default 2000")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--out-dir", type=Path, default=DATA_DIR)
    parser.add_argument(
        "--names-in-notes",
        type=int,
        default=0,
        metavar="PCT",
        help="percentage of notes that name the row's person (a variant that needs NER); default 0",
    )
    args = parser.parse_args(argv)
    if not 0 <= args.names_in_notes <= 100:
        parser.error("--names-in-notes is a percentage, 0 to 100")
    for rows in args.rows or [2000]:
        path = write_table(rows, args.seed, args.out_dir, args.names_in_notes)
        print(f"wrote {path} ({rows} rows) and its .parquet/.manifest.json")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
