"""The embedded PostgreSQL: a real server on 127.0.0.1 and a free port, reused, stopped.

Runs as root in CI (the server then runs as an unprivileged system user) and as a
normal user on a laptop: the same code path copes with both.
"""

from __future__ import annotations

import stat
import subprocess

import psycopg
import pytest

from ingest.embedded import EmbeddedServer, find_bindir
from ingest.warehouse import migrate


@pytest.fixture
def server(tmp_path):
    srv = EmbeddedServer(tmp_path / "postgres")
    yield srv
    srv.stop()


def test_start_reuse_stop(server):
    assert find_bindir().is_dir()
    dsn = server.start()
    assert "@127.0.0.1:" in dsn and dsn.endswith("/warehouse")
    with psycopg.connect(dsn) as conn:
        version = conn.execute("show server_version_num").fetchone()[0]
        addr = conn.execute("select inet_server_addr()::text").fetchone()[0]
    assert int(version) >= 140000
    assert addr.startswith("127.0.0.1")
    # A second start reuses the running server (same port, same data).
    assert server.start() == dsn
    assert server.is_running()
    # A client still connected when the server stops holds the port (its closed
    # connection in FIN-WAIT-2): the restarted server must keep the port regardless.
    client = psycopg.connect(dsn, autocommit=True)
    client.execute("select 1")
    assert server.stop() is True
    assert not server.is_running()
    with pytest.raises(psycopg.OperationalError):
        psycopg.connect(dsn, connect_timeout=2)
    # Restarting keeps the port, the data folder and the database: clients reconnect.
    assert server.start() == dsn
    with pytest.raises(psycopg.OperationalError):
        client.execute("select 1")
    client.close()
    with psycopg.connect(server.dsn()) as conn:
        assert conn.execute("select current_database()").fetchone()[0] == "warehouse"


def _refused(dsn: str) -> str:
    with pytest.raises(psycopg.OperationalError) as exc:
        psycopg.connect(dsn, connect_timeout=5).close()
    return str(exc.value)


def _public_privileges(dsn: str) -> tuple[bool, bool]:
    with psycopg.connect(dsn) as conn:
        return conn.execute(
            """select has_database_privilege('public', current_database(), 'connect'),
                      has_database_privilege('public', current_database(), 'temporary')"""
        ).fetchone()


def test_no_trust_passwords_private_socket(server):
    dsn = server.start()
    port = dsn.rsplit(":", 1)[1].split("/")[0]
    wrong = f"postgresql://postgres:wrong@127.0.0.1:{port}/warehouse"
    assert "password authentication failed" in _refused(wrong)
    assert _refused(f"postgresql://postgres@127.0.0.1:{port}/warehouse")  # no password
    with psycopg.connect(dsn) as conn:
        rules = conn.execute(
            "select type, auth_method from pg_hba_file_rules order by line_number"
        ).fetchall()
        assert conn.execute("show unix_socket_permissions").fetchone() == ("0700",)
    assert rules and all(method in ("peer", "scram-sha-256") for _, method in rules), rules
    assert stat.S_IMODE(server.password_file.stat().st_mode) == 0o600
    assert stat.S_IMODE((server.root / "socket").stat().st_mode) == 0o700
    assert stat.S_IMODE(server.logfile.stat().st_mode) == 0o600
    assert stat.S_IMODE(server.root.stat().st_mode) & 0o077 in (0, 0o011)
    assert server.password() in server.password_file.read_text()
    # Migrating the warehouse takes CONNECT and TEMP from PUBLIC.
    assert _public_privileges(dsn) == (True, True)
    migrate(dsn)
    assert _public_privileges(dsn) == (False, False)


def test_a_trust_server_of_an_older_version_is_converted(server):
    """A data folder initialised with trust gets the password and the rules on start."""
    server.root.mkdir(parents=True)  # first, as start() does: the server's user walks it
    run_as = server._run_as()
    server.pgdata.mkdir()
    server._chown(server.pgdata, run_as)
    server.pgdata.chmod(0o700)
    subprocess.run(
        [str(find_bindir() / "initdb"), "-D", str(server.pgdata), "-U", "postgres",
         "--auth=trust", "--encoding=UTF8", "--locale=C.UTF-8"],
        check=True, capture_output=True, **run_as,
    )  # fmt: skip
    assert not server.password_file.exists()
    dsn = server.start()
    port = dsn.rsplit(":", 1)[1].split("/")[0]
    assert _refused(f"postgresql://postgres@127.0.0.1:{port}/warehouse")
    with psycopg.connect(dsn) as conn:
        assert conn.execute("select current_database()").fetchone() == ("warehouse",)


def test_mwh_listen_opens_tcp_beyond_the_loopback_with_passwords_only(server, monkeypatch):
    monkeypatch.setenv("MWH_LISTEN", "0.0.0.0")
    dsn = server.start()
    with psycopg.connect(dsn) as conn:
        assert conn.execute("show listen_addresses").fetchone() == ("0.0.0.0",)
        rules = conn.execute(
            "select address, auth_method from pg_hba_file_rules where type = 'host'"
        ).fetchall()
    assert ("0.0.0.0", "scram-sha-256") in rules
    assert all(method == "scram-sha-256" for _, method in rules), rules
