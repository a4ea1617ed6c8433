"""The prompt model: noisy prompts as the recipe says, the shipped model loads with a complete
card and a verified checksum, and it outlines simulated slicks (known answers) from a box or a
click, above a floor."""

from __future__ import annotations

import json
import shutil

import numpy as np
import pytest
from slick_backend.errors import InputError
from slick_backend.prompt.data import (
    add_dark_field,
    add_dark_water,
    add_neighbour,
    noisy_box,
    sample_points,
    slick_parts,
    tight_box,
)
from slick_backend.prompt.store import load_prompt_model, shipped_prompt_path

# Measured with the shipped model on the simulated windows below (2026-12-04): tight box 0.683,
# one click 0.347 (8 slicks; 0.666 / 0.334 without its mask clean-up); the floors sit under them so
# that only a real regression fails.
TIGHT_BOX_FLOOR = 0.60
POINT_FLOOR = 0.25


def _slick(shape=(64, 64)):
    part = np.zeros(shape, bool)
    part[20:31, 10:51] = True
    return part


def test_noisy_boxes_are_loosened_and_shifted_within_the_recipe():
    rng = np.random.default_rng(0)
    part = _slick()
    x0, y0, x1, y1 = tight_box(part)
    assert (x0, y0, x1, y1) == (10, 20, 51, 31)
    w, h = x1 - x0, y1 - y0
    widths, shifts = [], []
    for _ in range(300):
        b = noisy_box(part, 0.4, rng)
        assert 0 <= b[0] < b[2] <= 64 and 0 <= b[1] < b[3] <= 64
        # out by at most 0.4 per side, shifted by at most 0.2: never more than 0.6 w away
        assert b[0] >= x0 - 0.6 * w - 1e-4 and b[2] <= x1 + 0.6 * w + 1e-4
        assert b[1] >= y0 - 0.6 * h - 1e-4 and b[3] <= y1 + 0.6 * h + 1e-4
        widths.append((b[2] - b[0]) / w)
        shifts.append(((b[0] + b[2]) / 2 - (x0 + x1) / 2) / w)
    assert min(widths) >= 0.999 - 0.4 and max(widths) > 1.3  # loosened, up to 1.8 before clipping
    assert min(shifts) < -0.05 and max(shifts) > 0.05
    assert np.array_equal(noisy_box(part, 0.0, rng), tight_box(part))


def test_points_start_on_the_slick_and_say_where_they_are():
    rng = np.random.default_rng(1)
    part = _slick()
    other = np.zeros_like(part)
    other[45:50, 5:20] = True
    valid = np.ones_like(part)
    for n in (1, 3, 5):
        pts, labels = sample_points(part, other, valid, n, rng)
        assert pts.shape == (n, 2) and labels[0] == 1
        for (x, y), lab in zip(pts, labels, strict=True):
            assert part[int(y), int(x)] == bool(lab)


def test_fragments_of_one_slick_stay_one_and_specks_are_dropped():
    mask = np.zeros((64, 64), np.uint8)
    mask[10:14, 5:20] = 1
    mask[10:14, 22:40] = 1  # 2 px gap: the same plume
    mask[50:60, 50:60] = 1  # another slick
    mask[30, 30] = 1  # a speck
    mask[0:5, 0:64] = 255  # nodata
    parts = slick_parts(mask)
    assert len(parts) == 2
    assert sorted(int(p.sum()) for p in parts) == [100, 132]


def test_the_shipped_prompt_model_loads_with_a_complete_card():
    path = shipped_prompt_path()
    net, card = load_prompt_model(path)
    assert card["format"] == "slick-prompt-model" and card["name"] == "slick-s1-prompt"
    assert (path / "weights.safetensors").stat().st_size <= 20e6
    recipe = card["recipe"]
    assert recipe["command"].startswith("slick-backend pretrain-prompt --config configs/prompt.toml")
    assert "[training]" in recipe["config_text"] and recipe["seed"] == 0 and recipe["train_slicks"] > 0
    assert card["best"]["val_mean"] > 0 and card["history"] and card["tile"] == 256
    assert card["params"] == sum(p.numel() for p in net.parameters())


