"""Known answers of the realism statistics on synthetic images."""

import math

import numpy as np
import pytest
from scipy import ndimage
from slick_backend.realism import morphology, stats
from slick_backend.realism.compare import STATISTICS

PIXEL = 25.0


def power_law_field(beta: float, n: int = 1024, seed: int = 0) -> np.ndarray:
    """A Gaussian random field whose power spectrum is |k|^beta (periodic, n x n)."""
    rng = np.random.default_rng(seed)
    k = np.fft.fftfreq(n)
    kk = np.hypot(*np.meshgrid(k, k, indexing="ij"))
    kk[0, 0] = np.inf
    return np.real(np.fft.ifft2(np.fft.fft2(rng.normal(size=(n, n))) * kk ** (beta / 2)))


def to_levels(f: np.ndarray, std: float = 30.0) -> np.ndarray:
    return np.clip(np.rint(128 + (f - f.mean()) / f.std() * std), 1, 255).astype(np.uint8)


def speckle_levels(looks: float, levels_per_db: float, n: int = 512, seed: int = 0, domain: str = "db") -> np.ndarray:
    """Gamma(L, 1/L) speckle, stretched affinely in dB (or in linear intensity)."""
    intensity = np.random.default_rng(seed).gamma(looks, 1.0 / looks, size=(n, n))
    if domain == "db":
        v = 128 + levels_per_db * 10 * np.log10(intensity)
    else:
        v = 20 + 60 * intensity
    return np.clip(np.rint(v), 1, 255).astype(np.uint8)


def segment(mask: np.ndarray, p, q, width: float) -> None:
    """Burn a capsule of ``width`` px from p to q (row, col) into ``mask``."""
    yy, xx = np.mgrid[0 : mask.shape[0], 0 : mask.shape[1]]
    p, q = np.asarray(p, float), np.asarray(q, float)
    d = q - p
    t = np.clip(((yy - p[0]) * d[0] + (xx - p[1]) * d[1]) / (d @ d), 0, 1)
    mask |= np.hypot(yy - p[0] - t * d[0], xx - p[1] - t * d[1]) <= width / 2


# --- spectrum -----------------------------------------------------------------------------------
@pytest.mark.parametrize("beta", [-3.0, -2.0])
def test_psd_slope_recovers_a_power_law(beta):
    image = to_levels(power_law_field(beta))
    r = stats.psd_stats(image, np.ones(image.shape, bool), PIXEL)
    assert r["psd_window"] == 512 and r["psd_windows"] >= 4
    assert abs(r["psd_slope"] - beta) < 0.3
    assert abs(r["psd_slope_fine"] - beta) < 0.3


def test_white_noise_has_a_flat_spectrum():
    image = to_levels(np.random.default_rng(2).normal(size=(1024, 1024)))
    r = stats.psd_stats(image, np.ones(image.shape, bool), PIXEL)
    assert abs(r["psd_slope"]) < 0.15 and abs(r["psd_slope_fine"]) < 0.1


def test_psd_windows_only_in_fully_valid_water():
    water = np.ones((700, 700), bool)
    water[:, 300] = False  # no 512 or 400 window fits on either side; 256 fits
    size, corners = stats.water_windows(water)
    assert size == 256 and corners
    for r, c in corners:
        assert water[r : r + 256, c : c + 256].all()
    assert stats.water_windows(np.zeros((300, 300), bool)) == (0, [])
    image = np.full((300, 300), 100, np.uint8)
    assert stats.psd_stats(image, np.zeros((300, 300), bool), PIXEL)["psd_slope"] is None


# --- speckle ------------------------------------------------------------------------------------
@pytest.mark.parametrize("looks", [4.0, 10.0])
def test_enl_and_stretch_scale_of_gamma_speckle(looks):
    image = speckle_levels(looks, levels_per_db=10.0, seed=int(looks))
    r = stats.enl_stats(image, np.ones(image.shape, bool))
    assert r["enl_windows"] > 500
    assert r["enl"] == pytest.approx(looks, rel=0.15)
    assert r["levels_per_db"] == pytest.approx(10.0, rel=0.15)
    assert r["enl_skew"] < 0 and abs(r["std_vs_mean"]) < 0.05


def test_enl_of_spatially_correlated_speckle():
    """L looks of a complex Gaussian field smoothed over ~1 px: Gamma(L) marginal, correlated
    neighbours (lag-1 correlation ~0.6), as multilooked or resampled SAR."""
    rng = np.random.default_rng(9)
    intensity = np.zeros((512, 512))
    for _ in range(10):
        field = [ndimage.gaussian_filter(rng.normal(size=(512, 512)), 1.0) for _ in range(2)]
        intensity += field[0] ** 2 + field[1] ** 2
    image = np.clip(np.rint(128 + 100 * np.log10(intensity / intensity.mean())), 1, 255).astype(np.uint8)
    r = stats.enl_stats(image, np.ones(image.shape, bool))
    assert r["enl"] == pytest.approx(10.0, rel=0.2)
    assert r["levels_per_db"] == pytest.approx(10.0, rel=0.2)


