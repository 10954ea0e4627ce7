"""How crmscan scales with the number of tables: a 200-table CRM-like database, scanned end to end.

Builds the database (PostgreSQL by default, or SQLite with ``--sqlite``), runs ``crmscan scan`` as a
user would in a child process, and prints wall seconds, tables per second and the child's peak RSS.
Nothing here asserts a time: the figures are for the README and for spotting regressions by eye.

    python benchmarks/db_scale.py                  # PostgreSQL at CRMSCAN_TEST_PG_URL
    python benchmarks/db_scale.py --sqlite         # a SQLite file
    python benchmarks/db_scale.py --tables 500 --rows 5000 --jobs 8
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import sqlite3
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import sqlalchemy as sa

PG_URL = os.environ.get("CRMSCAN_TEST_PG_URL", "postgresql://postgres@127.0.0.1:5432/test")
COLUMNS = [
    ("id", "INTEGER"),
    ("first_name", "TEXT"),
    ("last_name", "TEXT"),
    ("email", "TEXT"),
    ("phone", "TEXT"),
    ("mailing_street", "TEXT"),
    ("postal_code", "TEXT"),
    ("date_of_birth", "TEXT"),
    ("status", "TEXT"),
    ("amount", "NUMERIC"),
    ("notes", "TEXT"),
    ("created_at", "TEXT"),
]
FIRST = ["Anna", "Bruno", "Chen", "Dagmar", "Emile", "Fatima", "Gustavo", "Hana", "Ivan", "Julia"]
LAST = ["Silva", "Costa", "Wei", "Olsen", "Roux", "Khan", "Lopez", "Sato", "Petrov", "Meyer"]
STREETS = ["Baker Street", "Main St", "Oak Avenue", "Rue de Rivoli", "Hauptstraße", "Sunset Blvd"]
NOTES = ["Asked about the renewal", "Wants a quote for two seats", "Called back about the invoice"]


def _row(rng: random.Random, i: int) -> tuple[object, ...]:
    first, last = rng.choice(FIRST), rng.choice(LAST)
    return (
        i,
        first,
        last,
        f"{first.lower()}.{last.lower()}{i}@example.com",
        f"+1 415 555 {rng.randrange(10000):04d}",
        f"{rng.randrange(1, 999)} {rng.choice(STREETS)}",
        f"{rng.randrange(10000, 99999)}",
        f"{rng.randrange(1940, 2004)}-{rng.randrange(1, 13):02d}-{rng.randrange(1, 29):02d}",
        rng.choice(["open", "won", "lost"]),
        round(rng.uniform(10, 90000), 2),
        rng.choice(NOTES),
        f"2025-{rng.randrange(1, 13):02d}-{rng.randrange(1, 29):02d} 10:{rng.randrange(60):02d}:00",
    )


def build(url: str, tables: int, rows: int) -> None:
    """Create *tables* tables of *rows* rows each at *url*."""
    engine = sa.create_engine(url)
    rng = random.Random(0)
    data = [_row(rng, i) for i in range(rows)]
    cols = ", ".join(f"{name} {kind}" for name, kind in COLUMNS)
    marks = ", ".join(f":{name}" for name, _ in COLUMNS)
    records = [dict(zip((c for c, _ in COLUMNS), r, strict=True)) for r in data]
    with engine.begin() as conn:
        for t in range(tables):
            conn.execute(sa.text(f"CREATE TABLE crm_{t:03d} ({cols})"))
            conn.execute(sa.text(f"INSERT INTO crm_{t:03d} VALUES ({marks})"), records)
    engine.dispose()


def run(source: str, jobs: int, out: Path) -> tuple[float, float]:
    """Run ``crmscan scan`` on *source*; (wall seconds, peak RSS of the child in MB)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    start = time.perf_counter()
    subprocess.run(
        [
            sys.executable,
            "-m",
            "crmscan",
            "scan",
            source,
            "--format",
            "json",
            "--out",
            str(out),
            "-q",
            "--jobs",
            str(jobs),
            "--nlp-model",
            "none",
        ],
        check=True,
    )
    seconds = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return seconds, max(peak, before) / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tables", type=int, default=200)
    parser.add_argument("--rows", type=int, default=2000)
    parser.add_argument("--jobs", type=int, default=4)
    parser.add_argument("--sqlite", action="store_true", help="use a SQLite file instead of PostgreSQL")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        if args.sqlite:
            path = Path(tmp) / "crm.sqlite"
            sqlite3.connect(path).close()
            url = source = f"sqlite:///{path}"
            cleanup = None
        else:
            name = f"crmscan_bench_{uuid.uuid4().hex[:8]}"
            admin = sa.create_engine(PG_URL, isolation_level="AUTOCOMMIT")
            with admin.connect() as conn:
                conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
            url = source = PG_URL.rsplit("/", 1)[0] + f"/{name}"
            cleanup = (admin, name)
        try:
            t0 = time.perf_counter()
            build(url, args.tables, args.rows)
            print(
                f"built {args.tables} tables x {args.rows} rows x {len(COLUMNS)} columns "
                f"in {time.perf_counter() - t0:.1f} s"
            )
            seconds, peak = run(source, args.jobs, Path(tmp) / "out")
            columns = args.tables * len(COLUMNS)
            print(
                f"crmscan scan ({'sqlite' if args.sqlite else 'postgresql'}, --jobs {args.jobs}): "
                f"{seconds:.1f} s, {args.tables / seconds:.1f} tables/s, {columns / seconds:.0f} columns/s, "
                f"peak RSS {peak:.0f} MB"
            )
        finally:
            if cleanup is not None:
                admin, name = cleanup
                with admin.connect() as conn:
                    conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
                admin.dispose()


if __name__ == "__main__":
    main()
