"""The security review of the landing zone and the submission pipeline (issue 16), on a
real PostgreSQL: links, interrupted validations, scopes, arrival order, concurrent
submissions, periods, poison files, and the smaller findings."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
import textwrap
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import psycopg
import pytest
from airflow.sdk import ObjectStoragePath

from ingest.config import PROJECT_ROOT, state_dir
from ingest.submissions import landing, pipeline
from ingest.submissions.landing import fit_name, process_dataset
from ingest.submissions.landing_files import UnsafePath, private_copy
from ingest.submissions.pipeline import default_report_dir, submit
from tests.submissions.corpus import NA_HEAD, csv_bytes, needs_row

NA = "needs_assessment"


@pytest.fixture
def root(tmp_path):
    folder = tmp_path / "landing"
    folder.mkdir()
    return ObjectStoragePath(folder.as_uri())


@pytest.fixture
def dsn(warehouse_dsn):
    """The module's warehouse, emptied of submissions between tests."""
    yield warehouse_dsn
    with psycopg.connect(warehouse_dsn) as conn:
        conn.execute("delete from quality.quarantine where source like 'submissions%'")
        conn.execute("delete from ops.landing_attempts")
        conn.execute("update ops.batches set superseded_by = null where source like 'submissions%'")
        conn.execute(
            """delete from quality.expectation_results where batch_id in
               (select batch_id from ops.batches where source like 'submissions%')"""
        )
        conn.execute(
            """delete from quality.validation_runs where batch_id in
               (select batch_id from ops.batches where source like 'submissions%')"""
        )
        conn.execute("delete from ops.batches where source like 'submissions%'")


def _needs(*rows, remarks="") -> bytes:
    return csv_bytes([NA_HEAD, *(rows or [needs_row(remarks=remarks or "x")])])


def _drop(root, scope: str, name: str, data: bytes, *, mtime: float | None = None):
    target = root / "incoming" / NA / scope / name
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(data)
    if mtime is not None:
        os.utime(target.path, (mtime, mtime))
    return target


def _local(moved_to: str) -> Path:
    return Path(ObjectStoragePath(moved_to).path)


def _batches(dsn) -> list[dict]:
    with psycopg.connect(dsn) as conn:
        cur = conn.execute(
            """select batch_id, file_name, municipality, status, superseded_by, error,
                      received_at, period_start::text, period_end::text, report_path,
                      rows_received, rows_loaded, rows_quarantined
               from ops.batches where source = 'submissions' order by batch_id"""
        )
        names = [d.name for d in cur.description]
        return [dict(zip(names, r, strict=True)) for r in cur]


def _balanced(batches: list[dict]) -> None:
    """rows received = rows loaded + rows quarantined, for every batch that loaded."""
    for b in batches:
        if b["rows_received"] is not None:
            assert b["rows_received"] == b["rows_loaded"] + b["rows_quarantined"], b


# 1 ------------------------------------------------------------------------------------


