"""Radiometry of the simulated scenes: looks, slick damping, labels on dark pixels, determinism."""

import json

import numpy as np
import pyogrio.raw
import pytest
import rasterio
import shapely
from pyproj import Transformer
from rasterio import features
from rasterio.transform import GCPTransformer
from scipy import ndimage
from slick_backend.simulate.geometry import place_scene
from slick_backend.simulate.modes import MODES
from slick_backend.simulate.scene import simulate_scene
from slick_backend.simulate.sites import SITES


def _sigma0_db(path):
    """Read any variant back as sigma0 in dB (NaN = nodata), with what is needed to map lon/lat to pixels."""
    with rasterio.open(path) as src:
        data = src.read(1).astype(np.float64)
        if src.gcps[0]:
            scale = float(src.tags()["CALIBRATION_DN_SCALE"])
            db = np.where(data > 0, 20 * np.log10(np.maximum(data, 1) / scale), np.nan)
            tr = GCPTransformer(src.gcps[0])

            def to_pixels(lon, lat):
                rows, cols = tr.rowcol(lon, lat, op=lambda x: x)
                return np.asarray(cols), np.asarray(rows)

            return db, to_pixels
        if src.tags()["VALUE"].startswith("sigma0 (dB)"):
            db = np.where(data != src.nodata, data, np.nan)
        else:
            db = np.where(np.isfinite(data), 10 * np.log10(np.where(np.isfinite(data), data, 1)), np.nan)
        to_crs = Transformer.from_crs(4326, src.crs, always_xy=True)
        inv = ~src.transform

        def to_pixels(lon, lat):
            x, y = to_crs.transform(lon, lat)
            return inv @ (np.asarray(x), np.asarray(y))

        return db, to_pixels


def _label_mask(out, scene_id, shape, to_pixels):
    meta, _, wkb, fields = pyogrio.raw.read(out / "labels.gpkg", layer="slicks", where=f"scene = '{scene_id}'")
    polys = [shapely.transform(p, lambda xy: np.column_stack(to_pixels(xy[:, 0], xy[:, 1]))) for p in shapely.from_wkb(wkb)]
    return features.rasterize(polys, out_shape=shape, fill=0, default_value=1, dtype="uint8").astype(bool)


@pytest.mark.parametrize("series", ["ew_series", "iw_series"])
def test_labels_sit_on_dark_slick_pixels_in_every_georef_kind(series, request):
    """Labels (EPSG:4326) mapped through each file's own georeference land on pixels darker than the sea around."""
    out, _, manifest = request.getfixturevalue(series)
    contrasts, shifted = [], []
    for scene in manifest["scenes"]:
        db, to_pixels = _sigma0_db(out / scene["file"])
        mask = _label_mask(out, scene["id"], db.shape, to_pixels)
        assert mask.sum() == pytest.approx(scene["slick_pixels"], rel=0.5)
        for m, store in ((mask, contrasts), (np.roll(mask, (17, -13), axis=(0, 1)), shifted)):
            ring = ndimage.binary_dilation(m, iterations=12) & ~ndimage.binary_dilation(m, iterations=5)
            store.append(np.nanmean(db[ring]) - np.nanmean(db[m]))
    # marginal slicks (near the noise floor, next to other dark water) are faint, the typical one is
    # not; the same outlines moved off the slicks see no contrast
    assert min(contrasts) > 0.5 and np.mean(contrasts) > 1.0, contrasts
    assert all(c > s + 0.5 for c, s in zip(contrasts, shifted, strict=True)), (contrasts, shifted)


