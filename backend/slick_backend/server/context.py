"""What the routes share: the server's configuration and the services built from it.

``create_app`` builds one ``ServerContext`` and keeps it on ``app.state.ctx``; a route asks
for it with the ``Ctx`` dependency instead of closing over it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated

from fastapi import Depends, Request

from ..data_roots import ENV as ROOTS_ENV
from ..data_roots import Roots
from .device import DeviceInfo
from .jobs import JobManager
from .sam.client import SamClient


@dataclass
class ServerConfig:
    state_dir: Path
    models_dir: Path
    sam_dir: Path
    token: str
    host: str = "127.0.0.1"
    data_roots: list[str] = field(default_factory=list)
    restricted: bool = False
    gpu_jobs: int = 1
    cpu_jobs: int = 2


class ApiError(Exception):
    """A request the server refuses with this HTTP status and message."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


@dataclass
class ServerContext:
    config: ServerConfig
    roots: Roots
    device: DeviceInfo
    manager: JobManager
    sam: SamClient

    @classmethod
    def start(cls, config: ServerConfig) -> ServerContext:
        """Probe the device, open the job records and prepare the (lazily started) SAM worker."""
        roots = Roots(config.data_roots, config.restricted)
        device = DeviceInfo()
        # a restricted server's job workers check the paths they open against the same roots
        worker_env = {ROOTS_ENV: json.dumps([str(r) for r in roots.roots])} if config.restricted else None
        manager = JobManager(config.state_dir, gpu_slots=config.gpu_jobs, cpu_slots=config.cpu_jobs,
                             worker_env=worker_env)
        return cls(config, roots, device, manager, SamClient(config.state_dir, config.sam_dir))

    def stop(self) -> None:
        self.manager.shutdown()  # cancel running jobs: their workers clean up their partial outputs
        self.sam.stop()


def _context(request: Request) -> ServerContext:
    return request.app.state.ctx


Ctx = Annotated[ServerContext, Depends(_context)]
