"""A server started with --parent-pid (as the QGIS plugin does) exits when that process dies."""

import subprocess
import time


def test_server_exits_when_its_parent_dies(tmp_path, server_factory):
    parent = subprocess.Popen(["sleep", "120"])
    try:
        server = server_factory(tmp_path, "--parent-pid", str(parent.pid))
        assert server.client.get("/health").status_code == 200
        parent.kill()
        parent.wait()
        server.proc.wait(timeout=30)
        assert not (server.state_dir / "server.json").exists(), "a clean shutdown removes the discovery file"
    finally:
        if parent.poll() is None:
            parent.kill()


def test_server_keeps_running_while_its_parent_lives(tmp_path, server_factory):
    parent = subprocess.Popen(["sleep", "120"])
    try:
        server = server_factory(tmp_path, "--parent-pid", str(parent.pid))
        time.sleep(5)
        assert server.proc.poll() is None
        assert server.client.get("/health").status_code == 200
    finally:
        parent.kill()
        parent.wait()
