"""Reports and converted logs are complete or absent: an interrupted run (Ctrl-C, a
cancelled CI job) never leaves a half file that looks whole, nor its temporary."""

from __future__ import annotations

import os
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

from fairdebt.fast import available
from fairdebt.io.atomic import replacing

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
CLI = [sys.executable, "-c", "from fairdebt.cli import main; main()"]


def leftovers(directory: Path) -> list[str]:
    return sorted(p.name for p in directory.iterdir() if p.name.endswith(".part"))


def test_the_file_appears_only_when_complete(tmp_path: Path) -> None:
    target = tmp_path / "report.json"
    with replacing(str(target)) as fh:
        fh.write("{")
        assert not target.exists()
        assert len(leftovers(tmp_path)) == 1
        fh.write("}")
    assert target.read_text() == "{}"
    assert leftovers(tmp_path) == []


@pytest.mark.parametrize("interruption", [KeyboardInterrupt, OSError, SystemExit])
def test_an_interrupted_write_keeps_the_old_file_and_removes_the_temporary(
        tmp_path: Path, interruption: type[BaseException]) -> None:
    target = tmp_path / "report.sarif"
    target.write_text("old, whole report")
    with pytest.raises(interruption), replacing(str(target)) as fh:
        fh.write("new, half")
        raise interruption()
    assert target.read_text() == "old, whole report"
    assert leftovers(tmp_path) == []


def test_permissions_kept_for_an_old_file_and_from_the_umask_for_a_new_one(
        tmp_path: Path) -> None:
    old = tmp_path / "old.csv"
    old.write_text("x")
    old.chmod(0o640)
    with replacing(str(old)) as fh:
        fh.write("y")
    assert stat.S_IMODE(old.stat().st_mode) == 0o640
    mask = os.umask(0o027)
    try:
        with replacing(str(tmp_path / "new.csv")) as fh:
            fh.write("z")
    finally:
        os.umask(mask)
    assert stat.S_IMODE((tmp_path / "new.csv").stat().st_mode) == 0o640  # not mkstemp's 0600


def test_a_symlink_stays_a_link_and_its_target_is_replaced(tmp_path: Path) -> None:
    real = tmp_path / "real.json"
    real.write_text("old")
    link = tmp_path / "link.json"
    link.symlink_to(real)
    with replacing(str(link)) as fh:
        fh.write("new")
    assert link.is_symlink()
    assert real.read_text() == "new"


def test_a_device_is_written_through_not_replaced() -> None:
    with replacing(os.devnull) as fh:
        fh.write("discarded")
    assert stat.S_ISCHR(os.stat(os.devnull).st_mode)


def _started(directory: Path, seconds: float = 20.0) -> None:
    deadline = time.monotonic() + seconds
    while not leftovers(directory):
        assert time.monotonic() < deadline, "the run never started writing"
        time.sleep(0.02)


@pytest.mark.parametrize(("signum", "code"), [(signal.SIGINT, 130), (signal.SIGTERM, 143)])
def test_convert_interrupted_mid_write_leaves_nothing(tmp_path: Path, signum: int,
                                                     code: int) -> None:
    out = tmp_path / "canonical.csv"
    # stdin stays open, so convert is stuck mid-file with its output half written
    proc = subprocess.Popen([*CLI, "convert", "--from", "asterisk-cdr", "-o", str(out), "-"],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, cwd=tmp_path)
    assert proc.stdin is not None
    proc.stdin.write((FIXTURES / "imports" / "asterisk-18col.csv").read_bytes())
    proc.stdin.flush()
    try:
        _started(tmp_path)
        proc.send_signal(signum)
        _, err = proc.communicate(timeout=30)
    finally:
        proc.kill()
    assert proc.returncode == code, err
    assert b"reports not finished were not written" in err
    assert b"Traceback" not in err
    assert not out.exists()
    assert leftovers(tmp_path) == []


def test_check_interrupted_keeps_the_previous_report_and_removes_its_spool(
        tmp_path: Path) -> None:
    report = tmp_path / "report.json"
    report.write_text("previous run")
    spools = tmp_path / "tmp"
    spools.mkdir()
    proc = subprocess.Popen([*CLI, "check", "--format", f"json:{report}", "-"],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, cwd=tmp_path,
                            env={**os.environ, "FAIRDEBT_NO_CONFIG": "1", "TMPDIR": str(spools)})
    assert proc.stdin is not None
    proc.stdin.write((FIXTURES / "sample-calls.csv").read_bytes())
    proc.stdin.flush()
    try:
        deadline = time.monotonic() + 20
        # stdin is being spooled; it never ends (tempfile's first use also writes and
        # removes a probe file there: only the spool counts)
        while not (spooled := list(spools.glob("fairdebt-stdin-*"))):
            assert time.monotonic() < deadline, "the run never started reading"
            time.sleep(0.02)
        (spool,) = spooled
        assert stat.S_IMODE(spool.stat().st_mode) == 0o600
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=30)
    finally:
        proc.kill()
    assert proc.returncode == 130, err
    assert b"Traceback" not in err
    assert report.read_text() == "previous run"
    assert leftovers(tmp_path) == []
    assert list(spools.iterdir()) == []


