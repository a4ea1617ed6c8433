"""The local executor survives workers that die: the other runs finish, the killer is recorded failed."""

import pytest
from slick_backend.executors import MAX_DEATHS, LocalExecutor
from slick_backend.progress import NullProgress


def run_all(specs, workers):
    outcomes = {}

    def done(spec, record, error):
        assert spec["id"] not in outcomes, f"{spec['id']} reported twice"
        outcomes[spec["id"]] = (record, error)

    LocalExecutor("executor_tasks:run", workers=workers, threads=1).run(specs, done, NullProgress())
    return outcomes


@pytest.mark.parametrize("workers", [1, 2])
def test_a_run_that_kills_its_worker_fails_and_the_others_finish(workers):
    specs = [{"id": "a"}, {"id": "killer", "die": True}, {"id": "b"}, {"id": "c"}]
    outcomes = run_all(specs, workers)
    assert sorted(outcomes) == ["a", "b", "c", "killer"]
    for name in "abc":
        record, error = outcomes[name]
        assert error is None and record["id"] == name
    record, error = outcomes["killer"]
    assert record is None and f"died {MAX_DEATHS} times" in error


def test_runs_without_deaths_report_their_records():
    outcomes = run_all([{"id": "x"}, {"id": "y"}], workers=2)
    assert {k: v[1] for k, v in outcomes.items()} == {"x": None, "y": None}
    assert {v[0]["id"] for v in outcomes.values()} == {"x", "y"}


def test_workers_exit_normally_so_their_finalizers_run(tmp_path):
    marker = tmp_path / "marker"
    outcomes = run_all([{"id": "x", "marker": str(marker)}], workers=1)
    assert outcomes["x"][1] is None
    assert marker.read_text() == "exited"
