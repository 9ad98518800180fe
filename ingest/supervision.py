"""supervisord under `mwh up --services`: each service restarted when it exits.

Airflow's scheduler, dag-processor and triggerer exit when their metadata database
goes away (a PostgreSQL restart, say) and count on a supervisor to start them again,
as compose's `restart: always` does for the containers. supervisord runs in a session
of its own; each service is a process group in it, so stopping one reaches its
children, and `shutdown` ends every process left in the session. An event listener
(`python -m ingest.supervision`) stops what a service that died left behind (its
serve-logs, the LocalExecutor's workers) before they pile up.
"""

from __future__ import annotations

import contextlib
import os
import shlex
import signal
import subprocess
import sys
import time
import xmlrpc.client
from pathlib import Path

from ingest.config import PROJECT_ROOT, private_opener, state_dir
from ingest.orchestration import venv_bin

REAPER = "reaper"


def services_dir() -> Path:
    """supervisord's files and the services' logs (MWH_SERVICES_DIR: a second set of
    services beside `make up`'s, as `mwh bench transform` runs)."""
    return Path(os.environ.get("MWH_SERVICES_DIR") or state_dir() / "services")


def log_file(name: str) -> Path:
    return services_dir() / "logs" / f"{name}.log"


def tail(name: str, lines: int = 30) -> str:
    """The last lines of a service's log (or supervisord's)."""
    try:
        return "\n".join(log_file(name).read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"


def _conf() -> Path:
    return services_dir() / "supervisord.conf"


def _socket() -> Path:
    return services_dir() / "supervisor.sock"


def _record_file() -> Path:
    return services_dir() / "supervisord.pid"


def _ini(value: str) -> str:
    # supervisord expands %(name)s in its values: a literal % is doubled.
    return value.replace("%", "%%")


def config(programs: dict[str, list[str]], environments: dict[str, dict[str, str]]) -> str:
    """supervisord's configuration: `programs` started in their order, stopped in the
    reverse; every one restarted whenever it exits, retried with a growing back-off
    (1 s, 2 s, ... about 7 minutes in all) while it cannot stay up for 5 s."""
    logs = services_dir() / "logs"
    parts = [
        f"[unix_http_server]\nfile={_ini(str(_socket()))}\nchmod=0700\n",
        f"[supervisord]\nlogfile={_ini(str(logs / 'supervisord.log'))}\n"
        f"logfile_maxbytes=10MB\npidfile={_ini(str(services_dir() / 'supervisord.pidfile'))}\n"
        f"directory={_ini(str(PROJECT_ROOT))}\nnodaemon=true\nsilent=true\n",
        "[rpcinterface:supervisor]\n"
        "supervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface\n",
        f"[supervisorctl]\nserverurl=unix://{_ini(str(_socket()))}\n",
    ]
    for priority, (name, argv) in enumerate(programs.items(), start=1):
        env = ",".join(f'{k}="{_ini(v)}"' for k, v in environments.get(name, {}).items())
        parts.append(
            f"[program:{name}]\ncommand={_ini(shlex.join(argv))}\npriority={priority * 10}\n"
            "autorestart=true\nstartsecs=5\nstartretries=30\n"
            "stopasgroup=true\nkillasgroup=true\nstopwaitsecs=30\n"
            f"redirect_stderr=true\nstdout_logfile={_ini(str(log_file(name)))}\n"
            "stdout_logfile_maxbytes=50MB\nstdout_logfile_backups=3\n"
            + (f"environment={env}\n" if env else "")
        )
    parts.append(
        f"[eventlistener:{REAPER}]\n"
        f"command={_ini(shlex.join([sys.executable, '-m', 'ingest.supervision']))}\n"
        "events=PROCESS_STATE_EXITED\nautorestart=true\npriority=1\n"
        f"stderr_logfile={_ini(str(log_file(REAPER)))}\n"
    )
    return "\n".join(parts)


def rpc():
    """supervisord's XML-RPC interface on its socket (the library's own transport)."""
    from supervisor.xmlrpc import SupervisorTransport

    transport = SupervisorTransport(None, None, f"unix://{_socket()}")
    return xmlrpc.client.ServerProxy("http://127.0.0.1", transport).supervisor


def supervisord() -> tuple[int, str] | None:
    """The running supervisord's PID and the label it was started with."""
    try:
        pid_s, started, label = _record_file().read_text().split()
    except (OSError, ValueError):
        return None
    pid = int(pid_s)
    if start_time(pid) != started or stat_field(pid, 3) == "Z":
        return None
    return pid, label


def start(programs: dict[str, list[str]], environments: dict[str, dict[str, str]],
          env: dict[str, str], label: str, *, timeout: float = 60.0) -> int:  # fmt: skip
    """Start supervisord (it starts the programs) with `env` for every program;
    `label` (the executor) tells a later `mwh up` what it runs."""
    log_file("supervisord").parent.mkdir(parents=True, exist_ok=True)
    with open(_conf(), "w", opener=private_opener) as f:
        f.write(config(programs, environments))
    with open(log_file("supervisord"), "a") as out:
        proc = subprocess.Popen(
            [venv_bin("supervisord"), "--configuration", str(_conf())], env=env,
            cwd=PROJECT_ROOT, stdout=out, stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL, start_new_session=True,
        )  # fmt: skip
    _record_file().write_text(f"{proc.pid} {start_time(proc.pid)} {label}\n")
    deadline = time.monotonic() + timeout
    while True:
        with contextlib.suppress(OSError, xmlrpc.client.Error):
            if rpc().getState()["statename"] == "RUNNING":
                return proc.pid
        if proc.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError(
                f"supervisord did not start; {log_file('supervisord')}:\n{tail('supervisord')}"
            )
        time.sleep(0.2)


def processes() -> dict[str, dict]:
    """Each program's state (statename, pid, ...) as supervisord reports it; {} when
    it is not running."""
    if supervisord() is None:
        return {}
    try:
        infos = rpc().getAllProcessInfo()
    except (OSError, xmlrpc.client.Error):
        return {}
    return {i["name"]: i for i in infos if i["group"] != REAPER}


def start_stopped() -> None:
    """Start the programs that stopped or gave up (FATAL): a second `mwh up`."""
    for name, info in processes().items():
        if info["statename"] in ("STOPPED", "EXITED", "FATAL"):
            rpc().startProcess(name, False)


def shutdown(timeout: float = 90.0) -> None:
    """Stop every program (the last started first), then supervisord, then whatever
    is left in its session (children of a service that died)."""
    running = supervisord()
    record = _record_file().read_text().split() if _record_file().exists() else []
    if running:
        with contextlib.suppress(OSError, xmlrpc.client.Error):
            rpc().stopAllProcesses(True)
            rpc().shutdown()
        deadline = time.monotonic() + timeout
        while supervisord() and time.monotonic() < deadline:
            time.sleep(0.2)
    if record:
        # A session ID, like a group's, goes to no new process while it has members.
        sid = record[0]
        for proc in Path("/proc").iterdir():
            if proc.name.isdigit() and stat_field(int(proc.name), 6) == sid:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(int(proc.name), signal.SIGKILL)
    _record_file().unlink(missing_ok=True)


# ------------------------------------------------------------------ /proc


def stat_field(pid: int, n: int) -> str | None:
    """Field `n` of /proc/<pid>/stat as proc(5) numbers them (3 state, 5 pgrp, 6
    session, 22 start time)."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[n - 3]
    except (OSError, IndexError):
        return None


def start_time(pid: int) -> str | None:
    """With the PID, names one process even after the PID is reused."""
    return stat_field(pid, 22)


def group_alive(pgid: int) -> bool:
    """Any live (not zombie) member of process group `pgid`."""
    return any(
        stat_field(int(p.name), 5) == str(pgid) and stat_field(int(p.name), 3) != "Z"
        for p in Path("/proc").iterdir()
        if p.name.isdigit()
    )


def stop_group(pgid: int, timeout: float = 10.0) -> None:
    """SIGTERM to a process group, SIGKILL to what is left after `timeout`."""
    for sig in (signal.SIGTERM, signal.SIGKILL):
        with contextlib.suppress(ProcessLookupError):
            os.killpg(pgid, sig)
        deadline = time.monotonic() + timeout
        while group_alive(pgid) and time.monotonic() < deadline:
            time.sleep(0.2)
        if not group_alive(pgid):
            return


def reap_exited() -> None:
    """supervisord's event listener for PROCESS_STATE_EXITED: the group of a service
    that exited (its PID: each program leads a group) holds what it left running;
    no new process gets that ID while the group has members."""
    from supervisor import childutils

    while True:
        _, payload = childutils.listener.wait(sys.stdin, sys.stdout)
        fields = childutils.get_headers(payload.split("\n", 1)[0])
        pgid = int(fields["pid"])
        if group_alive(pgid):
            print(f"{fields['processname']} exited; stopping its group {pgid}",
                  file=sys.stderr, flush=True)  # fmt: skip
            stop_group(pgid)
        childutils.listener.ok(sys.stdout)


if __name__ == "__main__":
    reap_exited()
