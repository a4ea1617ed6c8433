"""Inference engines: callables ``float32 [B, 1, T, T] (0..255, 0 = nodata) -> probability``.

The sliding window only needs that callable, so PyTorch, ONNX Runtime and analytic test
models are interchangeable. On CUDA the PyTorch engine runs under bf16 autocast with pinned
host memory; ONNX Runtime uses its CUDA provider when present, else the CPU one.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from ..errors import InputError

ONNX_CARD_KEY = "slick_model_card"
ONNX_INPUT = "image"
ONNX_OUTPUT = "probability"




class TorchEngine:
    def __init__(self, module, device: str = "cpu", bf16: bool | None = None):
        import torch

        self.torch = torch
        self.device = torch.device(device)
        self.module = module.to(self.device).eval()
        self.bf16 = (self.device.type == "cuda") if bf16 is None else bf16
        self.name = f"torch ({self.device}{', bf16' if self.bf16 else ''})"

    def __call__(self, batch: np.ndarray) -> np.ndarray:
        torch = self.torch
        x = torch.from_numpy(np.ascontiguousarray(batch, dtype=np.float32))
        if self.device.type == "cuda":
            x = x.pin_memory().to(self.device, non_blocking=True)
        with torch.inference_mode(), torch.autocast(self.device.type, dtype=torch.bfloat16, enabled=self.bf16):
            y = self.module(x)
        return y.float().cpu().numpy()


class OnnxEngine:
    def __init__(self, path: str | Path, device: str = "auto", threads: int | None = None):
        import onnxruntime as ort

        self.path = Path(path)
        available = ort.get_available_providers()
        want_cuda = device in ("auto",) or device.startswith("cuda")
        providers: list = []
        if want_cuda and "CUDAExecutionProvider" in available:
            device_id = int(device.split(":")[1]) if device.startswith("cuda:") else 0
            providers.append(("CUDAExecutionProvider", {"device_id": device_id}))
        providers.append("CPUExecutionProvider")
        opts = ort.SessionOptions()
        if threads:
            opts.intra_op_num_threads = threads
        try:
            self.session = ort.InferenceSession(str(self.path), sess_options=opts, providers=providers)
        except Exception as exc:
            raise InputError(f"{self.path}: ONNX Runtime cannot load it ({str(exc).splitlines()[0][:150]}); "
                             "export it again with `slick-backend export-onnx`") from None
        self.input = self.session.get_inputs()[0].name
        self.name = f"onnxruntime ({self.session.get_providers()[0]})"

    def __call__(self, batch: np.ndarray) -> np.ndarray:
        return self.session.run(None, {self.input: np.ascontiguousarray(batch, dtype=np.float32)})[0]


def onnx_card(path: str | Path) -> dict:
    """The model card stored in an exported ONNX file's metadata."""
    import onnx

    path = Path(path)
    if not path.is_file():
        raise InputError(f"{path}: ONNX file not found; create it with `slick-backend export-onnx`")
    try:
        model = onnx.load(str(path), load_external_data=False)
    except Exception as exc:
        raise InputError(f"{path}: not a readable ONNX file ({str(exc).splitlines()[0][:150]})") from None
    props = {p.key: p.value for p in model.metadata_props}
    if ONNX_CARD_KEY not in props:
        raise InputError(f"{path}: no Slick model card in its metadata; export it with `slick-backend export-onnx`")
    return json.loads(props[ONNX_CARD_KEY])
