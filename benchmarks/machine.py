"""The machine a benchmark ran on, printed beside its figures (they mean little without it).

    from machine import machine, machine_info   # benchmarks run as scripts from this folder
    print("machine:", machine(numpy=np.__version__))
"""

from __future__ import annotations

import contextlib
import os
import platform


def machine_info(**extra) -> dict:
    """Platform, CPU model and count, load, RAM, Python, torch and its GPU; ``extra`` adds
    versions a benchmark depends on (GDAL, numpy, onnxruntime...)."""
    import psutil

    cpu = platform.processor() or platform.machine()
    with contextlib.suppress(OSError, StopIteration):
        cpu = next(ln.split(":", 1)[1].strip() for ln in open("/proc/cpuinfo") if ln.startswith("model name"))
    info = {
        "platform": platform.platform(), "cpu": cpu, "cpus": os.cpu_count(),
        "cpus_usable": len(os.sched_getaffinity(0)), "load_avg_1min": round(os.getloadavg()[0], 2),
        "ram_gib": round(psutil.virtual_memory().total / 2**30), "python": platform.python_version(),
    }
    try:
        import torch
    except ImportError:  # the simulator and prepare need no torch
        info["torch"] = "not installed"
    else:
        info.update(torch=torch.__version__, torch_threads=torch.get_num_threads(), cuda_device="none")
        if torch.cuda.is_available():
            props = torch.cuda.get_device_properties(0)
            info.update(cuda_device=props.name, cuda_memory_gib=round(props.total_memory / 2**30))
    return {**info, **extra}


def machine(**extra) -> str:
    """``machine_info`` on one line."""
    return " | ".join(f"{key} {value}" for key, value in machine_info(**extra).items())
