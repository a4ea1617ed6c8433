"""`export-onnx`: a model dir -> one self-describing ONNX file (dynamic batch, card in metadata).

The exported graph is the model dir's whole module (normalisation and sigmoid inside), so it
keeps the same contract: float [B, 1, T, T] stretched 0..255 (0 = nodata) -> probability.
The spatial size is fixed to the model's tile; the batch is dynamic.
"""

from __future__ import annotations

import json
import logging
from dataclasses import asdict, dataclass
from pathlib import Path

from ..atomic import atomic_file
from ..errors import InputError
from ..progress import Progress
from .engines import ONNX_CARD_KEY, ONNX_INPUT, ONNX_OUTPUT

log = logging.getLogger(__name__)
OPSET = 17


@dataclass
class ExportParams:
    model: str  # a model dir or a shipped model name
    out_file: str
    opset: int = OPSET
    check: bool = True  # compare ONNX Runtime with PyTorch on a random batch after export

    def validate(self) -> None:
        if not self.model:
            raise InputError("--model is required: give a model dir written by `slick-backend train`")
        if not self.out_file or not str(self.out_file).endswith(".onnx"):
            raise InputError(f"--out {self.out_file!r}: give a file name ending in .onnx")
        if not 13 <= int(self.opset) <= 21:
            raise InputError(f"--opset {self.opset}: use an ONNX opset between 13 and 21")
        from ..atomic import check_writable

        if Path(self.out_file).is_dir():
            raise InputError(f"--out {self.out_file}: is a folder; give a file name ending in .onnx")
        check_writable(Path(self.out_file))
        from ..models.catalog import resolve_model

        resolve_model(self.model)  # a shipped model that is not installed: one line


def export_module(module, card: dict, out: Path, opset: int = OPSET) -> Path:
    """Write ``module`` to ``out`` (atomically) with the card in metadata_props."""
    import warnings

    import onnx
    import torch

    tile = int(card["tile"])
    dummy = torch.rand(2, 1, tile, tile) * 255
    module = module.to("cpu").eval()
    with atomic_file(out) as tmp:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # exporter chatter about tracing
            torch.onnx.export(
                module, (dummy,), str(tmp), dynamo=False, opset_version=opset,
                input_names=[ONNX_INPUT], output_names=[ONNX_OUTPUT],
                dynamic_axes={ONNX_INPUT: {0: "batch"}, ONNX_OUTPUT: {0: "batch"}},
            )
        model = onnx.load(str(tmp))
        meta = {ONNX_CARD_KEY: json.dumps(card), "slick_tile": str(tile),
                "slick_pixel_size": str(card.get("pixel_size")), "slick_contract":
                "float32 [B,1,T,T] stretched 0..255 (0 = nodata) -> slick probability [B,1,T,T]"}
        del model.metadata_props[:]
        for k, v in meta.items():
            entry = model.metadata_props.add()
            entry.key, entry.value = k, v
        model.producer_name = "slick-backend"
        model.doc_string = f"Slick oil-slick model {card.get('name')}: {card.get('arch')} {card.get('backbone')}"
        onnx.checker.check_model(model)
        onnx.save(model, str(tmp))
    return out


def max_abs_diff(module, onnx_path: Path, tile: int, batch: int = 3, seed: int = 0) -> float:
    """Largest |PyTorch - ONNX Runtime| probability difference on a random batch with nodata."""
    import numpy as np
    import torch

    from .engines import OnnxEngine

    rng = np.random.default_rng(seed)
    x = (rng.random((batch, 1, tile, tile)) * 254 + 1).astype(np.float32)
    x[:, :, : tile // 8] = 0  # some nodata rows, as at scene edges
    with torch.inference_mode():
        ref = module(torch.from_numpy(x)).numpy()
    got = OnnxEngine(onnx_path, device="cpu")(x)
    return float(np.abs(ref - got).max())


def run_export_onnx(params: ExportParams, progress: Progress) -> dict:
    from ..models.modeldir import load_model_dir

    params.validate()
    progress.update(0.05, "loading the model")
    from ..models.catalog import resolve_model

    loaded = load_model_dir(resolve_model(params.model), device="cpu")
    progress.check()
    progress.update(0.2, "exporting to ONNX")
    out = export_module(loaded.module, loaded.card, Path(params.out_file), int(params.opset))
    result = {"onnx": str(out), "tile": int(loaded.card["tile"]), "opset": int(params.opset),
              "size_mb": round(out.stat().st_size / 1e6, 2), "params": asdict(params)}
    if params.check:
        progress.update(0.8, "checking ONNX Runtime against PyTorch")
        diff = max_abs_diff(loaded.module, out, int(loaded.card["tile"]))
        result["max_abs_diff"] = diff
        if diff > 1e-3:
            log.warning("ONNX and PyTorch probabilities differ by up to %.2g (more than 1e-3)", diff)
    progress.update(1.0, "exported")
    return result
