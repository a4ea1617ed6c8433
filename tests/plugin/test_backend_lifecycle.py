"""The backend process from the plugin's side: started on first use, device in the dock,
restarted after it dies mid-task with a clear message, stopped on unload."""

from __future__ import annotations

import os
import signal

from helpers import wait_for, wait_task
from qgis.core import Qgis

import slick_plugin


def _kill(pid) -> None:
    try:
        os.kill(pid, signal.SIGKILL)
    except (ProcessLookupError, TypeError):
        pass


def test_plugin_backend_lifecycle(qgis_iface, qgis_processing, isolated_settings, mosaics, label_file, tmp_path):
    """Load the plugin; the dock starts the backend and shows its device; the backend killed
    mid-task gives a clear message and comes back by itself; unload stops it."""
    from slick_plugin.tasks.params import PrepareRequest, PrepareTrainRequest

    plugin = slick_plugin.classFactory(qgis_iface)
    plugin.initGui()
    try:
        dock = plugin.show_dock()
        manager, ctx = plugin.manager, plugin.ctx
        assert manager.process is None  # nothing runs before first use
        dock.start_backend()  # what the first use of any panel does; returns at once
        assert manager.state == "starting" and "starting" in dock.state_label.text()
        wait_for(lambda: manager.state == "ready", 180, "the backend to start")
        assert manager.process.poll() is None
        wait_for(lambda: manager.health.get("device_probe", "done") == "done", 90, "the device probe")
        device = manager.health["device"]
        assert device["type"] in ("cpu", "cuda") and device["name"] in dock.device_label.text()
        assert "ready" in dock.state_label.text()

        died = []
        manager.died.connect(died.append)
        qgis_iface.messageBar().clear_messages()
        slow = PrepareTrainRequest.of(
            scenes=[str(mosaics["sample_135"])], labels=str(label_file), dataset=str(tmp_path / "ds"),
            out_dir=str(tmp_path / "never"), backbone="resnet50", epochs=50, allow_random_init=True,
        )
        task = ctx.run_job(slow)
        client = manager.client
        wait_for(lambda: task.job_id is not None and client.job(task.job_id)["state"] == "running", 60, "the job to run")
        worker_pid = client.job(task.job_id).get("pid")
        old_pid = manager.process.pid
        os.kill(old_pid, signal.SIGKILL)
        wait_task(task, 60)
        _kill(worker_pid)  # the orphaned job worker, if the server could not take it down
        assert task.error and "backend stopped" in task.error
        assert any("backend stopped" in m for m in qgis_iface.messageBar().get_messages(Qgis.Critical))
        wait_for(lambda: manager.state == "ready" and manager.process is not None, 120, "the watchdog restart")
        assert manager.process.pid != old_pid
        assert died and "exit code" in died[0]
        assert not (tmp_path / "never").exists()  # nothing half-written looks like a model
        quick = PrepareRequest(scenes=[str(mosaics["sample_135"])], labels=str(label_file), out_dir=str(tmp_path / "ok"),
                               pixel_size=100, tile=128)
        again = ctx.run_job(quick)
        wait_task(again, 120)
        assert again.error is None, again.error
        assert (tmp_path / "ok" / "manifest.json").exists()
        process = manager.process
    finally:
        plugin.unload()
    wait_for(lambda: process.poll() is not None, 20, "the server to stop")  # unload stopped it


def test_remote_mode_uses_url_and_token(backend, isolated_settings):
    import dataclasses

    import pytest

    from slick_plugin.backend.client import BackendError
    from slick_plugin.backend.manager import BackendManager

    wait_for(lambda: backend.refresh_health().get("device_probe", "done") == "done", 90, "the device probe")
    remote = dataclasses.replace(isolated_settings, mode="remote", url=backend.client.base_url, token=backend.client.token)
    manager = BackendManager(remote)
    manager.ensure()
    assert manager.state == "ready" and manager.process is None  # nothing started locally
    assert manager.device == backend.device
    wrong = BackendManager(dataclasses.replace(remote, token="wrong"))
    with pytest.raises(BackendError, match="refused the token"):
        wrong.ensure()


def test_cancel_button_stops_the_server_job(ctx, mosaics, label_file, tmp_path):
    from slick_plugin.tasks.params import PrepareTrainRequest
    from slick_plugin.ui.widgets import JobProgress

    request = PrepareTrainRequest.of(
        scenes=[str(mosaics["sample_135"])], labels=str(label_file), dataset=str(tmp_path / "ds"),
        out_dir=str(tmp_path / "cancelled_model"), backbone="resnet50", epochs=50, allow_random_init=True,
    )
    task = ctx.run_job(request)
    progress = JobProgress()
    progress.attach(task)
    client = ctx.manager.client
    wait_for(lambda: task.job_id is not None and client.job(task.job_id)["state"] == "running", 60, "the job to run")
    assert progress.cancel_button.isEnabled()
    progress.cancel_button.click()
    wait_task(task, 60)
    assert task.was_cancelled and not task.finished_ok
    assert client.job(task.job_id)["state"] == "cancelled"
    assert not (tmp_path / "cancelled_model").exists()
    assert not progress.cancel_button.isEnabled()
