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
    # the prompt model's graph embeds its prompt map itself; SAM's takes the dense embedding
    assert decoder.takes_prompt_map == (name == "slick-s1-prompt")
    low, iou = decoder(emb.numpy(), sparse.numpy(), (masks if decoder.takes_prompt_map else dense).numpy())
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


def _prompt(core, points: int, box: bool):
    """Sparse and dense embeddings (and the prompt map, for the prompt model) of a seeded prompt."""
    gen = torch.Generator().manual_seed(points)
    size = core.prompt_encoder.input_image_size[0]
    pts = (torch.rand(1, points, 2, generator=gen) * size, torch.tensor([[1, 0, 1, 1, 0][:points]])) if points else None
    boxes = torch.tensor([[0.1 * size, 0.2 * size, 0.5 * size, 0.9 * size]]) if box else None
    with torch.inference_mode():
        pmap = core.prompt_map(boxes, pts) if getattr(core, "dense_prompt", False) else None
        sparse, dense = core.prompt_encoder(points=pts, boxes=boxes, masks=pmap)
    return sparse, dense, pmap


@pytest.mark.parametrize("name", ["slick-s1-prompt", "tiny"])
@pytest.mark.parametrize(("points", "box"), [(0, True), (1, False), (3, True), (5, False)])
def test_the_rewritten_decoder_computes_what_sams_predict_masks_does(name, points, box):
    from slick_backend.server.sam import fast_decode

    core = load_sam(name).core
    assert fast_decode.applies(core)
    assert fast_decode.takes_prompt_map(core) == (name == "slick-s1-prompt")
    pe = core.prompt_encoder
    emb = torch.randn(1, pe.embed_dim, *pe.image_embedding_size, generator=torch.Generator().manual_seed(7))
    sparse, dense, pmap = _prompt(core, points, box)
    with torch.inference_mode():
        want, want_iou = core.mask_decoder.predict_masks(image_embeddings=emb, image_pe=pe.get_dense_pe(),
                                                         sparse_prompt_embeddings=sparse, dense_prompt_embeddings=dense)
        got, got_iou = fast_decode.build(core)(emb, sparse, pmap if pmap is not None else dense)
    assert got.shape == want.shape and got_iou.shape == want_iou.shape
    np.testing.assert_allclose(got.numpy(), want.numpy(), atol=1e-4)
    np.testing.assert_allclose(got_iou.numpy(), want_iou.numpy(), atol=1e-5)


def test_a_decoder_of_another_layout_is_exported_as_sam_wrote_it(tmp_path, monkeypatch):
    from slick_backend.server.sam import fast_decode
    from torch import nn

    sam = load_sam("tiny")
    up = sam.core.mask_decoder.output_upscaling
    up[1] = nn.BatchNorm2d(up[0].out_channels).eval()  # not SAM's LayerNorm2d: the rewrite does not apply
    assert not fast_decode.applies(sam.core)
    decoder = build_decoder(sam.core, sam.key, tmp_path)
    assert isinstance(decoder, OrtDecoder) and not decoder.takes_prompt_map
    sparse, dense, _ = _prompt(sam.core, 2, True)
    emb = torch.randn(1, sam.core.prompt_encoder.embed_dim, *sam.core.prompt_encoder.image_embedding_size)
    with torch.inference_mode():
        want, _ = sam.core.mask_decoder.predict_masks(emb, sam.core.prompt_encoder.get_dense_pe(), sparse, dense)
    np.testing.assert_allclose(decoder(emb.numpy(), sparse.numpy(), dense.numpy())[0], want.numpy(), atol=1e-3)


def test_an_export_that_disagrees_with_sam_is_not_used(tmp_path, monkeypatch, caplog):
    from slick_backend.server.sam import fast_decode

    build = fast_decode.build

    def off_by_a_little(core):
        module = build(core)
        forward = module.forward
        module.forward = lambda emb, sparse, dense: (forward(emb, sparse, dense)[0] + 0.01, forward(emb, sparse, dense)[1])
        return module

    monkeypatch.setattr(fast_decode, "build", off_by_a_little)
    sam = load_sam("slick-s1-prompt")
    assert build_decoder(sam.core, sam.key, tmp_path) is None
    assert "differs from PyTorch" in caplog.text and "decoding with PyTorch" in caplog.text
    assert not list((tmp_path / "decoders").glob("*.onnx")), "the disagreeing graph was kept"