def test_a_tampered_prompt_model_is_refused(tmp_path):
    copy = tmp_path / "p"
    shutil.copytree(shipped_prompt_path(), copy)
    data = bytearray((copy / "weights.safetensors").read_bytes())
    data[-10] ^= 0xFF
    (copy / "weights.safetensors").write_bytes(bytes(data))
    with pytest.raises(InputError, match="SHA-256"):
        load_prompt_model(copy)
    card = json.loads((copy / "model.json").read_text())
    (copy / "model.json").write_text(json.dumps({**card, "format": "slick-model"}))
    with pytest.raises(InputError, match="not a Slick prompt model"):
        load_prompt_model(copy)


@pytest.mark.slow
def test_it_outlines_simulated_slicks_from_a_box_or_a_click():
    """Simulated EW scenes of seeds no training set used, a 256 px window on each of their slicks
    (the simulator's own labels): a tight box, and one click on the slick."""
    from slick_backend.prompt.data import Prompt
    from slick_backend.prompt.train import dice, predict_mask
    from slick_backend.simulate.figure import simulated_tile

    net, _ = load_prompt_model(shipped_prompt_path())
    rng = np.random.default_rng(5)
    box_scores, point_scores = [], []
    for seed in (9001, 9007, 9012, 9017):  # scenes with slicks in the tile the simulator centres on them
        image, labels, _ = simulated_tile("EW", "sentralbanken", seed, 768)
        image = np.clip(image, 0, 255).astype(np.uint8)
        for whole in slick_parts(labels.astype(np.uint8))[:3]:
            rows, cols = np.nonzero(whole)
            r0 = int(np.clip(rows.mean() - 128, 0, image.shape[0] - 256))
            c0 = int(np.clip(cols.mean() - 128, 0, image.shape[1] - 256))
            window, mask = image[r0:r0 + 256, c0:c0 + 256], labels[r0:r0 + 256, c0:c0 + 256].astype(np.uint8)
            parts = slick_parts(mask)
            if not parts:
                continue
            part = max(parts, key=lambda p: p.sum())
            box_scores.append(dice(predict_mask(net, window, Prompt("box", tight_box(part), None, None)), part))
            pts, lab = sample_points(part, np.zeros_like(part), window > 0, 1, rng)
            point_scores.append(dice(predict_mask(net, window, Prompt("points", None, pts, lab)), part))
    assert len(box_scores) >= 6, "the simulated scenes should hold slicks"
    assert np.mean(box_scores) >= TIGHT_BOX_FLOOR, box_scores
    assert np.mean(point_scores) >= POINT_FLOOR, point_scores


def test_dark_water_darkens_beside_the_slick_inside_its_box_and_leaves_the_slick_as_it_was():
    """The hard negative: a darker patch of water next to the slick, inside the prompt's box (it
    may run past it), never on the slick or its edge, never on nodata; seeded."""
    from scipy import ndimage

    rng = np.random.default_rng(0)
    image = rng.gamma(4.0, 30.0, (128, 128)).clip(1, 255).astype(np.uint8)  # speckled water
    part = np.zeros((128, 128), bool)
    part[60:68, 30:100] = True  # a ribbon
    image[part] = (image[part] * 0.4).clip(1, 255).astype(np.uint8)
    image[:, :6] = 0  # nodata strip
    box = np.array([20.0, 40.0, 110.0, 90.0], np.float32)
    darker = 0
    for seed in range(6):
        out = add_dark_water(image, part, box, np.random.default_rng(seed))
        assert np.array_equal(out, add_dark_water(image, part, box, np.random.default_rng(seed)))
        near = ndimage.binary_dilation(part, iterations=2)
        assert np.array_equal(out[near], image[near]) and (out[:, :6] == 0).all() and (out[:, 6:] >= 1).all()
        assert (out.astype(int) <= image.astype(int) + 1).all()  # only ever darker (rounding aside)
        changed = out.astype(int) < image.astype(int) - 2
        darker += changed[40:90, 20:110].sum() >= 100  # a patch in the box, wherever its far side ends
    assert darker >= 5  # nearly every time


