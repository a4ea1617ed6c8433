"""Losses on hand-computed cases; augmentation keeps image and mask aligned and nodata at 0."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch
from slick_backend.train.augment import augment
from slick_backend.train.loss import SegLoss, class_weights, focal_tversky_loss, soft_dice_loss, weighted_ce
from slick_backend.train.synthesis import synthesise


def _case():
    # 4 pixels: slick, water, water, ignored; logits 0 -> p = 0.5 everywhere
    logits = torch.zeros(1, 1, 1, 4)
    target = torch.tensor([[[[1.0, 0.0, 0.0, 255.0]]]])
    return logits, target


def test_class_weights_are_inverse_frequency():
    assert class_weights(0.25) == pytest.approx((1 / 1.5, 2.0))
    assert class_weights(0.5) == pytest.approx((1.0, 1.0))


def test_weighted_ce_by_hand():
    logits, target = _case()
    # every valid pixel has CE = ln 2, so any weighting averages to ln 2
    assert float(weighted_ce(logits, target, (0.5, 3.0))) == pytest.approx(math.log(2))
    logits = torch.tensor([[[[2.0, -1.0, 1.0, 9.0]]]])
    ce = [math.log(1 + math.exp(-2)), math.log(1 + math.exp(-1)), math.log(1 + math.exp(1))]
    w = [3.0, 0.5, 0.5]
    expected = sum(a * b for a, b in zip(w, ce, strict=True)) / sum(w)
    assert float(weighted_ce(logits, target, (0.5, 3.0))) == pytest.approx(expected, rel=1e-5)


def test_dice_and_focal_tversky_by_hand():
    logits, target = _case()
    # p = 0.5 on 3 valid pixels, 1 slick: dice = (2 * 0.5 + 1) / (1.5 + 1 + 1)
    assert float(soft_dice_loss(logits, target)) == pytest.approx(1 - 2.0 / 3.5)
    # TP = 0.5, FN = 0.5, FP = 1.0: TI = (0.5 + 1) / (0.5 + 0.35 + 0.3 + 1)
    ti = 1.5 / 2.15
    assert float(focal_tversky_loss(logits, target)) == pytest.approx((1 - ti) ** 0.75, rel=1e-5)


def test_combined_losses_by_hand():
    logits, target = _case()
    dice = 1 - 2.0 / 3.5
    assert float(SegLoss("dice_ce", slick_fraction=1 / 3)(logits, target)) == pytest.approx(0.5 * math.log(2) + 0.5 * dice)
    assert float(SegLoss("ce_dice_20_80")(logits, target)) == pytest.approx(0.2 * math.log(2) + 0.8 * dice)
    perfect = torch.tensor([[[[20.0, -20.0, -20.0, 0.0]]]])
    assert float(SegLoss("dice_ce", 1 / 3)(perfect, target)) < 1e-6


def _pair(n=6, size=64, seed=0):
    rng = np.random.default_rng(seed)
    mask = np.zeros((n, 1, size, size), np.float32)
    for i in range(n):
        r, c = rng.integers(8, size - 24, 2)
        mask[i, 0, r : r + 16, c : c + 20] = 1
    image = np.where(mask == 1, 40.0, 180.0).astype(np.float32)
    image[:, :, :12, :12] = 0  # nodata corner
    mask[:, :, :12, :12] = 255
    return torch.from_numpy(image), torch.from_numpy(mask)


def test_augment_keeps_alignment_and_nodata():
    image, mask = _pair()
    out_i, out_m = augment(image, mask, torch.Generator().manual_seed(3))
    assert out_i.shape == image.shape and out_m.shape == mask.shape
    assert set(torch.unique(out_m).tolist()) <= {0.0, 1.0, 255.0}
    assert torch.all(out_m[out_i == 0] == 255)  # nodata (or off-tile) is ignored
    assert torch.all(out_i[out_m != 255] >= 1)  # valid pixels never become the nodata value
    # aligned: slick-labelled pixels are dark, water pixels bright (photometric shifts are < 100)
    slick, water = out_i[out_m == 1], out_i[out_m == 0]
    assert slick.numel() > 100 and water.numel() > 1000
    assert float(torch.quantile(slick, 0.95)) < float(torch.quantile(water, 0.05))
    assert not torch.equal(out_m, mask)  # it did move things
    # reproducible from the generator's seed
    again_i, again_m = augment(image, mask, torch.Generator().manual_seed(3))
    assert torch.equal(out_i, again_i) and torch.equal(out_m, again_m)


def test_synthesis_pastes_labelled_slicks_on_water():
    image, mask = _pair(n=2)
    img = image[:, 0].numpy().astype(np.uint8)
    msk = mask[:, 0].numpy().astype(np.uint8)
    water_img = np.full((2, 64, 64), 150, np.uint8)
    water_msk = np.zeros((2, 64, 64), np.uint8)
    si, sm = synthesise(np.concatenate([img, water_img]), np.concatenate([msk, water_msk]), 5, np.random.default_rng(0))
    assert si.shape == (5, 64, 64) and sm.shape == (5, 64, 64)
    assert (sm == 1).sum() > 0
    # pasted pixels darkened by the exemplar's ratio 40 / 180; the rest is the water tile
    assert np.all(si[sm == 1] == round(150 * 40 / 180))
    assert np.all(si[sm == 0] == 150)


def test_epoch_order_favours_slick_tiles_when_asked():
    from slick_backend.train.loop import epoch_order

    masks = np.zeros((100, 8, 8), np.uint8)
    masks[:10, 2, 2] = 1  # 10 % of the tiles hold slick
    plain = epoch_order(masks, None, torch.Generator().manual_seed(0))
    order = epoch_order(masks, 0.5, torch.Generator().manual_seed(0))
    for o in (plain, order):
        assert sorted(o.tolist()) == list(range(100))  # still a permutation: every tile once
    assert int((order[:20] < 10).sum()) >= 6  # ~half of a 20-tile epoch is slick tiles
    assert int((plain[:20] < 10).sum()) <= 5
    assert torch.equal(order, epoch_order(masks, 0.5, torch.Generator().manual_seed(0)))
