"""Sliding windows: coverage, exact blending (no seams), strips, skipped empty windows, TTA."""

import numpy as np
import pytest
from predict_helpers import CountingEngine, pointwise
from slick_backend.predict.sliding import (
    hann_1d,
    predict_strips,
    stride_for,
    weight_sum_1d,
    window_offsets,
    with_tta,
)


def reader_of(image, valid):
    """read_strip over an in-memory grid, zero/invalid outside it (like the scene reader)."""
    h, w = image.shape

    def read(row_off, col_off, height, width):
        out = np.zeros((height, width), np.float32)
        ok = np.zeros((height, width), bool)
        r0, c0 = max(0, row_off), max(0, col_off)
        r1, c1 = min(h, row_off + height), min(w, col_off + width)
        if r1 > r0 and c1 > c0:
            out[r0 - row_off:r1 - row_off, c0 - col_off:c1 - col_off] = image[r0:r1, c0:c1]
            ok[r0 - row_off:r1 - row_off, c0 - col_off:c1 - col_off] = valid[r0:r1, c0:c1]
        out[~ok] = 0
        return out, ok

    return read


def run(image, valid, engine, tile=64, overlap=0.25, batch=5):
    strips = list(predict_strips(engine, reader_of(image, valid), *image.shape, tile, overlap, batch))
    rows = [s.row for s in strips]
    assert rows[0] == 0 and all(b.row == a.row + a.prob.shape[0] for a, b in zip(strips, strips[1:], strict=False))
    prob = np.concatenate([s.prob for s in strips])
    ok = np.concatenate([s.valid for s in strips])
    assert prob.shape == image.shape and max(s.prob.shape[0] for s in strips) <= tile
    return prob, ok


@pytest.mark.parametrize("n,tile,overlap", [(1, 64, 0.25), (63, 64, 0.25), (1000, 64, 0.25), (517, 256, 0.1), (300, 64, 0.0)])
def test_every_pixel_in_some_window_core(n, tile, overlap):
    stride = stride_for(tile, overlap)
    offs = window_offsets(n, tile, stride)
    margin = (tile - stride) // 2
    covered = np.zeros(n, bool)
    for o in offs:
        covered[max(0, o + margin):max(0, o + margin + stride)] = True
    assert covered.all()
    assert weight_sum_1d(n, offs, tile, hann_1d(tile, stride)).min() > 0.4


@pytest.mark.parametrize("tile,stride", [(64, 32), (64, 48), (256, 205), (64, 64)])
def test_blend_weights_of_neighbours_sum_to_one(tile, stride):
    w = hann_1d(tile, stride)
    total = np.zeros(tile + 3 * stride)
    for k in range(4):
        total[k * stride:k * stride + tile] += w
    assert np.allclose(total[tile - stride + stride:3 * stride], 1.0)  # wherever two windows cover
    assert w.min() > 0


@pytest.mark.parametrize("shape,overlap", [((200, 333), 0.25), ((64, 64), 0.25), ((97, 150), 0.1), ((130, 70), 0.0)])
def test_blending_is_exact_for_a_pointwise_model(shape, overlap):
    """A pointwise model gives f(x) at every pixel whatever the windows: no seams, no edge effects."""
    rng = np.random.default_rng(1)
    image = rng.integers(1, 256, shape).astype(np.float32)
    valid = np.ones(shape, bool)
    prob, ok = run(image, valid, CountingEngine(), overlap=overlap)
    assert ok.all()
    np.testing.assert_allclose(prob, pointwise(image), atol=1e-5)


def test_constant_input_gives_constant_output_across_windows():
    image = np.full((300, 260), 90.0, np.float32)
    prob, _ = run(image, np.ones(image.shape, bool), CountingEngine())
    assert np.ptp(prob) < 1e-6 and prob[0, 0] == pytest.approx(pointwise(np.float32(90.0)), abs=1e-6)


def test_windows_without_valid_pixels_are_skipped():
    image = np.full((256, 256), 120.0, np.float32)
    valid = np.zeros(image.shape, bool)
    valid[:64, :64] = True
    image[~valid] = 0
    engine = CountingEngine()
    prob, ok = run(image, valid, engine)
    assert (ok == valid).all()
    # only the windows touching the valid corner ran (3 x 3 around it), not the 9 x 9 lattice
    assert engine.windows <= 9
    np.testing.assert_allclose(prob[valid], pointwise(np.float32(120.0)), atol=1e-5)


def test_tta_undoes_each_transform():
    rng = np.random.default_rng(2)
    image = rng.integers(1, 256, (128, 100)).astype(np.float32)
    prob, _ = run(image, np.ones(image.shape, bool), with_tta(CountingEngine()))
    np.testing.assert_allclose(prob, pointwise(image), atol=1e-5)

    # a window-position dependent 'model': TTA averages its ramp over the 8 symmetries to 1/2
    def ramp(batch):
        t = batch.shape[-1]
        return np.broadcast_to(np.arange(t, dtype=np.float32) / (t - 1), batch.shape).copy()

    out = with_tta(ramp)(np.zeros((2, 1, 8, 8), np.float32))
    np.testing.assert_allclose(out, 0.5, atol=1e-6)
