r"""Effective read access: who can read which column, and through what.

Raw grants overstate and understate access at once: a table grant is useless in PostgreSQL without
``USAGE`` on the schema; a login user reads everything its roles read; a superuser reads everything
without any grant; a row-level security policy may leave a grantee seeing no row at all. This module
turns a :class:`~crmscan.grants.model.GrantSet` into concrete :class:`~crmscan.grants.model.ReadPath`\ s.

Conventions, chosen to keep reports readable:

* ``PUBLIC`` (everyone) gets its own paths; they are not copied to every other principal. The one
  exception is PostgreSQL: when ``PUBLIC`` holds ``SELECT`` on a table but not ``USAGE`` on its schema,
  the principals that do have ``USAGE`` read the table through ``PUBLIC`` and get paths ``via=("PUBLIC",)``.
* Superusers get one path per table with ``basis="superuser"`` and nothing else.
* Roles and their members both get paths: the role directly, each member ``via`` the role chain.
"""

from __future__ import annotations

import heapq
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from fnmatch import fnmatchcase

from crmscan.grants.model import PUBLIC, READ, Grant, GrantSet, ReadPath, RlsPolicy, TableKey

_GLOB = set("*?[")

#: role -> (via chain from the principal to the role, needs SET ROLE)
Reach = dict[str, tuple[tuple[str, ...], bool]]
#: (schema, table, column or None for the whole table)
Target = tuple[str | None, str, str | None]


def effective_read_paths(
    grants: GrantSet, objects: Mapping[TableKey, Sequence[str]] | None = None
) -> list[ReadPath]:
    """Every (principal, table, column) read path the grant set implies, sorted and de-duplicated.

    *objects* (``(schema, table) -> column names``) is the catalog that global, schema and glob grants
    expand against; it defaults to ``grants.objects`` (filled by database introspection). A grants file
    has no catalog of its own, so pass the scanned tables; without one only literal names resolve.
    """
    catalog: dict[TableKey, tuple[str, ...]] = {
        key: tuple(cols) for key, cols in (objects if objects is not None else grants.objects).items()
    }
    edges = _edges(grants)
    # Each grant is expanded against the catalog once, not once per principal that reaches it.
    by_holder: dict[str, list[tuple[Grant, list[Target]]]] = defaultdict(list)
    usage: dict[str, set[str]] = defaultdict(set)
    for grant in grants.grants:
        if grant.privilege == READ:
            by_holder[grant.principal].append((grant, list(_targets(grant, catalog))))
        elif grant.privilege == "USAGE" and grant.object_type == "schema" and grant.schema is not None:
            usage[grant.schema].add(grant.principal)
    policies: dict[TableKey, list[RlsPolicy]] = defaultdict(list)
    for policy in grants.policies:
        policies[(policy.schema, policy.table)].append(policy)

    names = _principal_names(grants)
    public_reach = _reach(PUBLIC, edges)
    out: set[ReadPath] = set()
    for name in sorted(names):
        if grants.principal(name).kind == "superuser":
            out.update(
                ReadPath(
                    name, schema, table, None, object_type="global", basis="superuser", source=grants.source
                )
                for schema, table in catalog
            )
            continue
        reach = public_reach if name == PUBLIC else _reach(name, edges)
        for role, (via, set_role) in reach.items():
            through_public = name != PUBLIC and (role == PUBLIC or PUBLIC in via)
            for grant, targets in by_holder.get(role, ()):
                needs_usage = grants.requires_schema_usage and grant.object_type != "global"
                for schema, table, column in targets:
                    if through_public and (
                        not needs_usage or _usage(public_reach, usage, schema) is not None
                    ):
                        continue  # PUBLIC's own path already says "everyone"
                    usage_set_role = False
                    if needs_usage:
                        found = _usage(reach, usage, schema)
                        if found is None:
                            continue
                        usage_set_role = found
                    row_filter, visible = _row_security(grants, policies, name, reach, (schema, table))
                    out.add(
                        ReadPath(
                            principal=name,
                            schema=schema,
                            table=table,
                            column=column,
                            via=via,
                            object_type=grant.object_type,
                            basis=grant.basis,
                            source=grant.source,
                            row_filter=row_filter,
                            rows_visible=visible,
                            requires_set_role=set_role or usage_set_role,
                        )
                    )
    return sorted(out, key=_sort_key)


def readers(paths: Iterable[ReadPath], schema: str | None, table: str, column: str) -> list[ReadPath]:
    """The paths that reach *column* of *schema.table* (whole-table paths included)."""
    return [
        p
        for p in paths
        if p.schema == schema and p.table == table and (p.column is None or p.column == column)
    ]


