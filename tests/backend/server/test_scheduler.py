"""GPU jobs queue one at a time (the job manager in-process, real worker processes)."""

from __future__ import annotations

import time

from slick_backend.server.jobs import JobManager, describe_exit, remove_partials


def _wait(manager, job_id, states, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        job = manager.get(job_id)
        if job.state in states:
            return job
        time.sleep(0.05)
    raise AssertionError(f"{job_id} still {manager.get(job_id).state}")


def test_gpu_jobs_run_one_at_a_time_and_cpu_jobs_do_not_wait_for_them(arctic, tmp_path):
    scenes = []
    for s in ("135", "123", "70"):
        (tmp_path / f"a{s}.tif").symlink_to(arctic / f"sample_{s}" / "raw_mosaic.tif")
        scenes.append(str(tmp_path / f"a{s}.tif"))
    long = {"scenes": scenes, "tile": 64, "overlap": 0.9}
    manager = JobManager(tmp_path / "state", gpu_slots=1, cpu_slots=1, grace=2.0)
    try:
        g1 = manager.submit("prepare", {**long, "out_dir": str(tmp_path / "g1")}, device="cuda")
        g2 = manager.submit("prepare", {**long, "out_dir": str(tmp_path / "g2")}, device="cuda")
        c1 = manager.submit("prepare", {**long, "out_dir": str(tmp_path / "c1")}, device="cpu")
        assert manager.get(g1.id).state == "running" and manager.get(g1.id).pid
        assert manager.get(g2.id).state == "queued"  # the GPU is busy
        assert manager.get(c1.id).state == "running"  # CPU slot is separate
        assert manager.counts() == {"queued": 1, "running": 2}
        manager.cancel(g1.id)
        assert _wait(manager, g1.id, {"cancelled"}).state == "cancelled"
        assert _wait(manager, g2.id, {"running"}).pid  # next GPU job starts once the first ends
    finally:
        manager.shutdown()
    for job in (g1, g2, c1):
        assert manager.get(job.id).state == "cancelled"
    assert not [p for p in tmp_path.iterdir() if p.name.startswith((".g", ".c", "g1", "g2", "c1"))]
    # records survive a restart of the manager
    again = JobManager(tmp_path / "state")
    assert {j.id for j in again.list()} == {g1.id, g2.id, c1.id}


def test_exit_descriptions_and_partial_cleanup(tmp_path):
    assert "SIGKILL" in describe_exit(-9) and "memory" in describe_exit(-9)
    assert "SIGSEGV" in describe_exit(-11)
    assert "code 3" in describe_exit(3)
    (tmp_path / ".ds.abc123.partial").mkdir()
    (tmp_path / ".ds.abc123.partial" / "x.tif").write_bytes(b"1")
    (tmp_path / ".pred_prob.tif.x.partial.tif").write_bytes(b"1")
    (tmp_path / "keep.tif").write_bytes(b"1")
    removed = remove_partials({"out_dir": str(tmp_path / "ds")})
    assert len(removed) == 1 and not (tmp_path / ".ds.abc123.partial").exists()
    remove_partials({"out_prefix": str(tmp_path / "pred")})
    assert sorted(p.name for p in tmp_path.iterdir()) == ["keep.tif"]
