"""What compute device the backend has, probed once in a child process.

The server process itself never imports torch (start-up stays fast and a broken CUDA
driver cannot take it down); ``python -m slick_backend.server.device`` prints the facts
as JSON. Free GPU memory is refreshed cheaply with nvidia-smi when it exists.
"""

from __future__ import annotations

import json
import os
import platform
import shutil
import subprocess
import sys
import threading


def _cpu_name() -> str:
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def probe_here() -> dict:
    import torch

    info = {"torch": torch.__version__, "cuda": torch.version.cuda, "cuda_available": torch.cuda.is_available()}
    if info["cuda_available"]:
        free, total = torch.cuda.mem_get_info(0)
        info["device"] = {
            "type": "cuda",
            "name": torch.cuda.get_device_name(0),
            "count": torch.cuda.device_count(),
            "free_memory_mb": free // 2**20,
            "total_memory_mb": total // 2**20,
            "threads": torch.get_num_threads(),
        }
    else:
        info["cuda_build"], info["cuda"] = info["cuda"], None  # no usable CUDA here
        info["device"] = {"type": "cpu", "name": _cpu_name(), "threads": torch.get_num_threads()}
    return info


class DeviceInfo:
    """Runs the probe in the background at start-up; ``get()`` waits for it."""

    def __init__(self) -> None:
        self._info: dict | None = None
        self._done = threading.Event()
        threading.Thread(target=self._probe, daemon=True, name="device-probe").start()

    def _probe(self) -> None:
        try:
            out = subprocess.run(
                [sys.executable, "-m", "slick_backend.server.device"], capture_output=True, text=True, timeout=120
            )
            self._info = json.loads(out.stdout.strip().splitlines()[-1])
        except Exception as exc:  # no torch, broken driver: report it, keep serving
            self._info = {
                "torch": None,
                "cuda": None,
                "cuda_available": False,
                "device": {"type": "cpu", "name": _cpu_name(), "threads": os.cpu_count()},
                "probe_error": f"{type(exc).__name__}: {exc}",
            }
        self._done.set()

    def get(self, timeout: float = 120.0) -> dict:
        if not self._done.wait(timeout):  # still probing: say so rather than keep a client waiting
            return {"torch": None, "cuda": None, "cuda_available": False, "probe": "running",
                    "device": {"type": "unknown", "name": "probing the device...", "threads": os.cpu_count()}}
        info = dict(self._info or {"cuda_available": False, "device": {"type": "cpu", "name": _cpu_name()}})
        if info.get("cuda_available") and shutil.which("nvidia-smi"):
            try:
                out = subprocess.run(
                    ["nvidia-smi", "--query-gpu=memory.free", "--format=csv,noheader,nounits", "-i", "0"],
                    capture_output=True, text=True, timeout=5,
                )
                info["device"] = {**info["device"], "free_memory_mb": int(out.stdout.split()[0])}
            except (OSError, ValueError, IndexError, subprocess.SubprocessError):
                pass
        return info

    @property
    def cuda_available(self) -> bool:
        return bool(self.get().get("cuda_available"))


if __name__ == "__main__":
    print(json.dumps(probe_here()))
