"""The SAM mask decoder on ONNX Runtime: same masks as PyTorch, cached per weights, and PyTorch
whenever it cannot be used."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from slick_backend.server.sam.decoder import OrtDecoder, build_decoder
from slick_backend.server.sam.engine import SamEngine
from slick_backend.server.sam.model import load_sam

SLICK_XY = (535505.3, 8708714.5)  # the largest labelled slick of sample_135 (EPSG:32632)


@pytest.mark.parametrize("name", ["slick-s1-prompt", "tiny"])
def test_onnx_decoder_matches_pytorch_and_is_reused(tmp_path, name):
    sam = load_sam(name)
    decoder = build_decoder(sam.core, sam.key, tmp_path)
    assert isinstance(decoder, OrtDecoder)
    files = list((tmp_path / "decoders").glob("*.onnx"))
    assert len(files) == 1 and sam.key.split("-")[0] in files[0].name
    gen = torch.Generator().manual_seed(3)
    pe = sam.core.prompt_encoder
    emb = torch.randn(1, pe.embed_dim, *pe.image_embedding_size, generator=gen)
    size = pe.input_image_size[0]
    points = (torch.tensor([[[0.3 * size, 0.4 * size], [0.7 * size, 0.2 * size], [0.5 * size, 0.5 * size]]]),
              torch.tensor([[1, 0, 1]]))  # three clicks: another token count than the exported box
    with torch.inference_mode():
        masks = sam.core.prompt_map(None, points) if getattr(sam.core, "dense_prompt", False) else None
        sparse, dense = pe(points=points, boxes=None, masks=masks)
        want, want_iou = sam.core.mask_decoder(image_embeddings=emb, image_pe=pe.get_dense_pe(), sparse_prompt_embeddings=sparse,
                                               dense_prompt_embeddings=dense, multimask_output=True)
    low, iou = decoder(emb.numpy(), sparse.numpy(), dense.numpy())
    assert low.shape[1] == 4 and iou.shape == (1, 4)  # single output first, then the three multimask ones
    np.testing.assert_allclose(low[:, 1:], want.numpy(), atol=1e-3)
    np.testing.assert_allclose(iou[:, 1:], want_iou.numpy(), atol=1e-4)
    mtime = files[0].stat().st_mtime_ns
    assert isinstance(build_decoder(sam.core, sam.key, tmp_path), OrtDecoder)
    assert files[0].stat().st_mtime_ns == mtime, "the exported decoder was written again"


def test_broken_decoder_file_falls_back_to_pytorch_and_is_replaced(tmp_path, caplog):
    sam = load_sam("tiny")
    build_decoder(sam.core, sam.key, tmp_path)
    path, = (tmp_path / "decoders").glob("*.onnx")
    path.write_bytes(b"not an onnx graph")
    assert build_decoder(sam.core, sam.key, tmp_path) is None
    assert "decoding with PyTorch" in caplog.text
    assert isinstance(build_decoder(sam.core, sam.key, tmp_path), OrtDecoder)  # the next load exports it again


def _outline(engine: SamEngine, raster: str) -> list[dict]:
    ok = lambda: None  # noqa: E731 - never cancelled
    emb = engine.embed({"model": "slick-s1-prompt", "raster": raster, "point": list(SLICK_XY), "crs": "EPSG:32632"}, ok)
    x, y = SLICK_XY
    answer = engine.prompt({"embedding_id": emb["embedding_id"], "box": [x - 1500, y - 1200, x + 1500, y + 1200],
                            "crs": "EPSG:32632", "multimask": False}, ok)
    return answer["features"]


def test_engine_outlines_are_the_same_with_either_decoder(tmp_path, arctic, monkeypatch):
    raster = str(arctic / "sample_135" / "raw_mosaic.tif")
    fast = SamEngine(tmp_path / "a", device="cpu")
    onnx = _outline(fast, raster)
    assert fast.models["slick-s1-prompt"].decoder is not None
    monkeypatch.setenv("SLICK_SAM_DECODER", "torch")
    slow = SamEngine(tmp_path / "b", device="cpu")
    eager = _outline(slow, raster)
    assert slow.models["slick-s1-prompt"].decoder is None
    assert onnx, "no outline for a box on the real slick"
    from shapely.geometry import shape

    a = shape(onnx[0]["geometry"])
    b = shape(eager[0]["geometry"])
    assert a.symmetric_difference(b).area <= 0.01 * a.area