def test_links_are_never_followed_nor_moved(dsn, root, tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    secret = outside / "secret.csv"
    secret.write_text("SECRET-LINE-7f3a9\n")
    elsewhere = outside / "MK00101"
    elsewhere.mkdir()
    (elsewhere / "needs.csv").write_bytes(_needs(needs_row("MK00101")))
    scope = Path((root / "incoming" / NA / "MK00405").path)
    scope.mkdir(parents=True)
    (scope / "secret.csv").symlink_to(secret)
    (scope.parent / "MK00101").symlink_to(elsewhere)  # a linked municipality folder
    (Path(root.path) / "incoming" / "funding").symlink_to(outside)  # a linked dataset

    for dataset in (NA, "funding"):
        run = process_dataset(dsn, dataset, root)
        assert run.files == [] and run.problems() == []
    assert _batches(dsn) == []
    # Nothing was read, nothing moved away.
    assert secret.read_text() == "SECRET-LINE-7f3a9\n"
    assert (elsewhere / "needs.csv").exists() and (scope / "secret.csv").is_symlink()
    assert not (Path(root.path) / "processed").exists()
    assert not (Path(root.path) / "rejected").exists()

    # A link swapped in after the listing is refused at open (O_NOFOLLOW).
    link = root / "incoming" / NA / "MK00405" / "secret.csv"
    with pytest.raises(UnsafePath), private_copy(root, link):
        pass
    # An object store's key must stay under the root.
    store = ObjectStoragePath("memory://landing")
    with pytest.raises(UnsafePath), private_copy(store, store / "incoming" / ".." / "etc"):
        pass


def test_links_planted_where_the_worker_writes_send_nothing_out(dsn, root, tmp_path):
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    landing = Path(root.path)
    for folder in ("reports", "processed"):
        (landing / folder / NA).mkdir(parents=True)
        (landing / folder / NA / "MK00405").symlink_to(outside)
    _drop(root, "MK00405", "needs.csv", _needs())
    run = process_dataset(dsn, NA, root)
    (item,) = run.files
    assert "UnsafePath" in item.error and item.moved_to is None
    assert list(outside.iterdir()) == []
    assert (landing / "incoming" / NA / "MK00405" / "needs.csv").exists()


def test_a_rejection_never_echoes_the_file(dsn, tmp_path):
    path = tmp_path / "needs.csv"
    path.write_text("SECRET-LINE-7f3a9 is not a header\nroot:x:0:0\n")
    result = submit(dsn, path, NA, report_dir=tmp_path / "reports")
    assert result.code == "delimiter" and "the first line is not a header" in result.message
    (batch,) = _batches(dsn)
    for text in (result.message, batch["error"], result.report_html.read_text(),
                 result.report_csv.read_text()):  # fmt: skip
        assert "SECRET" not in text and "root:x" not in text


# 2 ------------------------------------------------------------------------------------


def _failing_validation(monkeypatch, times: int | None = 1):
    """The validation dies (`times` times; None: always), as a killed worker would."""
    real = pipeline.validate_batch
    calls = {"n": 0}

    def validate(*args, **kwargs):
        calls["n"] += 1
        if times is None or calls["n"] <= times:
            raise RuntimeError("worker lost during validation")
        return real(*args, **kwargs)

    monkeypatch.setattr(pipeline, "validate_batch", validate)


def test_an_interrupted_validation_is_finished_on_the_next_run(dsn, root, monkeypatch):
    _drop(root, "MK00405", "needs.csv", _needs())
    _failing_validation(monkeypatch)
    first = process_dataset(dsn, NA, root)
    (item,) = first.files
    assert item.moved_to is None and "worker lost" in item.error
    assert "attempt 1 of 3" in first.problems()[0]
    (batch,) = _batches(dsn)
    assert batch["status"] == "loaded" and batch["report_path"] is None

    second = process_dataset(dsn, NA, root)
    (item,) = second.files
    assert item.result.created and item.result.resumed and item.result.status == "passed"
    assert second.landed_rows and second.problems() == []
    assert "/processed/needs_assessment/MK00405/" in item.moved_to
    assert "duplicate" not in item.moved_to
    (batch,) = _batches(dsn)
    assert batch["status"] == "passed" and batch["period_start"] == "2025-03-01"
    assert Path(batch["report_path"]).exists()
    assert list((Path(root.path) / "reports" / NA / "MK00405").glob("*.html"))


def test_a_resent_file_finishes_its_stuck_batch(dsn, tmp_path, monkeypatch):
    path = tmp_path / "needs.csv"
    path.write_bytes(_needs())
    _failing_validation(monkeypatch)
    with pytest.raises(RuntimeError, match="worker lost"):
        submit(dsn, path, NA, municipality="MK00405", report_dir=tmp_path)
    again = submit(dsn, path, NA, municipality="MK00405", report_dir=tmp_path)
    assert again.resumed and again.status == "passed" and again.rows_loaded == 1
    assert again.report_html.exists()


def test_a_batch_stuck_for_an_hour_fails_the_check(dsn, root, tmp_path, monkeypatch):
    path = tmp_path / "needs.csv"
    path.write_bytes(_needs())
    _failing_validation(monkeypatch, times=None)
    with pytest.raises(RuntimeError):
        submit(dsn, path, NA, report_dir=tmp_path)
    (batch,) = _batches(dsn)
    # The file is not in incoming; each run tries to finish the batch, says it failed...
    run = process_dataset(dsn, NA, root)
    assert run.stuck == [] and run.resumed == []
    (problem,) = run.problems()
    assert f"could not finish batch {batch['batch_id']}: RuntimeError" in problem
    # ...and after an hour says it is stuck.
    with psycopg.connect(dsn) as conn:
        conn.execute(
            "update ops.batches set loaded_at = now() - interval '2 hours' where batch_id = %s",
            (batch["batch_id"],),
        )
    run = process_dataset(dsn, NA, root)
    assert [b.batch_id for b in run.stuck] == [batch["batch_id"]]
    assert any(
        f"batch {batch['batch_id']} has been loaded (not validated) since" in p
        for p in run.problems()
    )
    # Once the validation works again, the next run finishes it and reports it.
    monkeypatch.undo()
    run = process_dataset(dsn, NA, root)
    assert [r.batch_id for r in run.resumed] == [batch["batch_id"]] and run.landed_rows
    assert run.problems() == [] and _batches(dsn)[0]["status"] == "passed"
    assert list((Path(root.path) / "reports" / NA / "national").glob("*.html"))


# 3 ------------------------------------------------------------------------------------


def test_the_same_bytes_for_another_scope_are_another_submission(dsn, root):
    data = _needs(needs_row(remarks="Same bytes."))
    _drop(root, "MK00405", "needs.csv", data)
    _drop(root, "national", "needs.csv", data)
    run = process_dataset(dsn, NA, root)
    assert run.problems() == []
    assert [f.result.created for f in run.files] == [True, True]
    batches = _batches(dsn)
    assert {b["municipality"] for b in batches} == {"MK00405", None}
    _balanced(batches)
    for scope, b in zip(("MK00405", "national"), [f.result for f in run.files], strict=True):
        reports = [p.name for p in (Path(root.path) / "reports" / NA / scope).iterdir()]
        assert reports and all(n.startswith(f"batch-{b.batch_id}-") for n in reports), reports


# 4 ------------------------------------------------------------------------------------


def test_files_are_taken_in_the_order_they_arrived(dsn, root):
    now = time.time()
    # By name the correction would come first and be superseded by the original.
    _drop(root, "MK00405", "a-correction.csv", _needs(remarks="Corrected."), mtime=now - 60)
    _drop(root, "MK00405", "z-original.csv", _needs(remarks="Original."), mtime=now - 3600)
    run = process_dataset(dsn, NA, root)
    assert [f.name for f in run.files] == ["z-original.csv", "a-correction.csv"]
    original, correction = _batches(dsn)
    assert original["file_name"] == "z-original.csv"
    assert original["superseded_by"] == correction["batch_id"]
    assert correction["superseded_by"] is None
    assert abs(original["received_at"].timestamp() - (now - 3600)) < 1


def test_a_file_that_arrived_before_a_landed_correction_is_superseded_at_once(dsn, tmp_path):
    at = datetime(2025, 4, 2, 9, 0, tzinfo=UTC)
    fixed, old = tmp_path / "fixed.csv", tmp_path / "old.csv"
    fixed.write_bytes(_needs(remarks="Corrected."))
    old.write_bytes(_needs(remarks="Original."))
    a = submit(dsn, fixed, NA, municipality="MK00405", received_at=at, report_dir=tmp_path)
    b = submit(dsn, old, NA, municipality="MK00405", received_at=at - timedelta(days=1),
               report_dir=tmp_path)  # fmt: skip
    assert a.superseded == [] and b.superseded == []
    first, second = _batches(dsn)
    assert (first["superseded_by"], second["superseded_by"]) == (None, a.batch_id)


# 5 ------------------------------------------------------------------------------------


def test_concurrent_submissions_for_one_scope_leave_one_active(dsn, tmp_path, monkeypatch):
    real = pipeline.validate_batch

    def slow_for_the_first(*args, **kwargs):
        if threading.current_thread().name == "first":
            time.sleep(3)  # the DAG's validation, while `mwh submit` sends a correction
        return real(*args, **kwargs)

    monkeypatch.setattr(pipeline, "validate_batch", slow_for_the_first)
    start = datetime.now(UTC)
    files = {}
    for name in ("first", "second"):
        files[name] = tmp_path / f"{name}.csv"
        files[name].write_bytes(_needs(remarks=f"Sent {name}."))
    errors = []

    def send(name, n):
        try:
            submit(dsn, files[name], NA, municipality="MK00405",
                   received_at=start + timedelta(seconds=n), report_dir=tmp_path)  # fmt: skip
        except Exception as exc:  # noqa: BLE001
            errors.append(exc)

    first = threading.Thread(target=send, args=("first", 0), name="first")
    second = threading.Thread(target=send, args=("second", 1), name="second")
    first.start()
    time.sleep(1)
    second.start()
    first.join(60)
    second.join(60)
    assert errors == []
    batches = _batches(dsn)
    active = [b["file_name"] for b in batches if b["superseded_by"] is None]
    assert active == ["second.csv"], batches


# 6 ------------------------------------------------------------------------------------


def test_the_period_comes_from_accepted_rows_only(dsn, tmp_path):
    april = tmp_path / "april.csv"
    april.write_bytes(_needs(needs_row(start="2025-04-01", end="2025-04-30")))
    earlier = submit(dsn, april, NA, municipality="MK00405", report_dir=tmp_path)
    march = tmp_path / "march.csv"
    march.write_bytes(
        _needs(
            needs_row(),
            needs_row(start="2000-03-01", sector="food"),  # a mistyped year
            needs_row(start="2099-03-01", end="2099-03-31", sector="health"),
        )
    )
    later = submit(dsn, march, NA, municipality="MK00405", report_dir=tmp_path)
    assert (later.status, later.rows_quarantined) == ("partial", 2)
    assert later.superseded == []
    batches = {b["batch_id"]: b for b in _batches(dsn)}
    assert batches[earlier.batch_id]["superseded_by"] is None
    got = batches[later.batch_id]
    assert (got["period_start"], got["period_end"]) == ("2025-03-01", "2025-03-31")
    _balanced(list(batches.values()))


# 7 ------------------------------------------------------------------------------------


def test_a_poison_file_is_rejected_after_its_attempts_and_blocks_nothing(dsn, root, monkeypatch):
    real = landing.submit

    def submit_or_crash(dsn_, path, *args, **kwargs):
        if path.name == "poison.csv":
            raise KeyError("an unexpected bug")
        return real(dsn_, path, *args, **kwargs)

    monkeypatch.setattr(landing, "submit", submit_or_crash)
    now = time.time()
    _drop(root, "MK00405", "poison.csv", _needs(remarks="Poison."), mtime=now - 100)
    long_name = "n" * 246 + ".csv"  # 250 bytes: with a batch prefix, over NAME_MAX
    _drop(root, "MK00405", long_name, _needs(remarks="Long."), mtime=now - 50)

    first = process_dataset(dsn, NA, root)
    assert [f.name for f in first.files] == ["poison.csv", long_name]
    (problem,) = first.problems()
    assert "poison.csv: attempt 1 of 3 failed: KeyError" in problem
    moved = _local(first.files[1].moved_to)
    assert moved.exists() and len(moved.name.encode()) <= 255 and moved.name.endswith(".csv")
    second = process_dataset(dsn, NA, root)
    assert "attempt 2 of 3" in second.problems()[0]
    third = process_dataset(dsn, NA, root)
    assert "moved to rejected/ after 3 failed attempts" in third.problems()[0]
    rejected = _local(third.files[0].moved_to)
    assert rejected.parent == Path(root.path) / "rejected" / NA / "MK00405"
    reason = rejected.with_name(rejected.name + ".reason.txt").read_text()
    assert "3 attempts" in reason and "an unexpected bug" in reason
    assert process_dataset(dsn, NA, root).files == []
    with psycopg.connect(dsn) as conn:
        assert conn.execute("select count(*) from ops.landing_attempts").fetchone() == (0,)


def test_fit_name_keeps_the_suffix_within_the_limit():
    name = "é" * 200 + ".xlsx"
    fitted = fit_name("123-duplicate-", name)
    assert len(fitted.encode()) <= 255 and fitted.startswith("123-duplicate-")
    assert fitted.endswith(".xlsx")
    assert fit_name("1-", "short.csv") == "1-short.csv"


# 8 ------------------------------------------------------------------------------------


def test_rejected_files_of_the_same_name_never_overwrite_each_other(dsn, root):
    for n in range(3):
        _drop(root, "MK99999", "needs.csv", _needs(remarks=f"Try {n}."))
        process_dataset(dsn, NA, root)
        _drop(root, "national", "empty.csv", b"")
        process_dataset(dsn, NA, root)
    for scope, name in (("MK99999", "needs.csv"), ("national", "empty.csv")):
        folder = Path(root.path) / "rejected" / NA / scope
        files = [p for p in folder.iterdir() if p.name.endswith(name)]
        assert len(files) == 3, sorted(p.name for p in folder.iterdir())
    reasons = list((Path(root.path) / "rejected" / NA / "MK99999").glob("*.reason.txt"))
    assert len(reasons) == 3


def test_the_report_is_published_before_the_file_moves(dsn, root):
    _drop(root, "MK00405", "needs.csv", _needs())
    blocked = Path(root.path) / "processed" / NA / "MK00405"
    blocked.parent.mkdir(parents=True)
    blocked.write_text("not a folder")  # the move will fail
    run = process_dataset(dsn, NA, root)
    (item,) = run.files
    assert item.error and item.moved_to is None
    assert (Path(root.path) / "incoming" / NA / "MK00405" / "needs.csv").exists()
    assert list((Path(root.path) / "reports" / NA / "MK00405").glob("*.html"))


def test_a_killed_dry_run_leaves_nothing(dsn, tmp_path):
    path = tmp_path / "dry.csv"
    path.write_bytes(_needs(needs_row(), needs_row(in_need="-1", sector="food")))
    script = textwrap.dedent(
        f"""
        import os
        from ingest.submissions import pipeline

        def killed(*args, **kwargs):
            os._exit(9)  # as kill -9 during the validation

        pipeline.validate_batch = killed
        pipeline.submit({dsn!r}, {str(path)!r}, {NA!r}, dry_run=True)
        """
    )
    proc = subprocess.run([sys.executable, "-c", script], cwd=PROJECT_ROOT, timeout=120)
    assert proc.returncode == 9
    with psycopg.connect(dsn) as conn:
        left = conn.execute(
            """select (select count(*) from ops.batches where source = 'submissions_dryrun'),
                      (select count(*) from quality.quarantine
                       where source = 'submissions_dryrun'),
                      to_regclass('raw.submissions_dryrun__needs_assessment')::text"""
        ).fetchone()
    assert left == (0, 0, None)


def test_a_file_name_with_control_characters_is_refused(dsn, root, caplog):
    name = "needs\n2025-12-05 INFO forged line.csv"
    _drop(root, "MK00405", name, _needs())
    run = process_dataset(dsn, NA, root)
    (item,) = run.files
    assert item.result is None and item.error is None
    moved = _local(item.moved_to)
    assert "\n" not in moved.name and moved.parent.name == "MK00405"
    assert "rejected" in moved.parts
    assert not any("\nforged" in r.getMessage() or "\n2025" in r.getMessage()
                   for r in caplog.records)  # fmt: skip
    assert _batches(dsn) == []

    # Bytes that are no text in the file system's encoding: refused the same way.
    folder = os.fsencode((root / "incoming" / NA / "MK00405").path)
    with open(os.path.join(folder, b"needs\xff.csv"), "wb") as f:
        f.write(_needs())
    (item,) = process_dataset(dsn, NA, root).files
    assert item.error is None and _local(item.moved_to).name.endswith("needs\\udcff.csv")
    assert _batches(dsn) == []


def test_state_and_reports_are_private(dsn, tmp_path):
    path = tmp_path / "needs.csv"
    path.write_bytes(_needs())
    home = tmp_path / "home"
    proc = subprocess.run(
        [sys.executable, "-m", "ingest.cli", "submit", str(path), "--dataset", NA],
        env={**os.environ, "WAREHOUSE_DSN": dsn, "MWH_HOME": str(home)},
        cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    reports = list(home.rglob("*.html"))
    assert reports
    for p in [*home.rglob("*")]:
        assert stat.S_IMODE(p.stat().st_mode) & 0o077 == 0, f"{p}: {oct(p.stat().st_mode)}"
    # Written by a process with the usual umask too (an Airflow worker): still private.
    result = submit(dsn, path, NA, municipality="MK00405", report_dir=tmp_path / "r")
    for p in (result.report_html, result.report_csv, result.report_html.parent):
        assert stat.S_IMODE(p.stat().st_mode) & 0o077 == 0, f"{p}: {oct(p.stat().st_mode)}"


def test_the_test_suite_keeps_its_state_out_of_the_project():
    assert not state_dir().resolve().is_relative_to(PROJECT_ROOT)
    assert default_report_dir().is_relative_to(state_dir())
