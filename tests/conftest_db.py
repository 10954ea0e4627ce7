"""Helpers for tests that need a PostgreSQL or MySQL/MariaDB server (imported by tests, not a conftest).

Server URLs come from ``CRMSCAN_TEST_PG_URL`` and ``CRMSCAN_TEST_MYSQL_URL``. An unreachable server skips
its tests with the reason, except under ``CI=true``, where a missing server is a failure: CI must not go
green by silently testing nothing.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from crmscan.connectors.sql import normalise_url, redacted_label

PG_URL = os.environ.get("CRMSCAN_TEST_PG_URL", "postgresql://postgres@127.0.0.1:5432/test")
MYSQL_URL = os.environ.get("CRMSCAN_TEST_MYSQL_URL", "mysql://root@127.0.0.1:3306/test")

_ENV_VARS = {PG_URL: "CRMSCAN_TEST_PG_URL", MYSQL_URL: "CRMSCAN_TEST_MYSQL_URL"}
_engines: dict[str, Engine | str] = {}


def admin_engine(url: str, what: str) -> Engine:
    """A read-write autocommit engine for building fixtures; skips (or fails under CI) when unreachable."""
    cached = _engines.get(url)
    if cached is None:
        engine = sa.create_engine(
            normalise_url(url), isolation_level="AUTOCOMMIT", connect_args={"connect_timeout": 5}
        )
        try:
            with engine.connect() as conn:
                conn.execute(sa.text("SELECT 1")).all()
            cached = engine
        except sa.exc.SQLAlchemyError as exc:
            engine.dispose()
            cached = f"{what} not reachable at {redacted_label(url)} ({type(exc.orig or exc).__name__})"
        _engines[url] = cached
    if isinstance(cached, str):
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"{cached}; CI=true requires every database server")
        pytest.skip(f"{cached}; start it or set {_ENV_VARS.get(url, 'the server URL variable')}")
    return cached


def unique_suffix() -> str:
    """Short random suffix so concurrent test runs never share a schema, database or role."""
    return uuid.uuid4().hex[:10]


def url_with(url: str, **parts: object) -> str:
    """*url* with some parts replaced (``username``, ``password``, ``database``), as a plain string."""
    return normalise_url(url).set(**parts).render_as_string(hide_password=False)  # type: ignore[arg-type]


@contextmanager
def admin(url: str, what: str) -> Iterator[Connection]:
    """An autocommit admin connection."""
    with admin_engine(url, what).connect() as conn:
        yield conn


def sql(conn: Connection, statement: str) -> list[tuple[object, ...]]:
    """Execute one statement on the raw DBAPI cursor, without parameter interpolation.

    ``exec_driver_sql`` hands PyMySQL an empty parameter dict, which makes it treat the ``%`` of
    ``'user'@'%'`` as a format character.
    """
    cursor = conn.connection.driver_connection.cursor()  # type: ignore[union-attr]
    try:
        cursor.execute(statement)
        return list(cursor.fetchall()) if cursor.description else []
    finally:
        cursor.close()


def run(conn: Connection, statements: str) -> None:
    """Execute ``;``-separated statements (none may contain a semicolon in a literal)."""
    for statement in statements.split(";"):
        if statement.strip():
            sql(conn, statement)
