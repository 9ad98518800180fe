"""An embedded, real PostgreSQL for machines with no warehouse configured.

Everything about starting a private server lives here, so the binaries' origin
(the pgserver wheel today, the machine's own PostgreSQL as a fallback) can be
swapped without touching the rest of the project. The server listens on
127.0.0.1 on a free port, keeps its data in the project's git-ignored state
folder, and keeps running after `mwh run` so that psql and BI tools can connect.

No trust anywhere: TCP logins need a password (scram-sha-256), generated on first use
into `passwords.json` (mode 0600) beside the data folder; the socket takes only the
server's own system user (peer) and sits in a folder only that user can enter. A data
folder initialised by an older version (trust) is converted on its next start.
"""

from __future__ import annotations

import importlib.util
import json
import logging
import os
import pwd
import re
import secrets
import shutil
import socket
import stat
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

import psycopg

from ingest.config import private_opener, state_dir

log = logging.getLogger(__name__)

DBNAME = "warehouse"
SUPERUSER = "postgres"
# PostgreSQL refuses to run as root: as root the server runs as this system user.
SYSTEM_USER = "mwh-postgres"
# Who may connect how: the socket only as the server's own OS user, TCP with a password.
PG_HBA = """\
# Written by ingest/embedded.py on every start: no trust.
local   all   all                  peer
host    all   all   127.0.0.1/32   scram-sha-256
host    all   all   ::1/128        scram-sha-256
"""
# With MWH_LISTEN beyond the loopback (a BI tool in Docker, another machine).
PG_HBA_REMOTE = """\
host    all   all   0.0.0.0/0      scram-sha-256
host    all   all   ::/0           scram-sha-256
"""
LOOPBACK = ("127.0.0.1", "localhost", "::1")


def listen_addresses() -> str:
    """MWH_LISTEN: the addresses the server listens on, comma-separated (0.0.0.0: all
    IPv4 interfaces); default the loopback only."""
    return os.environ.get("MWH_LISTEN", "").replace(" ", "") or "127.0.0.1"


def pg_hba(listen: str) -> str:
    remote = any(a not in LOOPBACK for a in listen.split(","))
    return PG_HBA + (PG_HBA_REMOTE if remote else "")


class EmbeddedServerError(RuntimeError):
    pass


def find_bindir() -> Path:
    """The pgserver wheel's binaries first (pinned by the lock file), then the machine's."""
    override = os.environ.get("MWH_PG_BINDIR")
    candidates: list[Path] = [Path(override)] if override else []
    # Locate the wheel's files without importing it (its import has side effects).
    spec = importlib.util.find_spec("pgserver")
    if spec and spec.submodule_search_locations:
        candidates += [Path(p) / "pginstall" / "bin" for p in spec.submodule_search_locations]
    pg_config = shutil.which("pg_config")
    if pg_config:
        out = subprocess.run([pg_config, "--bindir"], capture_output=True, text=True)
        if out.returncode == 0:
            candidates.append(Path(out.stdout.strip()))
    candidates += sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True)
    for c in candidates:
        if (c / "initdb").exists() and (c / "pg_ctl").exists():
            return c
    raise EmbeddedServerError(
        "no PostgreSQL binaries found: install the project (make run) or set MWH_PG_BINDIR"
    )


