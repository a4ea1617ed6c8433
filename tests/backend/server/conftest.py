"""A real ``slick-backend serve`` process per test module, found through its discovery file."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

ROOT = Path(__file__).resolve().parents[3]
ARCTIC = ROOT.parent / "shared" / "data" / "arctic_ew"


@dataclass
class Server:
    proc: subprocess.Popen
    url: str
    token: str
    state_dir: Path
    info: dict
    client: httpx.Client

    def wait_job(self, job_id: str, until=("succeeded", "failed", "cancelled"), timeout: float = 120.0,
                 seen: list | None = None) -> dict:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            job = self.client.get(f"/jobs/{job_id}").json()
            if seen is not None:
                seen.append(job["progress"])
            if job["state"] in until:
                return job
            time.sleep(0.1)
        raise AssertionError(f"job {job_id} still {job['state']} after {timeout} s: {job}")


def start_server(tmp: Path, *extra: str, env_token: str | None = None) -> Server:
    state = tmp / "state"
    env = {k: v for k, v in os.environ.items() if k != "SLICK_TOKEN"}
    if env_token:
        env["SLICK_TOKEN"] = env_token
    (tmp / "models").mkdir(exist_ok=True)
    (tmp / "sam").mkdir(exist_ok=True)
    cmd = [sys.executable, "-m", "slick_backend", "serve", "--port", "0", "--state-dir", str(state),
           "--models-dir", str(tmp / "models"), "--sam-dir", str(tmp / "sam"), *extra]
    log = open(tmp / "server.log", "wb")  # noqa: SIM115
    proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, env=env, cwd=tmp)
    discovery = state / "server.json"
    deadline = time.monotonic() + 60
    info: dict = {}
    while info.get("pid") != proc.pid:  # a stale file of a killed server may still be there
        if proc.poll() is not None or time.monotonic() > deadline:
            proc.kill()
            raise AssertionError(f"server did not start: {(tmp / 'server.log').read_text()}")
        time.sleep(0.05)
        try:
            info = json.loads(discovery.read_text())
        except (OSError, ValueError):
            info = {}
    token = env_token or Path(info["token_file"]).read_text().strip()
    client = httpx.Client(base_url=info["url"], headers={"Authorization": f"Bearer {token}"}, timeout=120)
    return Server(proc, info["url"], token, state, info, client)


def stop_server(server: Server) -> None:
    server.client.close()
    if server.proc.poll() is None:
        server.proc.send_signal(signal.SIGINT)
        try:
            server.proc.wait(20)
        except subprocess.TimeoutExpired:
            server.proc.kill()
            server.proc.wait()


@pytest.fixture(scope="session")
def server(tmp_path_factory):
    """One server for the whole session (start-up and the device probe cost seconds)."""
    tmp = tmp_path_factory.mktemp("server")
    srv = start_server(tmp)
    yield srv
    stop_server(srv)


@pytest.fixture(scope="session")
def arctic() -> Path:
    if not (ARCTIC / "README.md").exists():
        pytest.fail(f"the real Arctic fixtures are missing: expected them in {ARCTIC}")
    return ARCTIC


def _factory():
    started: list[Server] = []

    def make(tmp: Path, *extra: str, env_token: str | None = None) -> Server:
        srv = start_server(tmp, *extra, env_token=env_token)
        started.append(srv)
        return srv

    make.stop = stop_server
    yield make
    for srv in started:
        stop_server(srv)


@pytest.fixture
def server_factory():
    """Start extra servers inside a test: ``srv = server_factory(tmp, *args)``; stopped at the end."""
    yield from _factory()


@pytest.fixture(scope="module")
def server_factory_module():
    yield from _factory()
