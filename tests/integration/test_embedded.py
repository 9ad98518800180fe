"""The embedded PostgreSQL: a real server on 127.0.0.1 and a free port, reused, stopped.

Runs as root in CI (the server then runs as an unprivileged system user) and as a
normal user on a laptop: the same code path copes with both.
"""

from __future__ import annotations

import psycopg
import pytest

from ingest.embedded import EmbeddedServer, find_bindir


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
    assert server.stop() is True
    assert not server.is_running()
    with pytest.raises(psycopg.OperationalError):
        psycopg.connect(dsn, connect_timeout=2)
    # Restarting keeps the data folder and the database.
    assert server.start().rsplit(":", 1)[0] == dsn.rsplit(":", 1)[0]
    with psycopg.connect(server.dsn()) as conn:
        assert conn.execute("select current_database()").fetchone()[0] == "warehouse"