def test_log_speckle_skewness_inverts():
    for looks in (0.5, 1.0, 4.4, 10.0, 100.0):
        assert stats.enl_from_skewness(stats.log_speckle_skewness(looks)) == pytest.approx(looks, rel=1e-4)
    assert stats.log_speckle_skewness(1.0) == pytest.approx(-1.1395, abs=1e-3)
    assert stats.enl_from_skewness(0.2) is None  # positive skew: not log speckle
    very_smooth = speckle_levels(400.0, levels_per_db=40.0)
    r = stats.enl_stats(very_smooth, np.ones(very_smooth.shape, bool))
    assert r["enl"] > 100 and r["levels_per_db"] is None  # too little skew to pin down the scale


def test_a_stretch_of_linear_intensity_is_not_taken_for_db():
    image = speckle_levels(10.0, levels_per_db=0, domain="linear")
    image = (image.astype(np.float64) * np.linspace(0.6, 1.4, image.shape[1])[None, :]).astype(np.uint8)
    r = stats.enl_stats(image, np.ones(image.shape, bool))
    assert r["enl"] is None and r["levels_per_db"] is None
    assert r["enl_skew"] > 0 and r["std_vs_mean"] > 0.1


def test_enl_needs_homogeneous_water():
    image = speckle_levels(10.0, 10.0, n=90)
    assert stats.enl_stats(image, np.zeros(image.shape, bool))["enl"] is None


# --- slick shape --------------------------------------------------------------------------------
def test_straight_ribbon_width_length_tortuosity_branches():
    mask = np.zeros((40, 160), bool)
    mask[15:25, 20:140] = True  # 10 px wide, 120 px long
    shape = morphology.component_shape(mask)
    assert shape["width"] == pytest.approx(10, abs=1.5)
    assert shape["length"] == pytest.approx(120, abs=1.5)
    assert shape["tortuosity"] == pytest.approx(1.0, abs=0.02)
    assert shape["branches"] == 0
    m = stats.morphology_stats(mask, PIXEL)
    assert m["slick_width_m"] == pytest.approx(250, abs=1.5 * PIXEL)
    assert m["slick_length_m"] == pytest.approx(3000, abs=1.5 * PIXEL)
    assert m["fragments"] == 1 and m["fragments_small"] == 0


def test_oblique_ribbon_is_still_straight():
    mask = np.zeros((200, 200), bool)
    segment(mask, (50, 14), (150, 186), 7)  # about 30 degrees, 199 px between the end centres
    shape = morphology.component_shape(mask)
    assert shape["tortuosity"] == pytest.approx(1.0, abs=0.02) and shape["branches"] == 0
    assert shape["length"] == pytest.approx(math.hypot(100, 172) + 7, abs=4)


def test_y_has_one_branch_point():
    mask = np.zeros((130, 130), bool)
    segment(mask, (65, 65), (120, 65), 6)
    segment(mask, (65, 65), (20, 20), 6)
    segment(mask, (65, 65), (20, 110), 6)
    assert morphology.component_shape(mask)["branches"] == 1


def test_half_circle_tortuosity_is_half_pi():
    yy, xx = np.mgrid[0:100, 0:170]
    rr = np.hypot(yy - 10, xx - 85)
    mask = (np.abs(rr - 60) <= 3) & (yy >= 10)
    assert morphology.component_shape(mask)["tortuosity"] == pytest.approx(math.pi / 2, rel=0.1)


def test_three_blobs_are_three_fragments_one_small():
    mask = np.zeros((100, 100), bool)
    mask[10:30, 10:30] = True
    mask[50:70, 50:68] = True
    mask[85:88, 10:13] = True  # 9 px: < 20 % of the largest (400 px)
    m = stats.morphology_stats(mask, PIXEL)
    assert m["fragments"] == 3 and m["fragments_small"] == 1


def test_pinholes_do_not_make_branches():
    mask = np.zeros((40, 160), bool)
    mask[12:28, 20:140] = True
    mask[19:21, 50:52] = False  # a 4 px hole, as rasterisation leaves
    assert morphology.component_shape(mask)["branches"] == 0


# --- contrast and darkness ----------------------------------------------------------------------
def test_contrast_of_a_slick_20_levels_darker():
    rng = np.random.default_rng(4)
    image = np.clip(np.rint(rng.normal(128, 8, size=(300, 300))), 1, 255)
    slick = np.zeros(image.shape, bool)
    slick[100:120, 40:260] = True
    image[slick] -= 20
    image = image.astype(np.uint8)
    c = stats.contrast(image, slick, levels_per_db=10.0)
    assert c["contrast_db"] == pytest.approx(2.0, abs=0.1)
    assert c["contrast_sigma"] == pytest.approx(20 / 8, rel=0.1)
    assert stats.contrast(image, slick, None)["contrast_db"] is None
    assert stats.contrast(image, np.zeros(image.shape, bool), 10.0) == {"contrast_db": None, "contrast_sigma": None}