@pytest.mark.parametrize("mode_name,site,size", [("EW", "sentralbanken", 384), ("IW", "north_sea", 1024)])
def test_slicks_damp_the_sea_by_the_intended_few_db(mode_name, site, size):
    """The same scene with and without slicks differs only along the plumes, by the intended damping
    (less where the noise floor fills in the dark slick: EW HH in far range); what is labelled is
    what stands out: pieces darker on average than VISIBLE_DB over the noise floor."""
    from slick_backend.simulate.plumes import VISIBLE_DB

    mode = MODES[mode_name]
    observed, nominal, seen = [], [], []
    for seed in range(4):
        geom = place_scene(mode, SITES[site], size, np.random.default_rng(seed), ascending=True)  # 15 / 10 km
        with_oil = simulate_scene(geom, np.random.SeedSequence(seed))
        clean = simulate_scene(geom, np.random.SeedSequence(seed), slicks=False)
        assert not clean.labels.any()
        ok = np.isfinite(clean.intensity)
        assert np.array_equal(ok, np.isfinite(with_oil.intensity))  # the same nodata holes
        ratio_db = 10 * np.log10(clean.intensity[ok] / with_oil.intensity[ok])
        assert ratio_db.min() > -1e-4  # oil only ever darkens
        assert (ratio_db > 0.01).mean() < 0.3  # and only along the plumes (a few km long, up to 1 km wide)
        # faint plumes stay in the image unlabelled, so damping away from the labels is allowed
        for s in with_oil.seeps:
            assert 3.0 <= s["damping_db"] <= 14.0  # the plume's nominal peak damping
            if s["slick_pixels"]:
                mine = (with_oil.labels == s["index"])[ok]
                assert np.median(ratio_db[mine]) >= 0.5 * VISIBLE_DB  # labelled pixels are damped
                observed.append(ratio_db[mine].mean())
                nominal.append(s["label_damping_db"])
                seen.append(s["label_contrast_db"])
                assert s["label_contrast_db"] >= 0.8 * VISIBLE_DB  # a labelled slick is visibly darker
    observed, nominal, seen = map(np.array, (observed, nominal, seen))
    assert len(observed) >= 1
    assert np.all(observed <= nominal + 0.05)
    assert observed == pytest.approx(seen, rel=0.05)  # ships aside, exactly the damping over the noise floor
    assert 1.5 < observed.mean() < 12.0
    if mode_name == "IW":  # VV sea clutter is mostly well above the noise floor: most of the damping shows
        assert np.median(observed / nominal) > 0.8 and np.all(observed / nominal > 0.4)


def test_correlated_speckle_has_its_looks_and_correlation():
    """Mean 1 and variance 1/L per pixel whatever the correlation; neighbours correlate only when asked."""
    from slick_backend.simulate.artefacts import correlated_speckle

    for looks, corr in ((10.0, 0.0), (10.0, 1.0), (4.4, 0.7)):
        s = correlated_speckle((1024, 1024), looks, corr, np.random.default_rng(1)).astype(np.float64)
        assert s.mean() == pytest.approx(1.0, abs=0.01)
        assert 1.0 / s.var() == pytest.approx(looks, rel=0.06)
        rho = np.corrcoef(s[:, :-1].ravel(), s[:, 1:].ravel())[0, 1]
        assert (rho > 0.3) if corr >= 0.7 else (abs(rho) < 0.02)


@pytest.mark.parametrize("mode_name", ["EW", "IW"])
def test_speckle_of_a_file_has_the_scenes_number_of_looks(mode_name, tmp_path):
    """mean^2 / var of intensity over small windows of a GRD-like file matches the same estimator
    on pure speckle of the scene's recorded looks and correlation (texture adds little at 9 px)."""
    from slick_backend.progress import NullProgress
    from slick_backend.simulate.api import SimulateParams, run_simulate
    from slick_backend.simulate.artefacts import correlated_speckle

    def local_enl(intensity, valid):
        k = 9
        mean = ndimage.uniform_filter(intensity, k)
        var = ndimage.uniform_filter(intensity**2, k) - mean**2
        valid = ndimage.minimum_filter(valid.astype(np.uint8), k) > 0
        return np.median(mean[valid] ** 2 / var[valid] * (k * k - 1) / (k * k))

    out = tmp_path / "s"
    run_simulate(SimulateParams(out_dir=str(out), mode=mode_name, scenes=1, seed=5, size=320, georef="gcp"), NullProgress())
    scene = json.loads((out / "manifest.json").read_text())["scenes"][0]
    with rasterio.open(out / scene["file"]) as src:
        dn = src.read(1).astype(np.float64)
        scale = float(src.tags()["CALIBRATION_DN_SCALE"])
    looks, corr = scene["conditions"]["looks"], scene["conditions"]["speckle_corr_px"]
    assert scene["looks"] == looks and 0.6 * scene["nominal_looks"] <= looks <= 1.4 * scene["nominal_looks"]
    pure = correlated_speckle((640, 640), looks, corr, np.random.default_rng(0)).astype(np.float64)
    expected = local_enl(pure, np.ones(pure.shape, bool))
    assert local_enl((dn / scale) ** 2, dn > 0) == pytest.approx(expected, rel=0.2)


