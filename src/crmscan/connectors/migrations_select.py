"""The SELECT behind a view or ``CREATE TABLE AS``, parsed by sqlglot, reduced to output columns.

A view that projects ``customers.ssn`` exposes the SSN as surely as the table does, so each output column
remembers which ``table.column`` it copies (its type is looked up when the view is applied) or the type
of an explicit ``CAST``. Expressions without a name of their own are left out; ``*`` and ``t.*`` expand
against the tables the migrations defined.
"""

from __future__ import annotations

from typing import Any

from sqlglot import exp
from sqlglot.dialects.dialect import Dialect
from sqlglot.errors import ParseError
from sqlglot.tokens import Token, TokenType

from crmscan.connectors.migrations_ops import CreateTable, Projection, QName
from crmscan.connectors.migrations_tokens import Cursor, SyntaxProblem, short_reason, word


def parse_select(cur: Cursor) -> tuple[tuple[Projection, ...] | None, tuple[QName, ...]]:
    """Consume the rest of *cur* as a query; (output columns or None when unknowable, source tables)."""
    tokens = _strip_tail(cur.rest())
    if not tokens:
        raise SyntaxProblem("expected a SELECT after AS", None)
    start = tokens[0].start
    text = cur.sql[start : tokens[-1].end + 1]
    # Re-read from the text: the readers' tokens have compound keywords split (see explode()).
    try:
        parsed = Dialect.get_or_raise(cur.dialect).parse(text)
    except ParseError as exc:
        rel = exc.errors[0].get("line") if exc.errors else None
        offset = start
        for _ in range((rel if isinstance(rel, int) else 1) - 1):
            offset = cur.sql.find("\n", offset) + 1 or offset
        raise SyntaxProblem(short_reason(exc), offset=offset) from None
    if len(parsed) != 1 or not isinstance(parsed[0], exp.Query):
        raise SyntaxProblem("expected a SELECT after AS", tokens[0])
    return _projections(parsed[0], cur.dialect)


_TAILS = (
    ["WITH", "CHECK", "OPTION"],
    ["WITH", "CASCADED", "CHECK", "OPTION"],
    ["WITH", "LOCAL", "CHECK", "OPTION"],
    ["WITH", "DATA"],
    ["WITH", "NO", "DATA"],
)


def _strip_tail(tokens: list[Token]) -> list[Token]:
    """Drop ``WITH [CASCADED|LOCAL] CHECK OPTION`` and ``WITH [NO] DATA``, which are not part of the query."""
    words = [word(t) for t in tokens]
    for tail in _TAILS:
        if words[-len(tail) :] == tail:
            return tokens[: -len(tail)]
    return tokens


def _name(ident: exp.Expression | None, dialect: str) -> str | None:
    if not isinstance(ident, exp.Identifier):
        return None
    return ident.this if ident.quoted or dialect != "postgres" else ident.this.lower()


def _projections(query: exp.Query, dialect: str) -> tuple[tuple[Projection, ...] | None, tuple[QName, ...]]:
    select: Any = query
    while isinstance(select, (exp.SetOperation, exp.Subquery)):
        select = select.args["this"] if isinstance(select, exp.Subquery) else select.left
    if not isinstance(select, exp.Select):
        return None, ()
    ctes = {(c.alias or "").casefold() for c in query.find_all(exp.CTE)}
    aliases: dict[str, QName | None] = {}
    sources: list[QName] = []
    from_ = select.args.get("from_") or select.args.get("from")
    for item in [from_.this if from_ else None, *(j.this for j in select.args.get("joins") or ())]:
        if item is None:
            continue
        qname: QName | None = None
        if isinstance(item, exp.Table) and isinstance(item.this, exp.Identifier):
            table_name = _name(item.this, dialect) or ""
            if table_name.casefold() not in ctes:
                qname = (_name(item.args.get("db"), dialect), table_name)
                sources.append(qname)
            aliases[table_name.casefold()] = qname
        alias = item.args.get("alias")
        if isinstance(alias, exp.TableAlias):
            alias_text = _name(alias.this, dialect)
            if alias_text:
                aliases[alias_text.casefold()] = qname
    out: list[Projection] = []
    for proj in select.selects:
        inner = proj.this if isinstance(proj, exp.Alias) else proj
        name = _name(proj.args.get("alias"), dialect) if isinstance(proj, exp.Alias) else None
        if isinstance(inner, exp.Star):
            out.append(Projection(None, star=True))
            continue
        if isinstance(inner, exp.Column) and isinstance(inner.this, exp.Star):
            out.append(Projection(None, table=aliases.get((inner.table or "").casefold()), star=True))
            continue
        if isinstance(inner, exp.Column):
            column = _name(inner.this, dialect)
            table = aliases.get(_table_key(inner, dialect)) if inner.table else None
            out.append(Projection(name or column, table=table, column=column))
            continue
        native = inner.args["to"].sql(dialect) if isinstance(inner, exp.Cast) else None
        if name:
            out.append(Projection(name, native_type=native))
    return tuple(out), tuple(sources)


def _table_key(column: exp.Column, dialect: str) -> str:
    table = column.args.get("table")
    return (_name(table, dialect) or "").casefold()


def parse_create_view(cur: Cursor) -> list[object]:
    """``CREATE [OR REPLACE | OR ALTER] [MATERIALIZED] [ALGORITHM=..] [DEFINER=..] VIEW name [(a, b)]
    [WITH ...] AS SELECT ...`` and ``ALTER VIEW name AS SELECT ...``; temporary views produce nothing."""
    replace = cur.word() == "ALTER"
    cur.take()
    temporary = False
    while not cur.at("VIEW") and not cur.done():
        w = cur.word()
        temporary |= w in ("TEMP", "TEMPORARY")
        replace |= w in ("REPLACE", "ALTER")
        cur.i += 1
    cur.expect("VIEW")
    if_not_exists = cur.accept("IF", "NOT", "EXISTS")
    table = cur.qname("a view name")
    names: tuple[str, ...] = ()
    if cur.at_type(TokenType.L_PAREN):
        inner = Cursor(cur.group(), cur.dialect, cur.sql)
        found = [inner.ident("a column name")]
        while inner.accept_type(TokenType.COMMA):
            found.append(inner.ident("a column name"))
        names = tuple(found)
    cur.skip_to_top("AS")
    if not cur.accept("AS"):
        cur.fail("expected AS before the view's query")
    select, sources = parse_select(cur)
    if temporary:
        return []
    return [
        CreateTable(
            table,
            kind="view",
            select=select,
            sources=sources,
            names=names,
            replace=replace,
            if_not_exists=if_not_exists,
        )
    ]