def test_lookalike_and_dark_patch_shares():
    rng = np.random.default_rng(5)
    image = np.clip(np.rint(rng.normal(150, 5, size=(400, 400))), 1, 255)
    slick = np.zeros(image.shape, bool)
    slick[50:60, 50:350] = True
    image[slick] = 100
    image[200:300, 100:200] = 95  # a lookalike as dark as the slick, 10000 px
    image = image.astype(np.uint8)
    water = np.count_nonzero(stats.distance_to(slick) > 3)
    assert stats.lookalike_share(image, slick) == pytest.approx(10_000 / water, rel=0.1)
    assert stats.lookalike_share(image, np.zeros(image.shape, bool)) is None


def test_dark_patch_share():
    rng = np.random.default_rng(8)
    image = np.clip(np.rint(rng.normal(128, 10, size=(400, 400))), 1, 255)
    image[100:200, 150:250] -= 30  # 3 std darker: below median - 1 std once smoothed
    image = image.astype(np.uint8)
    # the 15 x 15 mean stays below the threshold up to ~2.5 px outside the patch (1/3 overlap)
    assert stats.dark_patch_share(image) == pytest.approx(105**2 / image.size, rel=0.1)
    # speckle-like noise alone is averaged away
    noise = np.clip(np.rint(rng.normal(128, 10, size=(400, 400))), 1, 255).astype(np.uint8)
    assert stats.dark_patch_share(noise) < 0.001


def test_nodata_share_and_edge_density_on_a_hand_made_mask():
    image = np.full((20, 20), 100, np.uint8)
    image[:, :5] = 0  # 100 of 400 pixels
    r = stats.nodata_stats(image)
    assert r["nodata_share"] == pytest.approx(0.25)
    assert r["edge_density"] == pytest.approx(60 / 300)  # columns 5, 6, 7 are within 3 px
    full = stats.nodata_stats(np.full((20, 20), 100, np.uint8))
    assert full == {"nodata_share": 0.0, "edge_density": 0.0}


# --- histograms ---------------------------------------------------------------------------------
def test_histogram_distances():
    rng = np.random.default_rng(6)
    a = np.clip(np.rint(rng.normal(120, 15, size=(200, 200))), 20, 200).astype(np.uint8)
    ha = stats.level_histogram(a)
    assert stats.hist_w1(ha, ha) == 0.0 and stats.hist_js(ha, ha) == 0.0
    hb = stats.level_histogram(a + 10)
    assert stats.hist_w1(ha, hb) == pytest.approx(10.0, abs=1e-9)
    assert 0 < stats.hist_js(ha, hb) < 1
    lo = stats.level_histogram(np.full((5, 5), 10, np.uint8))
    hi = stats.level_histogram(np.full((5, 5), 200, np.uint8))
    assert stats.hist_js(lo, hi) == pytest.approx(1.0) and stats.hist_w1(lo, hi) == pytest.approx(190.0)
    assert stats.level_histogram(np.zeros((3, 3), np.uint8)).sum() == 0  # nodata is not counted


def test_level_summary():
    image = np.arange(1, 101, dtype=np.uint8).reshape(10, 10)
    image[0, 0] = 0
    s = stats.level_summary(image)
    assert s["p5"] == 6 and s["p50"] == 51 and s["p95"] == 96  # 99 valid levels 2..100: 5th, 50th, 95th
    assert s["mean_level"] == pytest.approx(np.arange(2, 101).mean())


# --- everything ---------------------------------------------------------------------------------
def test_image_stats_gives_every_statistic():
    rng = np.random.default_rng(7)
    field = ndimage.gaussian_filter(rng.normal(size=(600, 600)), 6)
    image = speckle_levels(10.0, 12.0, n=600, seed=7).astype(np.float64) + 400 * field
    slick = np.zeros(image.shape, bool)
    segment(slick, (300, 80), (320, 520), 8)
    image[slick] -= 30
    image = np.clip(np.rint(image), 1, 255).astype(np.uint8)
    image[:40, :] = 0
    r = stats.image_stats(image, slick, PIXEL)
    for key in set(STATISTICS) - {"hist_w1", "hist_js", "stretch_levels_per_db"}:
        assert key in r, key
        assert r[key] is not None and math.isfinite(r[key]), key
    assert r["histogram"].shape == (256,) and len(r["components"]) == 1
    assert r["stretch_levels_per_db"] is None
    assert stats.image_stats(image, slick, PIXEL, 12.0)["stretch_levels_per_db"] == 12.0
    assert r["contrast_db"] > 0 and r["fragments"] == 1
    with pytest.raises(ValueError, match="uint8"):
        stats.image_stats(image.astype(np.float32), slick, PIXEL)
    with pytest.raises(ValueError, match="shape"):
        stats.image_stats(image, slick[:10], PIXEL)
