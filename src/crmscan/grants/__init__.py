"""Access grants: who can read which table and column, from databases, grants files and Salesforce.

One module per grant source, all producing a :class:`~crmscan.grants.model.GrantSet`:

* :mod:`crmscan.grants.postgres` and :mod:`crmscan.grants.mysql` — read by
  :meth:`crmscan.connectors.sql.SqlConnector.grants` from the database's catalogs;
* :mod:`crmscan.grants.file` — ``--grants FILE`` (YAML or CSV), for any source;
* :mod:`crmscan.grants.salesforce` — a FieldPermissions CSV export.

:func:`~crmscan.grants.paths.effective_read_paths` resolves roles, schema usage, superusers and row-level
security into concrete read paths; :func:`merge` layers a grants file's principal attributes (member
counts, third parties, MFA) over what a database or Salesforce export said.
"""

from __future__ import annotations

import dataclasses

from crmscan.grants.model import (
    PUBLIC,
    DefaultPrivilege,
    Grant,
    GrantSet,
    GrantsFileError,
    Membership,
    Principal,
    ReadPath,
    RlsPolicy,
)
from crmscan.grants.paths import effective_read_paths, readers

__all__ = [
    "PUBLIC",
    "DefaultPrivilege",
    "Grant",
    "GrantSet",
    "GrantsFileError",
    "Membership",
    "Principal",
    "ReadPath",
    "RlsPolicy",
    "effective_read_paths",
    "merge",
    "readers",
]


def merge(base: GrantSet, overlay: GrantSet) -> GrantSet:
    """*base* plus *overlay*'s grants, memberships and principals.

    A principal known to both keeps *base*'s facts (kind, login, host) and takes every attribute
    *overlay* sets explicitly (member count, third party, purpose, department, MFA), so a grants file can
    annotate database roles. The result keeps *base*'s source, catalog and row-level security.
    """
    principals = dict(base.principals)
    for name, extra in overlay.principals.items():
        known = principals.get(name)
        if known is None:
            principals[name] = extra
            continue
        updates = {
            field: getattr(extra, field)
            for field in ("member_count", "purpose", "department", "mfa")
            if getattr(extra, field) is not None
        }
        if extra.third_party:
            updates["third_party"] = True
        if extra.kind not in ("role", "public") and extra.kind != known.kind:
            updates["kind"] = extra.kind  # the file says "third_party" or "service" about a plain role
        principals[name] = dataclasses.replace(known, **updates)
    return dataclasses.replace(
        base,
        principals=principals,
        grants=[*base.grants, *overlay.grants],
        memberships=[*base.memberships, *overlay.memberships],
        policies=[*base.policies, *overlay.policies],
        default_privileges=[*base.default_privileges, *overlay.default_privileges],
        objects=dict(base.objects) or dict(overlay.objects),
        complete=base.complete and overlay.complete,
        notes=[*base.notes, *overlay.notes],
    )
