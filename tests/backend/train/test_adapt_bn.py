"""AdaBN (models/adapt.py): BatchNorm statistics re-estimated on unlabelled target tiles."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from slick_backend.models.adapt import adapt_batchnorm, batchnorm_layers, tile_batches, usable_tiles
from slick_backend.models.registry import build_from_spec, normalise_spec


def _model():
    torch.manual_seed(0)
    return build_from_spec(normalise_spec("deeplabv3", "resnet18", 64, {"decoder": "plus", "decoder_channels": 32})).eval()


def test_the_first_batchnorm_learns_the_new_domains_mean_and_variance():
    """The stem's BatchNorm sees conv(x) of the target tiles: after AdaBN its running mean and
    variance are exactly that activation's, pooled over all tiles (not a momentum blend)."""
    module = _model()
    rng = np.random.default_rng(0)
    images = np.clip(rng.normal(180, 30, (12, 64, 64)), 1, 255).astype(np.uint8)  # a brighter domain
    used = adapt_batchnorm(module, tile_batches(images, batch_size=4))
    assert used == 12
    stem = module.core.net.encoder.conv1
    with torch.no_grad():
        x = torch.from_numpy(images.astype(np.float32)).unsqueeze(1)
        act = stem((x - module.core.mean) / module.core.std)
    bn = module.core.net.encoder.bn1
    assert torch.allclose(bn.running_mean, act.mean((0, 2, 3)), atol=1e-4)
    n = act.numel() // act.shape[1]
    # each batch's unbiased variance, averaged: equal batches, so the pooled within-batch variance
    per_batch = torch.stack([a.var((0, 2, 3), unbiased=True) for a in act.split(4)])
    assert torch.allclose(bn.running_var, per_batch.mean(0), rtol=1e-3, atol=1e-5)
    assert n > 0 and not module.training and all(b.momentum == 0.1 for b in batchnorm_layers(module))


def test_nothing_usable_leaves_the_model_exactly_as_it_was():
    module = _model()
    before = {k: v.clone() for k, v in module.state_dict().items()}
    mostly_nodata = np.zeros((3, 64, 64), np.uint8)
    mostly_nodata[:, :10] = 120  # 16 % valid: below MIN_VALID
    assert usable_tiles(mostly_nodata).size == 0
    assert adapt_batchnorm(module, tile_batches(mostly_nodata)) == 0
    after = module.state_dict()
    assert all(torch.equal(before[k], after[k]) for k in before)


def test_adaptation_changes_predictions_only_through_batchnorm_statistics():
    module = _model()
    weights = {k: v.clone() for k, v in module.state_dict().items() if "running" not in k and "num_batches" not in k}
    images = np.full((4, 64, 64), 200, np.uint8)
    images[:, 20:30] = 60
    x = torch.from_numpy(images.astype(np.float32)).unsqueeze(1)
    with torch.no_grad():
        p0 = module(x)
        adapt_batchnorm(module, tile_batches(images))
        p1 = module(x)
    assert not torch.allclose(p0, p1)
    state = module.state_dict()
    assert all(torch.equal(weights[k], state[k]) for k in weights)


@pytest.mark.parametrize("valid_share,usable", [(1.0, True), (0.95, True), (0.5, False)])
def test_only_almost_all_valid_tiles_are_used(valid_share, usable):
    img = np.full((1, 20, 20), 100, np.uint8)
    img[0].flat[: int(round((1 - valid_share) * 400))] = 0
    assert (usable_tiles(img).size == 1) == usable



def test_train_adapt_bn_starts_fine_tuning_from_the_datasets_statistics(tiny_dataset, shipped_dir, tmp_path, monkeypatch):
    """TrainParams.adapt_bn (measured by benchmarks/bench_sim2real.py, not offered by the CLI):
    the transfer source's BatchNorm statistics are re-measured on the dataset's tiles before
    the first step; the learnt weights stay the source's, and the card counts the tiles used."""
    from slick_backend.models.modeldir import load_model_dir
    from slick_backend.progress import NullProgress
    from slick_backend.train import loop
    from slick_backend.train.api import TrainParams, run_train

    monkeypatch.setenv("SLICK_SHIPPED_DIR", str(shipped_dir))
    seen = {}

    def fake_fit(module, train, val, cfg, progress):  # record the module fine-tuning would start from
        seen["state"] = {k: v.clone() for k, v in module.state_dict().items()}
        return {"epochs_run": 0, "best_epoch": 0, "lr": 1e-3, "batch_size": 4, "loss": cfg.loss,
                "val_metrics": {"loss": None, "dice": None}, "history": [], "seconds": 0.0, "device": "cpu"}

    monkeypatch.setattr(loop, "fit", fake_fit)
    states = {}
    for adapt in (False, True):
        out = tmp_path / f"m{int(adapt)}"
        run_train(TrainParams(data=str(tiny_dataset), out_dir=str(out), init="transfer", epochs=1, lr=1e-3,
                              device="cpu", adapt_bn=adapt), NullProgress())
        states[adapt] = seen["state"]
        card = load_model_dir(out).card
        assert (card["adapt_bn_tiles"] or 0) > 0 if adapt else card["adapt_bn_tiles"] is None
    running = [k for k in states[True] if k.endswith("running_mean") or k.endswith("running_var")]
    learnt = [k for k in states[True] if "running" not in k and "num_batches" not in k]
    assert running and any(not torch.equal(states[False][k], states[True][k]) for k in running)
    assert all(torch.equal(states[False][k], states[True][k]) for k in learnt)