@pytest.mark.skipif(not Path("/proc/self/task").exists(), reason="reads children from /proc")
@pytest.mark.parametrize(("engine", "rows", "wait"), [
    ("stream", 100_000, 0.5),
    pytest.param("fast", 400_000, 0.1, marks=pytest.mark.skipif(
        available() is not None, reason="the fast path needs fairdebt[fast]"))])
def test_ctrl_c_with_jobs_stops_the_workers_quietly(tmp_path: Path, engine: str, rows: int,
                                                    wait: float) -> None:
    """The streaming engine's workers and the fast path's (which take a 100,000-row log
    in well under a second: a larger log, and the signal soon after they start)."""
    log = tmp_path / "log.csv"
    subprocess.run([sys.executable, str(Path(__file__).parents[1] / "benchmarks" / "generate.py"),
                    "--rows", str(rows), "--out", str(log)], check=True, capture_output=True)
    # its own session, so the signal goes to the whole group as a terminal's Ctrl-C does
    proc = subprocess.Popen([*CLI, "check", "--jobs", "2", "--engine", engine,
                             "--format", "json:out.json", str(log)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=tmp_path,
                            env={**os.environ, "FAIRDEBT_NO_CONFIG": "1"},
                            start_new_session=True)
    children = Path(f"/proc/{proc.pid}/task/{proc.pid}/children")
    try:
        deadline = time.monotonic() + 30
        while proc.poll() is None and len(children.read_text().split()) < 2:
            assert time.monotonic() < deadline, "the workers never started"
            time.sleep(0.02)
        time.sleep(wait)  # the parent ignores Ctrl-C while it forks (so workers never see it)
        os.killpg(proc.pid, signal.SIGINT)
        _, err = proc.communicate(timeout=30)
    finally:
        proc.kill()
    assert proc.returncode == 130, err
    # one line from the parent; the workers neither print nor show a traceback
    assert err.decode().splitlines() == [
        "fairdebt: interrupted; reports not finished were not written"]
    assert not (tmp_path / "out.json").exists()
    assert leftovers(tmp_path) == []


def _open_in(directory: Path) -> list[os.stat_result]:
    """The files this process holds open under ``directory`` (through /proc/self/fd)."""
    found = []
    for fd in os.listdir("/proc/self/fd"):
        try:
            target = os.readlink(f"/proc/self/fd/{fd}")
            if target.startswith(str(directory)):
                found.append(os.stat(f"/proc/self/fd/{fd}"))
        except OSError:
            continue  # the descriptor listdir itself used
    return found


@pytest.mark.skipif(not Path("/proc/self/fd").exists(), reason="reads descriptors from /proc")
@pytest.mark.parametrize("ending", ["done", "abandoned", "failed"])
def test_sort_spill_files_are_private_nameless_and_closed_on_every_exit(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, ending: str) -> None:
    from fairdebt.io.normalize import to_event
    from fairdebt.order import sorted_events

    monkeypatch.setattr("tempfile.tempdir", str(tmp_path))
    events = [to_event({"timestamp": f"2026-04-01T{9 + i % 10:02d}:00:00Z",
                        "consumer_id": f"C{i}", "channel": "call"}, "<t>", i)
              for i in range(50)]

    def source():  # type: ignore[no-untyped-def]
        yield from events
        if ending == "failed":
            raise KeyboardInterrupt

    merged = sorted_events(source(), chunk=10)
    if ending == "failed":
        with pytest.raises(KeyboardInterrupt):
            next(merged)
    else:
        next(merged)  # every run is spilled before the first event comes out
        held = _open_in(tmp_path)
        assert len(held) == 5
        assert all(stat.S_IMODE(s.st_mode) == 0o600 for s in held)
        assert list(tmp_path.iterdir()) == []  # no name another user could open
        if ending == "done":
            assert len(list(merged)) == 49
        else:
            merged.close()
    assert _open_in(tmp_path) == []


def test_an_interrupt_right_after_the_file_is_created_removes_it(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A Ctrl-C that lands between creating the temporary file and knowing its name (it
    happened under load: SIGINT sent the moment the file appeared) leaves nothing."""
    real_open = os.open

    def created_then_interrupted(path: str, flags: int, mode: int = 0o777) -> int:
        os.close(real_open(path, flags, mode))
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "open", created_then_interrupted)
    with pytest.raises(KeyboardInterrupt), replacing(str(tmp_path / "report.json")) as fh:
        fh.write("never")
    monkeypatch.undo()
    assert leftovers(tmp_path) == []
    assert not (tmp_path / "report.json").exists()