@dataclass
class EmbeddedServer:
    root: Path
    _server_user: dict | None = field(default=None, init=False, repr=False)

    @property
    def pgdata(self) -> Path:
        return self.root / "pgdata"

    @property
    def logfile(self) -> Path:
        return self.root / "postgres.log"

    @property
    def state_file(self) -> Path:
        return self.root / "server.json"

    def _state(self) -> dict:
        if self.state_file.exists():
            return json.loads(self.state_file.read_text())
        return {}

    @property
    def password_file(self) -> Path:
        return self.root / "passwords.json"

    def password(self, role: str = SUPERUSER) -> str:
        """`role`'s password, generated (and kept, mode 0600) on first use."""
        saved = json.loads(self.password_file.read_text()) if self.password_file.exists() else {}
        if role not in saved:
            saved[role] = secrets.token_urlsafe(24)
            self.root.mkdir(parents=True, exist_ok=True)
            part = self.password_file.with_suffix(".part")
            with open(part, "w", opener=private_opener) as f:
                json.dump(saved, f, indent=2)
            part.replace(self.password_file)
        return saved[role]

    def dsn(self, dbname: str = DBNAME, role: str = SUPERUSER) -> str:
        port = self._state().get("port")
        if not port:
            raise EmbeddedServerError("the embedded server was never started (run `mwh up`)")
        secret = quote(self.password(role), safe="")
        return f"postgresql://{role}:{secret}@127.0.0.1:{port}/{dbname}"

    # --- running as root --------------------------------------------------
    def _run_as(self) -> dict:
        """subprocess kwargs that drop root privileges for the server's own binaries."""
        if os.geteuid() != 0:
            return {}
        # The user and permission walk (some 1,700 files) are set up once per object.
        if self._server_user is None:
            self._server_user = self._prepare_server_user()
        return self._server_user

    def _prepare_server_user(self) -> dict:
        try:
            pwd.getpwnam(SYSTEM_USER)
        except KeyError:
            subprocess.run(
                ["useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin",
                 SYSTEM_USER],
                check=True, capture_output=True,
            )  # fmt: skip
        entry = pwd.getpwnam(SYSTEM_USER)
        # The unprivileged user must traverse to the data folder and run the binaries.
        for p in [*reversed(self.root.parents), self.root]:
            if p.exists():
                p.chmod(p.stat().st_mode | stat.S_IXOTH)
        bindir = find_bindir()
        for p in [bindir.parent, *bindir.parent.rglob("*")]:
            mode = p.stat().st_mode
            p.chmod(
                mode | stat.S_IROTH | (stat.S_IXOTH if p.is_dir() or mode & stat.S_IXUSR else 0)
            )
        for p in [*reversed(bindir.parents)]:
            p.chmod(p.stat().st_mode | stat.S_IXOTH)
        return {"user": entry.pw_uid, "group": entry.pw_gid}

    def _chown(self, path: Path, run_as: dict) -> None:
        if run_as:
            os.chown(path, run_as["user"], run_as["group"])

    # --- lifecycle ----------------------------------------------------------
    def is_running(self) -> bool:
        bindir = find_bindir()
        if not (self.pgdata / "PG_VERSION").exists():
            return False
        out = subprocess.run(
            [str(bindir / "pg_ctl"), "status", "-D", str(self.pgdata)],
            capture_output=True, text=True, **self._run_as(),
        )  # fmt: skip
        return out.returncode == 0

    def start(self) -> str:
        """Start (initialising on first use) and return the DSN; reuse a running server."""
        self.root.mkdir(parents=True, exist_ok=True)
        run_as = self._run_as()
        bindir = find_bindir()
        if not (self.pgdata / "PG_VERSION").exists():
            self._initdb(bindir, run_as)
        if self.is_running():
            if self._state().get("listen", "127.0.0.1") != listen_addresses():
                log.warning("the embedded server listens on %s, not MWH_LISTEN=%s: restart "
                            "it (mwh stop; mwh up)", self._state().get("listen"),
                            listen_addresses())  # fmt: skip
            self._harden()
            self._private_files(run_as)
            return self.dsn()
        state = self._state()
        port = state.get("port")
        if not port or not _port_free(port):
            port = _free_port()
        sockdir = self.root / "socket"
        sockdir.mkdir(exist_ok=True)
        self._chown(sockdir, run_as)
        if not self.logfile.exists():
            self.logfile.touch()
        self._chown(self.logfile, run_as)
        self._private_files(run_as)
        listen = listen_addresses()
        if not all(a.replace(".", "").replace(":", "").isalnum() for a in listen.split(",")):
            raise EmbeddedServerError(f"MWH_LISTEN={listen!r}: addresses, comma-separated")
        opts = (
            f"-h {listen} -p {port} -k {sockdir} -c unix_socket_permissions=0700"
            " -c fsync=off -c full_page_writes=off"
        )
        res = subprocess.run(
            [str(bindir / "pg_ctl"), "start", "-w", "-t", "60", "-D", str(self.pgdata),
             "-l", str(self.logfile), "-o", opts],
            capture_output=True, text=True, **run_as,
        )  # fmt: skip
        if res.returncode != 0:
            tail = self.logfile.read_text(errors="replace")[-2000:]
            raise EmbeddedServerError(f"embedded PostgreSQL failed to start:\n{res.stderr}\n{tail}")
        self.state_file.write_text(
            json.dumps({"port": port, "bindir": str(bindir), "listen": listen})
        )
        self._harden()
        self._ensure_database()
        return self.dsn()

    def _private_files(self, run_as: dict) -> None:
        """The socket folder and the log for the server's user alone; the state folder
        only traversable by it (when it is another user), not listable."""
        (self.root / "socket").chmod(0o700)
        self.logfile.chmod(0o600)
        self.root.chmod(0o711 if run_as else 0o700)

    def _initdb(self, bindir: Path, run_as: dict) -> None:
        self.pgdata.mkdir(parents=True, exist_ok=True)
        self._chown(self.pgdata, run_as)
        self.pgdata.chmod(0o700)
        # initdb reads the superuser's password from a file (as the server's user).
        pwfile = self.root / ".pwfile"
        with open(pwfile, "w", opener=private_opener) as f:
            f.write(self.password(SUPERUSER) + "\n")
        self._chown(pwfile, run_as)
        try:
            subprocess.run(
                [str(bindir / "initdb"), "-D", str(self.pgdata), "-U", SUPERUSER,
                 f"--pwfile={pwfile}", "--auth-local=peer", "--auth-host=scram-sha-256",
                 "--encoding=UTF8", "--locale=C.UTF-8"],
                check=True, capture_output=True, **run_as,
            )  # fmt: skip
        finally:
            pwfile.unlink(missing_ok=True)
        self._write_hba(run_as)

    def _write_hba(self, run_as: dict) -> None:
        hba = self.pgdata / "pg_hba.conf"
        hba.write_text(pg_hba(self._state().get("listen") or listen_addresses()))
        self._chown(hba, run_as)
        hba.chmod(0o600)

    def _harden(self) -> None:
        """Bring the connection rules up to date: convert a server initialised with
        trust (older versions of this module) by setting the superuser's password while
        trust still lets us in, then requiring it; follow a changed MWH_LISTEN."""
        hba = self.pgdata / "pg_hba.conf"
        text = hba.read_text()
        if text == pg_hba(self._state().get("listen") or listen_addresses()):
            return
        from ingest.users import set_password

        legacy = re.search(r"^\s*(local|host)\b.*\btrust\s*$", text, re.MULTILINE)
        port = self._state()["port"]
        dsn = f"postgresql://{SUPERUSER}@127.0.0.1:{port}/postgres"
        with psycopg.connect(dsn if legacy else self.dsn("postgres"), autocommit=True) as conn:
            if legacy:
                set_password(conn, SUPERUSER, self.password())
                log.info("embedded PostgreSQL: trust replaced by passwords (%s)",
                         self.password_file)  # fmt: skip
            self._write_hba(self._run_as())
            conn.execute("select pg_reload_conf()")

    def _ensure_database(self) -> None:
        deadline = time.monotonic() + 30
        while True:
            try:
                with psycopg.connect(self.dsn("postgres"), autocommit=True) as conn:
                    exists = conn.execute(
                        "select 1 from pg_database where datname = %s", (DBNAME,)
                    ).fetchone()
                    if not exists:
                        conn.execute(f'create database "{DBNAME}"')
                    return
            except psycopg.OperationalError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)

    def stop(self) -> bool:
        if not self.is_running():
            return False
        subprocess.run(
            [str(find_bindir() / "pg_ctl"), "stop", "-D", str(self.pgdata), "-m", "fast", "-w"],
            check=True, capture_output=True, **self._run_as(),
        )  # fmt: skip
        return True


def _port_free(port: int) -> bool:
    with socket.socket() as s:
        # As PostgreSQL binds: the closed connections of a server just stopped (TIME_WAIT)
        # must not move its restart to another port.
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return False
        return True


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def default_server() -> EmbeddedServer:
    return EmbeddedServer(state_dir() / "postgres")
