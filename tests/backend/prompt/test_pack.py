"""The prompt model's packed windows (prompt/pack.py): exact, keyed, and never trusted blindly."""

from __future__ import annotations

import io
import lzma

import numpy as np
from slick_backend.prompt.data import Window
from slick_backend.prompt.pack import _reconstruct, _residuals, load_pack, save_pack


def _windows(rng, n: int, size: int = 32) -> list[Window]:
    """Overlapping tiles of one speckled scene (quarters repeat, as prepare's half-overlap tiles
    do), with nodata and up to three slicks each."""
    scene = rng.integers(1, 256, (size * 3, size * 3)).astype(np.uint8)
    scene[: size // 2, :] = 0  # nodata
    out = []
    for k in range(n):
        r, c = (k % 4) * size // 2, (k // 4 % 4) * size // 2
        image = scene[r:r + size, c:c + size].copy()
        parts = []
        for j in range(k % 3 + 1):
            part = np.zeros((size, size), bool)
            part[2 + 9 * j:6 + 9 * j, 3:20 + j] = True
            parts.append(part)
        out.append(Window(image, parts))
    return out


def test_windows_come_back_exactly_and_repeated_quarters_are_stored_once(tmp_path):
    rng = np.random.default_rng(3)
    windows = {"train": _windows(rng, 12), "val": _windows(rng, 3)}
    path = tmp_path / "pack.npz.xz"
    save_pack(path, "key-1", windows)
    got = load_pack(path, "key-1")
    for split in ("train", "val"):
        assert len(got[split]) == len(windows[split])
        for a, b in zip(got[split], windows[split], strict=True):
            assert a.image.dtype == np.uint8 and np.array_equal(a.image, b.image)
            assert len(a.parts) == len(b.parts) and all(np.array_equal(x, y) for x, y in zip(a.parts, b.parts, strict=True))
    with np.load(io.BytesIO(lzma.decompress(path.read_bytes())), allow_pickle=False) as z:
        assert len(z["quarters"]) < 4 * 15  # the overlapping tiles share quarters


def test_a_pack_of_other_datasets_or_a_broken_file_is_not_used(tmp_path):
    path = tmp_path / "pack.npz.xz"
    assert load_pack(path, "key-1") is None  # missing
    save_pack(path, "key-1", {"train": _windows(np.random.default_rng(0), 2), "val": []})
    assert load_pack(path, "key-2") is None  # made from other datasets or code
    path.write_bytes(path.read_bytes()[:200])
    assert load_pack(path, "key-1") is None  # cut short
    path.write_bytes(b"not a pack")
    assert load_pack(path, "key-1") is None


def test_the_predictor_residuals_invert_exactly_on_edges_and_extremes():
    rng = np.random.default_rng(1)
    blocks = rng.integers(0, 256, (6, 16, 16)).astype(np.uint8)
    blocks[0] = 0
    blocks[1] = 255
    blocks[2, :, ::2] = 255  # the largest jumps, where the prediction wraps around
    blocks[3] = np.arange(16, dtype=np.uint8)[None, :] * 17
    assert np.array_equal(_reconstruct(_residuals(blocks)), blocks)
    smooth = np.tile(np.arange(16, dtype=np.uint8), (1, 16, 1))
    assert (_residuals(smooth)[:, 1:, 1:] == 0).all()  # the predictor follows a ramp: nothing left to store