def _sort_key(path: ReadPath) -> tuple[str, str, str, str, tuple[str, ...], str, str]:
    return (
        path.principal,
        path.schema or "",
        path.table,
        path.column or "",
        path.via,
        path.basis,
        path.object_type,
    )


def _principal_names(grants: GrantSet) -> set[str]:
    names = set(grants.principals)
    names.update(g.principal for g in grants.grants)
    for m in grants.memberships:
        names.update((m.member, m.role))
    return names


def _edges(grants: GrantSet) -> dict[str, list[tuple[str, bool]]]:
    """Map each member to its (role, inherit) edges; every principal is implicitly a member of PUBLIC."""
    edges: dict[str, list[tuple[str, bool]]] = defaultdict(list)
    for m in grants.memberships:
        edges[m.member].append((m.role, m.inherit))
    for name in _principal_names(grants):
        if name != PUBLIC:
            edges[name].append((PUBLIC, True))
    return edges


def _reach(start: str, edges: Mapping[str, list[tuple[str, bool]]]) -> Reach:
    """Roles reachable from *start*: the best chain to each, preferring no SET ROLE, then shortest."""
    best: Reach = {}
    heap: list[tuple[bool, int, tuple[str, ...], str]] = [(False, 0, (), start)]
    while heap:
        set_role, depth, via, node = heapq.heappop(heap)
        if node in best:
            continue
        best[node] = (via, set_role)
        for role, inherit in edges.get(node, ()):
            if role not in best:
                heapq.heappush(heap, (set_role or not inherit, depth + 1, (*via, role), role))
    return best


def _usage(reach: Reach, usage: Mapping[str, set[str]], schema: str | None) -> bool | None:
    """None without USAGE on *schema*; otherwise whether getting it needs SET ROLE."""
    holders = usage.get(schema or "", set())
    flags = [set_role for role, (_, set_role) in reach.items() if role in holders]
    return min(flags) if flags else None


def _row_security(
    grants: GrantSet, policies: Mapping[TableKey, list[RlsPolicy]], name: str, reach: Reach, key: TableKey
) -> tuple[tuple[str, ...], bool]:
    """(policies filtering this principal's rows, whether it sees any row) for one table."""
    if key not in grants.rls:
        return (), True
    if grants.principal(name).bypass_rls:
        return (), True
    owner = grants.owners.get(key)
    forced = grants.rls[key]
    if owner is not None and not forced and owner in reach and not reach[owner][1]:
        return (), True  # owners (and roles inheriting the owner's privileges) are exempt unless FORCEd
    applicable = [
        pol
        for pol in policies.get(key, ())
        if pol.command in ("ALL", "SELECT")
        and (PUBLIC in pol.roles or any(role in pol.roles for role in reach))
    ]
    permissive = [pol.name for pol in applicable if pol.permissive]
    return tuple(sorted(pol.name for pol in applicable)), bool(permissive)


def _targets(grant: Grant, catalog: Mapping[TableKey, tuple[str, ...]]) -> Iterator[Target]:
    """The concrete (schema, table, column-or-None) a grant covers within *catalog*."""
    if not catalog:
        # Nothing to expand against: only a literal table or column grant names a target.
        if grant.table and not any(_is_glob(part) for part in (grant.schema, grant.table, grant.column)):
            yield grant.schema, grant.table, grant.column
        return
    if not grant.pattern and grant.object_type in ("table", "column") and grant.table is not None:
        columns = catalog.get((grant.schema, grant.table))  # the common case: a plain grant, one lookup
        if columns is not None and (grant.column is None or grant.column in columns or not columns):
            yield grant.schema, grant.table, grant.column
        return
    for (schema, table), columns in catalog.items():
        if grant.object_type == "global":
            yield schema, table, None
            continue
        if not _matches(grant.schema, schema, grant.pattern):
            continue
        if grant.object_type == "schema":
            yield schema, table, None
            continue
        if not _matches(grant.table, table, grant.pattern):
            continue
        if grant.object_type == "table":
            yield schema, table, None
        else:
            for column in columns:
                if _matches(grant.column, column, True):
                    yield schema, table, column


def _matches(pattern: str | None, value: str | None, glob: bool) -> bool:
    if not glob:
        return pattern == value
    if pattern is None or pattern == "*":
        return True
    if value is None:
        return False
    return fnmatchcase(value.lower(), pattern.lower())


def _is_glob(part: str | None) -> bool:
    return part is not None and bool(_GLOB & set(part))
