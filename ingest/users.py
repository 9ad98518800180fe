"""`mwh users`: the warehouse's logins for people and tools, each a member of one of
the reader roles (ingest/migrations/0001, 0008), recorded in access.users.

    mwh users add NAME --kind analyst|bi|steward [--municipality LAU | --country ISO3]
    mwh users list
    mwh users dsn NAME      # a new password, and the connection string with it
    mwh users remove NAME

A password is generated, sent to the server only as its SCRAM verifier (never in
clear, so never in a server log) and printed once in the connection string; the
warehouse keeps no copy. `mwh users dsn` replaces a forgotten one.
"""

from __future__ import annotations

import argparse
import re
import secrets
import sys
from dataclasses import dataclass

import psycopg
from psycopg import sql
from psycopg.conninfo import make_conninfo

from ingest.config import to_uri
from ingest.warehouse import connect

# The reader role each kind of login is a member of.
KINDS = {"analyst": "analyst", "bi": "bi_reader", "steward": "steward"}
_NAME = re.compile(r"^[a-z][a-z0-9_]{2,62}$")
# The login `mwh run` prints for BI tools on the embedded server.
DEMO_BI_LOGIN = "mwh_bi"


class UserError(ValueError):
    pass


@dataclass
class User:
    name: str
    kind: str
    municipality: str | None
    country: str | None

    @property
    def scope(self) -> str:
        return self.municipality or self.country or "-"


def _check_name(name: str) -> None:
    if not _NAME.match(name):
        raise UserError(
            f"{name!r} is not a login name: 3 to 63 lowercase letters, digits or _, "
            "starting with a letter"
        )


def _check_scope(kind: str, municipality: str | None, country: str | None) -> None:
    from ingest.quality import seed_values

    if kind != "steward":
        if municipality or country:
            raise UserError("only a steward login has a municipality or a country")
        return
    if bool(municipality) == bool(country):
        raise UserError("a steward login needs --municipality LAU or --country ISO3")
    if municipality and municipality not in seed_values("ref_municipalities.lau_code"):
        raise UserError(f"unknown municipality {municipality!r}: use its LAU code")
    if country and country not in seed_values("ref_countries.iso3"):
        raise UserError(f"unknown country {country!r}: use its ISO 3166 alpha-3 code")


def set_password(conn: psycopg.Connection, name: str, password: str) -> None:
    """Set `name`'s password as its SCRAM verifier, computed here as psql's \\password
    does: the server (and its statement log) never sees the password itself."""
    verifier = conn.pgconn.encrypt_password(password.encode(), name.encode(), b"scram-sha-256")
    conn.execute(
        sql.SQL("alter role {} password {}").format(
            sql.Identifier(name), sql.Literal(verifier.decode())
        )
    )


def _login_dsn(admin_dsn: str, name: str, password: str) -> str:
    return to_uri(make_conninfo(admin_dsn, user=name, password=password))


def add(
    dsn: str,
    name: str,
    kind: str,
    *,
    municipality: str | None = None,
    country: str | None = None,
    password: str | None = None,
) -> str:
    """Create the login and return its connection string (with the password)."""
    _check_name(name)
    if kind not in KINDS:
        raise UserError(f"unknown kind {kind!r}: one of {', '.join(KINDS)}")
    municipality = (municipality or "").strip().upper() or None
    country = (country or "").strip().upper() or None
    _check_scope(kind, municipality, country)
    password = password or secrets.token_urlsafe(24)
    with connect(dsn) as conn:
        if conn.execute("select 1 from pg_roles where rolname = %s", (name,)).fetchone():
            raise UserError(f"a role {name!r} exists already")
        conn.execute(
            sql.SQL(
                "create role {} login nosuperuser nocreatedb nocreaterole noreplication in role {}"
            ).format(sql.Identifier(name), sql.Identifier(KINDS[kind]))
        )
        set_password(conn, name, password)
        conn.execute(
            "insert into access.users (role_name, kind, municipality, country)"
            " values (%s, %s, %s, %s)",
            (name, kind, municipality, country),
        )
    return _login_dsn(dsn, name, password)


def listing(dsn: str) -> list[User]:
    with connect(dsn) as conn:
        rows = conn.execute(
            "select role_name, kind, municipality, country from access.users order by role_name"
        ).fetchall()
    return [User(*r) for r in rows]


def _managed(conn: psycopg.Connection, name: str) -> None:
    if not conn.execute("select 1 from access.users where role_name = %s", (name,)).fetchone():
        raise UserError(f"{name!r} is not a login made with `mwh users add`")


def new_password(dsn: str, name: str, password: str | None = None) -> str:
    """Replace the login's password; return its connection string."""
    password = password or secrets.token_urlsafe(24)
    with connect(dsn) as conn:
        _managed(conn, name)
        set_password(conn, name, password)
    return _login_dsn(dsn, name, password)


def remove(dsn: str, name: str) -> None:
    with connect(dsn) as conn:
        _managed(conn, name)
        # Whatever it created (temporary objects, an analyst's own views) goes with it.
        conn.execute(sql.SQL("drop owned by {}").format(sql.Identifier(name)))
        conn.execute(sql.SQL("drop role {}").format(sql.Identifier(name)))
        conn.execute("delete from access.users where role_name = %s", (name,))


def ensure_demo_bi_login(dsn: str, password: str) -> str:
    """The BI login `mwh run` prints on the embedded server (its password kept with
    the server's): created once, its password set again on every run."""
    with connect(dsn) as conn:
        known = conn.execute(
            "select 1 from access.users where role_name = %s", (DEMO_BI_LOGIN,)
        ).fetchone()
    if not known:
        return add(dsn, DEMO_BI_LOGIN, "bi", password=password)
    return new_password(dsn, DEMO_BI_LOGIN, password)


# --- the command line ---------------------------------------------------------------


def register(sub) -> None:
    u = sub.add_parser("users", help="logins for analysts, BI tools and data stewards")
    users = u.add_subparsers(dest="users", required=True)
    a = users.add_parser("add", help="create a login; prints its connection string once")
    a.add_argument("name")
    a.add_argument("--kind", required=True, choices=list(KINDS))
    a.add_argument("--municipality", help="a steward's municipality (LAU code)")
    a.add_argument("--country", help="a steward's country (ISO 3166 alpha-3)")
    a.set_defaults(func=_cmd)
    users.add_parser("list", help="the logins and their kinds").set_defaults(func=_cmd)
    d = users.add_parser("dsn", help="a new password and the connection string with it")
    d.add_argument("name")
    d.set_defaults(func=_cmd)
    r = users.add_parser("remove", help="drop a login")
    r.add_argument("name")
    r.set_defaults(func=_cmd)


def _cmd(args: argparse.Namespace) -> int:
    from ingest.runtime import ensure_warehouse
    from ingest.warehouse import migrate

    dsn = ensure_warehouse()[0]
    migrate(dsn)
    try:
        if args.users == "add":
            print(add(dsn, args.name, args.kind, municipality=args.municipality,
                      country=args.country))  # fmt: skip
            print("(the password is shown once: keep it in the BI tool or a password store)")
        elif args.users == "list":
            for user in listing(dsn):
                print(f"{user.name:32} {user.kind:8} {user.scope}")
        elif args.users == "dsn":
            print(new_password(dsn, args.name))
        else:
            remove(dsn, args.name)
            print(f"removed {args.name}")
    except UserError as exc:
        print(f"mwh users: {exc}", file=sys.stderr)
        return 2
    return 0
