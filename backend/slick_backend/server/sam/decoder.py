"""SAM's mask decoder on ONNX Runtime, for prompts on a CPU.

In PyTorch eager the decoder's many small ops cost more in dispatch than in arithmetic: 39 ms
per prompt for the shipped prompt model on one core, 12-14 ms for SAM's graph in ONNX Runtime,
about 12 ms for the token-layout rewrite of it that is exported when the decoder has SAM's
layout (fast_decode.py, which also embeds the prompt model's prompt map; benchmarks/bench_plugin.py
measures the whole round trip). The decoder is exported once per model weights into the SAM
cache dir (``decoders/<model key>-<versions>.onnx``, written atomically, our own file), checked
against SAM's own ``predict_masks`` on a random prompt, and used only when it agrees; any failure
falls back to PyTorch with one log line, so prompts always work.
``SLICK_SAM_DECODER=torch`` forces the PyTorch path.
"""

from __future__ import annotations

import hashlib
import logging
import os
from pathlib import Path

import numpy as np

from ...atomic import atomic_file
from . import fast_decode

log = logging.getLogger("slick.sam")
TOLERANCE = 1e-3  # largest |ORT - PyTorch| logit accepted
GRAPH_FORMAT = 2  # in the file name: a new way of exporting replaces graphs exported the old way


class _Decode:
    """A torch module (built lazily: torch is imported by the caller) running all four outputs
    of the decoder with the model's positional grid as a constant."""

    @staticmethod
    def build(core):
        import torch

        class Decode(torch.nn.Module):
            def __init__(self) -> None:
                super().__init__()
                self.decoder = core.mask_decoder
                self.register_buffer("pe", core.prompt_encoder.get_dense_pe().detach().clone())

            def forward(self, emb, sparse, dense):
                return self.decoder.predict_masks(image_embeddings=emb, image_pe=self.pe,
                                                  sparse_prompt_embeddings=sparse, dense_prompt_embeddings=dense)

        return Decode().eval()


def _example(core):
    """(embedding, sparse, dense, prompt map or None) for one box prompt, as the engine computes them."""
    import torch

    gen = torch.Generator().manual_seed(0)
    dim, (h, w) = core.prompt_encoder.embed_dim, core.prompt_encoder.image_embedding_size
    emb = torch.randn(1, dim, h, w, generator=gen)
    size = core.prompt_encoder.input_image_size[0]
    box = torch.tensor([[0.2 * size, 0.3 * size, 0.6 * size, 0.7 * size]])
    masks = core.prompt_map(box, None) if getattr(core, "dense_prompt", False) else None
    with torch.inference_mode():
        sparse, dense = core.prompt_encoder(points=None, boxes=box, masks=masks)
    return emb, sparse, dense, masks


class OrtDecoder:
    """``(embedding [1,C,h,w], sparse [1,N,C], dense)`` numpy -> (low-res logits [1,4,4h,4w],
    predicted IoU [1,4]); output 0 is the single-mask one, 1-3 the multimask ones. ``dense`` is the
    prompt encoder's dense embedding [1,C,h,w], or, when ``takes_prompt_map``, Slick's prompt
    model's prompt map [1,1,4h,4w], which the graph embeds itself (fast_decode.py)."""

    def __init__(self, path: Path) -> None:
        import onnxruntime as ort

        opts = ort.SessionOptions()
        # Two threads: 11 ms instead of 16 for the prompt model on this project's 2-core machine,
        # busy or not; no spin-waiting between ops, which would take the CPU from QGIS's drawing.
        opts.intra_op_num_threads = min(2, os.cpu_count() or 1)
        opts.inter_op_num_threads = 1
        opts.add_session_config_entry("session.intra_op.allow_spinning", "0")
        opts.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        self.session = ort.InferenceSession(str(path), opts, providers=["CPUExecutionProvider"])
        self.path = path
        self.dense_name = self.session.get_inputs()[2].name
        self.takes_prompt_map = self.dense_name == "prompt_map"

    def __call__(self, emb: np.ndarray, sparse: np.ndarray, dense: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        low, iou = self.session.run(None, {"embedding": emb, "sparse": sparse, self.dense_name: dense})
        return low, iou


def _export(core, path: Path) -> None:
    import warnings

    import torch

    emb, sparse, dense, prompt_map = _example(core)
    if fast_decode.applies(core):
        module, from_map = fast_decode.build(core), fast_decode.takes_prompt_map(core)
    else:
        module, from_map = _Decode.build(core), False
    with atomic_file(path) as tmp, warnings.catch_warnings():
        warnings.simplefilter("ignore")  # tracer chatter
        torch.onnx.export(module, (emb, sparse, prompt_map if from_map else dense), str(tmp), dynamo=False,
                          opset_version=17, output_names=["low", "iou"],
                          input_names=["embedding", "sparse", "prompt_map" if from_map else "dense"],
                          dynamic_axes={"sparse": {1: "tokens"}})


def build_decoder(core, model_key: str, cache_dir: Path) -> OrtDecoder | None:
    """The ONNX Runtime decoder of ``core``, or None (PyTorch decodes) when it is turned off,
    ONNX Runtime is missing, or the export fails or disagrees with PyTorch."""
    if os.environ.get("SLICK_SAM_DECODER", "onnx") == "torch":
        return None
    path = None
    try:
        import onnxruntime
        import torch

        versions = f"{torch.__version__}/{onnxruntime.__version__}/{GRAPH_FORMAT}"
        versions = hashlib.sha256(versions.encode()).hexdigest()[:8]
        safe_key = "".join(c if c.isalnum() or c in "-_." else "_" for c in model_key)[:80]
        path = Path(cache_dir) / "decoders" / f"{safe_key}-{versions}.onnx"
        if not path.is_file():
            path.parent.mkdir(parents=True, exist_ok=True)
            _export(core, path)
        decoder = OrtDecoder(path)
        emb, sparse, dense, prompt_map = _example(core)
        with torch.inference_mode():  # SAM's own predict_masks, whatever graph was exported
            want, want_iou = _Decode.build(core)(emb, sparse, dense)
        got, got_iou = decoder(emb.numpy(), sparse.numpy(), (prompt_map if decoder.takes_prompt_map else dense).numpy())
        diff = max(float(np.abs(got - want.numpy()).max()), float(np.abs(got_iou - want_iou.numpy()).max()))
        if not diff <= TOLERANCE:
            raise ValueError(f"it differs from PyTorch by {diff:.2g}")
        return decoder
    except Exception as exc:  # an optimisation only: never stop prompts for it
        log.warning("no ONNX decoder for %s (%s: %s): decoding with PyTorch", model_key, type(exc).__name__, exc)
        if path is not None:
            path.unlink(missing_ok=True)  # exported again next time
        return None