def test_same_seed_same_scenes_other_seed_other_scenes(tmp_path):
    from slick_backend.progress import NullProgress
    from slick_backend.simulate.api import SimulateParams, run_simulate

    def read_all(seed, name):
        out = tmp_path / name
        run_simulate(SimulateParams(out_dir=str(out), mode="EW", scenes=3, seed=seed, size=128), NullProgress())
        arrays = [rasterio.open(p).read(1) for p in sorted(out.glob("*.tif*"))]
        _, _, wkb, fields = pyogrio.raw.read(out / "labels.gpkg", layer="slicks")
        return sorted(p.name for p in out.glob("*.tif*")), arrays, list(wkb), list(fields[0])

    a, b, c = read_all(3, "a"), read_all(3, "b"), read_all(4, "c")
    assert a[0] == b[0] and a[2] == b[2] and a[3] == b[3]
    assert all(np.array_equal(x, y, equal_nan=True) for x, y in zip(a[1], b[1], strict=True))
    assert a[0] != c[0] or not all(np.array_equal(x, y, equal_nan=True) for x, y in zip(a[1], c[1], strict=True))


def test_sea_clutter_model_behaves_like_c_band_sea():
    """The CMOD-like model: falls with incidence, grows with wind, upwind > downwind > crosswind,
    collapses below the Bragg threshold; HH below VV increasingly with incidence; NESZ banding."""
    from slick_backend.simulate.backscatter import noise_floor, polarisation_ratio, sea_sigma0_vv

    db = lambda x: 10 * np.log10(np.asarray(x, np.float64))  # noqa: E731
    assert db(sea_sigma0_vv(30, 7, 0.5)) == pytest.approx(-12 + db(1 + 0.12 * np.cos(0.5) + 0.3 * np.cos(1.0)), abs=0.3)
    assert sea_sigma0_vv(20, 7, 0) > sea_sigma0_vv(35, 7, 0) > sea_sigma0_vv(46, 7, 0)
    assert sea_sigma0_vv(35, 12, 0) > sea_sigma0_vv(35, 7, 0) > sea_sigma0_vv(35, 4, 0)
    assert sea_sigma0_vv(35, 7, 0) > sea_sigma0_vv(35, 7, np.pi) > sea_sigma0_vv(35, 7, np.pi / 2)
    assert db(sea_sigma0_vv(35, 4, 0)) - db(sea_sigma0_vv(35, 1.5, 0)) > 10  # calm sea is dark
    pr = db(polarisation_ratio(np.array([20.0, 30.0, 45.0])))
    assert 0.5 < pr[0] < pr[1] < pr[2] and 4.5 < pr[2] < 7
    ew = MODES["EW"]
    rng_km = np.linspace(0, ew.swath_km, 4001)[:-1]
    nesz = db(noise_floor(ew, rng_km, np.array([0.0]), 0.0)[0])
    assert -26 < nesz.min() and nesz.max() < -19
    # banding: the floor jumps where sub-swaths meet and is scalloped inside each one
    edges = [sw.end_km for sw in ew.subswaths[:-1]]
    jumps = [abs(nesz[np.searchsorted(rng_km, e)] - nesz[np.searchsorted(rng_km, e) - 1]) for e in edges]
    assert max(jumps) > 0.5
    centre = np.searchsorted(rng_km, 45.0)
    assert nesz[centre] < nesz[5] - 1.5


def test_labelled_pieces_stand_out_of_the_image_as_measured():
    """visible_pieces keeps a dark ribbon on speckle and drops one of the same shape that is too
    faint to see (its ring-relative contrast below MIN_CNR) and specks below MIN_LABEL_M2."""
    from slick_backend.simulate.artefacts import correlated_speckle
    from slick_backend.simulate.plumes import MIN_CNR
    from slick_backend.simulate.scene import visible_pieces

    rng = np.random.default_rng(0)
    sigma = correlated_speckle((300, 300), 10.0, 0.8, rng).astype(np.float32) * 0.01
    labels = np.zeros((300, 300), np.uint8)
    labels[40:46, 20:280] = 1  # a 6 px x 260 px ribbon at 40 m: 2.5 km^2
    labels[140:146, 20:280] = 2
    labels[240:243, 100:104] = 3  # 12 px: 0.02 km^2, a speck
    sigma[40:46, 20:280] *= 10 ** (-0.4)  # 4 dB darker: plainly visible
    sigma[140:146, 20:280] *= 10 ** (-0.03)  # 0.3 dB: invisible in 10-look speckle
    sigma[240:243, 100:104] *= 0.1
    kept = visible_pieces(sigma, labels, 40.0)
    assert (kept == 1).sum() == (labels == 1).sum() and not (kept == 2).any() and not (kept == 3).any()
    assert MIN_CNR > 0
