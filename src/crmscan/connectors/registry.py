"""Turn a user's SOURCE argument into a connector.

A SOURCE is a database URL (anything SQLAlchemy understands, ``sqlite:///crm.db``), a path to an
export file, or a folder of export files. A bare ``.db``/``.sqlite`` path is taken as SQLite so an auditor
handed a file need not know URL syntax.
"""

from __future__ import annotations

import re
from pathlib import Path

from crmscan.connectors.base import Connector
from crmscan.errors import UsageError, redact_url

_URL = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.\-]*://")
SQLITE_SUFFIXES = {".db", ".sqlite", ".sqlite3"}
MIGRATION_SUFFIX = ".sql"


def is_url(source: str) -> bool:
    """True for ``scheme://...`` sources."""
    return bool(_URL.match(source))


def open_source(source: str, *, options: dict[str, object] | None = None) -> Connector:
    """Open *source* with the connector that fits it.

    Raises:
        UsageError: the source does not exist or is of no kind crmscan reads; the message says which
            kinds are supported.
    """
    options = dict(options or {})
    dialect = options.pop("dialect", None)
    sql_options = {k: v for k, v in options.items() if k in ("schema", "query_timeout") and v is not None}
    if is_url(source):
        from crmscan.connectors.sql import SqlConnector

        return SqlConnector(source, **sql_options)  # type: ignore[arg-type]
    path = Path(source)
    if not path.exists():
        raise UsageError(
            f"{redact_url(source)}: no such file or folder; give a path to a CRM export (CSV, TSV, XLSX, "
            "JSONL, Parquet), a folder of them, or a database URL such as sqlite:///crm.db"
        )
    if is_migration_source(path):
        from crmscan.connectors.migrations import MigrationConnector

        return MigrationConnector([path], dialect=dialect)  # type: ignore[arg-type]
    if path.is_file() and path.suffix.lower() in SQLITE_SUFFIXES:
        from crmscan.connectors.sql import SqlConnector

        return SqlConnector(f"sqlite:///{path.resolve()}", label=str(path), **sql_options)  # type: ignore[arg-type]
    from crmscan.connectors.files import FileConnector

    return FileConnector(path)


def is_migration_source(path: Path) -> bool:
    """A .sql file, or a folder whose files (dotfiles aside) are all .sql: SQL migrations."""
    if path.is_file():
        return path.suffix.lower() == MIGRATION_SUFFIX
    if not path.is_dir():
        return False
    files = [f for f in path.iterdir() if f.is_file() and not f.name.startswith(".")]
    return bool(files) and all(f.suffix.lower() == MIGRATION_SUFFIX for f in files)


def group_sources(sources: list[str]) -> list[str | list[str]]:
    """Consecutive ``.sql`` file arguments form one source (``crmscan scan 001.sql 002.sql``).

    Migration files only make sense applied together, in the order given; everything else is a
    source of its own.
    """
    grouped: list[str | list[str]] = []
    for source in sources:
        is_sql = not is_url(source) and source.lower().endswith(MIGRATION_SUFFIX) and Path(source).is_file()
        if is_sql and grouped and isinstance(grouped[-1], list):
            grouped[-1].append(source)
        elif is_sql:
            grouped.append([source])
        else:
            grouped.append(source)
    return [g[0] if isinstance(g, list) and len(g) == 1 else g for g in grouped]


def open_migrations(paths: list[str], *, dialect: str | None = None) -> Connector:
    """Several .sql files as one source, applied in the order given."""
    import os

    from crmscan.connectors.migrations import MigrationConnector

    # Label the group by its folder, not the file list: adding 003.sql must not change the source
    # name, which is part of every finding's fingerprint.
    folder = os.path.commonpath([str(Path(p).parent) for p in paths]) or "."
    return MigrationConnector([Path(p) for p in paths], dialect=dialect, label=folder)  # type: ignore[arg-type]
