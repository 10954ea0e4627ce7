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


def is_url(source: str) -> bool:
    """True for ``scheme://...`` sources."""
    return bool(_URL.match(source))


def open_source(source: str, *, options: dict[str, object] | None = None) -> Connector:
    """Open *source* with the connector that fits it.

    Raises:
        UsageError: the source does not exist or is of no kind crmscan reads; the message says which
            kinds are supported.
    """
    options = options or {}
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
    if path.is_file() and path.suffix.lower() in SQLITE_SUFFIXES:
        from crmscan.connectors.sql import SqlConnector

        return SqlConnector(f"sqlite:///{path.resolve()}", label=str(path), **sql_options)  # type: ignore[arg-type]
    from crmscan.connectors.files import FileConnector

    return FileConnector(path)
