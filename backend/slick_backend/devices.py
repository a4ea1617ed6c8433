"""The torch device a job runs on: "auto" is CUDA when torch sees a GPU, else the CPU."""

from __future__ import annotations

from .errors import InputError

DEVICES = ("auto", "cpu", "cuda")  # and "cuda:N"


def is_device_name(device) -> bool:
    """Whether ``device`` is a name resolve_device takes: auto, cpu, cuda or cuda:N."""
    return isinstance(device, str) and (device in DEVICES or (device.startswith("cuda:") and device[5:].isdigit()))


def resolve_device(device: str) -> str:
    """"auto" | "cpu" | "cuda" | "cuda:N" -> the device name to use; torch is imported only when
    a GPU may be involved (the ONNX engine and CPU runs do not need it to decide)."""
    if device == "cpu":
        return device
    import torch

    if device == "auto":
        return "cuda" if torch.cuda.is_available() else "cpu"
    if device.startswith("cuda") and not torch.cuda.is_available():
        raise InputError(f"--device {device}: no CUDA device is available here; use --device cpu or auto")
    return device