def test_dark_cells_touch_the_slick_inside_its_box_and_leave_the_slick_as_it_was():
    """The third hard negative: small dark cells seeded around the slick inside the prompt's box, some
    touching it (so the clean-up of detached parts cannot drop them), never on the slick's own
    pixels or on nodata, only ever darker; seeded."""
    from scipy import ndimage

    rng = np.random.default_rng(2)
    image = rng.gamma(4.0, 30.0, (128, 128)).clip(1, 255).astype(np.uint8)
    part = np.zeros((128, 128), bool)
    part[60:66, 30:100] = True  # a thin ribbon
    image[part] = (image[part] * 0.4).clip(1, 255).astype(np.uint8)
    image[:, :6] = 0
    box = np.array([20.0, 40.0, 110.0, 90.0], np.float32)
    ring = ndimage.binary_dilation(part, iterations=2) & ~part  # the slick's 2 px edge
    touching = 0
    for seed in range(8):
        out = add_dark_field(image, part, box, np.random.default_rng(seed))
        assert np.array_equal(out, add_dark_field(image, part, box, np.random.default_rng(seed)))
        assert np.array_equal(out[part], image[part]) and (out[:, :6] == 0).all() and (out[:, 6:] >= 1).all()
        assert (out.astype(int) <= image.astype(int) + 1).all()
        changed = out.astype(int) < image.astype(int) - 2
        assert changed[40:90, 20:110].sum() >= 0.6 * changed.sum() > 0  # seeded in the box; cells may run past it
        touching += (changed & ring).sum() >= 10
    assert touching >= 6
    assert np.array_equal(add_dark_field(image, np.ones_like(part), box, np.random.default_rng(0)), image)


def test_a_neighbour_slick_is_drawn_beside_the_slick_reaching_into_its_box():
    """The second hard negative: another slick's shape, darkened like the slick, placed so that it
    reaches into the prompt's box while staying off the slick, its 3 px edge and mostly outside
    its tight box; never on nodata; seeded."""
    from scipy import ndimage

    rng = np.random.default_rng(1)
    image = rng.gamma(4.0, 30.0, (128, 128)).clip(1, 255).astype(np.uint8)
    part = np.zeros((128, 128), bool)
    part[60:68, 30:100] = True
    image[part] = (image[part] * 0.4).clip(1, 255).astype(np.uint8)
    image[:, :6] = 0
    donor = np.zeros((40, 40), bool)
    donor[10:16, 4:36] = True  # another ribbon, from some other window
    box = np.array([20.0, 45.0, 110.0, 85.0], np.float32)
    near = ndimage.binary_dilation(part, iterations=3)
    placed = 0
    for seed in range(8):
        out = add_neighbour(image, part, box, donor, np.random.default_rng(seed))
        assert np.array_equal(out, add_neighbour(image, part, box, donor, np.random.default_rng(seed)))
        assert np.array_equal(out[near], image[near]) and (out[:, :6] == 0).all() and (out[:, 6:] >= 1).all()
        assert (out.astype(int) <= image.astype(int) + 1).all()
        changed = out.astype(int) < image.astype(int) - 2
        if changed[45:85, 20:110].sum() >= 20:
            placed += 1
            assert changed[60:68, 30:100].sum() == 0  # off the slick's tight box rows here: beside it
            gain = out[changed].astype(float) / image[changed]
            assert np.percentile(gain, 25) < 0.6, np.percentile(gain, 25)  # its body about as dark as the slick (0.4)
    assert placed >= 6
    blank = add_neighbour(image, part, box, np.zeros_like(donor), np.random.default_rng(0))
    assert np.array_equal(blank, image)  # nothing to draw: the window as it was


def test_the_photometric_augmentation_keeps_nodata_and_is_seeded():
    """pretrain-prompt's augment_preset: gamma, contrast, blur and grain of train's preset on the
    valid pixels only (0 stays nodata), the same changes for the same seed; a wrong name is an
    InputError that names the presets."""
    import torch
    from slick_backend.prompt.train import photometric_augmenter

    rng = np.random.default_rng(0)
    x = torch.from_numpy(rng.uniform(1, 255, (16, 1, 32, 32)).astype(np.float32))
    x[:, :, :, :8] = 0  # nodata strip
    assert photometric_augmenter("none", 0) is None
    a, b = photometric_augmenter("sim2real", 3)(x.clone()), photometric_augmenter("sim2real", 3)(x.clone())
    assert torch.equal(a, b)
    assert (a[:, :, :, :8] == 0).all() and (a[:, :, :, 8:] >= 1).all() and (a <= 255).all()
    changed = (a - x).abs()[:, :, :, 8:].mean((1, 2, 3))
    assert (changed > 1).sum() >= 8, changed  # most of the batch altered (each change has its own chance)
    with pytest.raises(InputError, match="none or one of standard, sim2real"):
        photometric_augmenter("sim2reel", 0)
