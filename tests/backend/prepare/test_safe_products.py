"""Sentinel-1 products as downloaded (.SAFE folder, manifest.safe, .zip, GDAL subdataset names):
the real product's metadata in ../shared/data/s1_grd_safe, and miniature products written by
the simulator with known sigma0 and noise, read through prepare and predict."""

from __future__ import annotations

import datetime as dt
import json
import shutil
import zipfile
from pathlib import Path

import numpy as np
import pytest
import rasterio
from rasterio.windows import Window
from slick_backend.errors import InputError
from slick_backend.scenes import choose_grid, open_scene, open_scene_or_empty, scene_exists, scene_stem
from slick_backend.scenes.calibration import Calibration
from slick_backend.scenes.safe import find_product
from slick_backend.simulate.geometry import place_scene
from slick_backend.simulate.modes import PRODUCTS
from slick_backend.simulate.safe_product import write_safe_product
from slick_backend.simulate.sites import SITES

REAL = Path(__file__).resolve().parents[3].parent / "shared" / "data" / "s1_grd_safe"
REAL_NAME = "S1B_IW_GRDH_1SDV_20211223T051122_20211223T051147_030148_039993_5371"
START = dt.datetime(2024, 5, 1, 6, 0, tzinfo=dt.timezone.utc)


@pytest.fixture(scope="module")
def real_product() -> Path:
    path = REAL / f"{REAL_NAME}.SAFE"
    if not (path / "manifest.safe").is_file():
        pytest.fail(f"the real SAFE fixture is missing: expected it in {path}")
    return path


def _zip(folder: Path, out: Path) -> Path:
    with zipfile.ZipFile(out, "w") as zf:
        for f in sorted(folder.rglob("*")):
            zf.write(f, f.relative_to(folder.parent).as_posix())
    return out


# --- the real product's metadata ------------------------------------------------------------
def test_real_manifest_read_from_folder_manifest_and_zip(real_product, tmp_path):
    zipped = _zip(real_product, tmp_path / f"{REAL_NAME}.zip")
    for given in (real_product, real_product / "manifest.safe", zipped):
        p = find_product(given)
        assert (p.name, p.platform, p.mode, p.product_type) == (REAL_NAME, "S1B", "IW", "GRD")
        assert p.polarisations == ["VV", "VH"]
        assert (p.start_time, p.orbit, p.relative_orbit, p.orbit_pass) == (
            "2021-12-23T05:11:22.594441", 30148, 22, "DESCENDING")
        assert p.choose_polarisation(None) == "VV"
        assert scene_exists(given) and scene_stem(given) == REAL_NAME
    assert find_product(zipped).measurement("VV").startswith(f"/vsizip/{zipped.resolve()}/{REAL_NAME}.SAFE/measurement/")


def test_real_product_missing_and_absent_polarisations(real_product):
    p = find_product(real_product)
    with pytest.raises(InputError, match=r"lists VH but its measurement file .* is missing.*choose VV"):
        p.measurement("VH")
    with pytest.raises(InputError, match=r"no HH band \(it holds VV, VH\)"):
        p.choose_polarisation("HH")
    gdal_name = f"SENTINEL1_CALIB:UNCALIB:{real_product}/manifest.safe:IW_VH:AMPLITUDE"
    with pytest.raises(InputError, match="choose VV"):
        open_scene(gdal_name)


def test_real_product_georeferenced_by_its_annotation(real_product):
    """Its measurement TIFF has placeholder pixels (all 0) and no GCPs: the geolocation grid of
    the annotation georeferences it, and predict would see an empty scene, not a crash."""
    with pytest.raises(InputError, match="no valid pixels"):
        open_scene(real_product)
    scene, empty = open_scene_or_empty(real_product, calibration="sigma0-denoised")
    with scene:
        assert empty and scene.georef == "gcps" and len(scene.gcps) == 210
        lon, lat = scene.center_lonlat()
        assert 13.0 < lon < 14.5 and 41.2 < lat < 42.2  # off the Italian Adriatic coast (manifest footprint)
        assert (scene.id, scene.mode, scene.polarisation) == (REAL_NAME, "IW", "VV")
        assert scene.tags["ORBIT_DIRECTION"] == "DESCENDING"


def test_real_calibration_luts_interpolate_the_annotation(real_product):
    p = find_product(real_product)
    cal = Calibration(p.read_text(p.file("VV", "calibration")), p.read_text(p.file("VV", "noise")), "real")
    v = cal.sigma0[1]  # a vector line: the LUT there is the listed values, linear between pixels
    rows = np.array([float(v.line)])
    cols = np.array([v.pixels[3], (v.pixels[3] + v.pixels[4]) / 2])
    got = cal.apply(np.full((1, 2), 100, np.uint16), int(v.line), 0, denoise=False)  # at cols 0, 1
    assert got.shape == (1, 2)
    from slick_backend.scenes.calibration import lut_on_window

    a = lut_on_window(cal.sigma0, rows, cols)[0]
    assert a[0] == pytest.approx(v.values[3], rel=1e-5)
    assert a[1] == pytest.approx((v.values[3] + v.values[4]) / 2, rel=1e-5)
    # noise = range LUT x the azimuth LUT of the sub-swath block the pixel lies in
    block = cal.noise_azimuth[1]
    r, c = float(cal.noise_range[2].line), float(block.first_sample + 5)
    n_range = lut_on_window(cal.noise_range, np.array([r]), np.array([c]))[0, 0]
    expected = n_range * np.interp(r, block.lines, block.values)
    assert cal.noise(np.array([r]), np.array([c]))[0, 0] == pytest.approx(expected, rel=1e-5)


# --- miniature products with known radiometry --------------------------------------------------
@pytest.fixture(scope="module")
def known(tmp_path_factory) -> dict:
    """sigma0 -12 dB with a -22 dB dark patch, NESZ -24 dB rising linearly across range (exactly
    what the sparse LUTs interpolate), no speckle; as a folder, a zip, and a folder whose
    measurement TIFFs carry no GCPs."""
    mode = PRODUCTS[("EW", "GRDM")]
    geom = place_scene(mode, SITES["prins_karls_forland"], 256, np.random.default_rng(0), True)
    sigma0 = np.full((256, 256), 10 ** -1.2, np.float32)
    sigma0[96:160, 64:144] = 10 ** -2.2
    nesz = np.broadcast_to((10 ** -2.4 * (1 + 2 * np.arange(256) / 255)).astype(np.float32), (256, 256)).copy()
    out = tmp_path_factory.mktemp("safe")
    common = dict(mode="EW", product="GRDM", pol="HH", start=START, ascending=True, orbit=53600, take=0x4A1B2C)
    for sub in ("folder", "zip", "bare"):
        (out / sub).mkdir()
    folder = write_safe_product(out / "folder", geom, sigma0 + nesz, nesz, **common)
    zipped = write_safe_product(out / "zip", geom, sigma0 + nesz, nesz, as_zip=True, **common)
    bare = write_safe_product(out / "bare", geom, sigma0 + nesz, nesz, tiff_gcps=False, **common)
    return {"folder": folder["path"], "zip": zipped["path"], "bare": bare["path"], "sigma0": sigma0, "nesz": nesz,
            "name": folder["name"]}


def _db_in_source_geometry(scene) -> np.ndarray:
    """Calibrated values on the product's own pixel grid (no resampling), in dB."""
    dn = scene._ds.read(1)
    return 10 * np.log10(scene._calibration.apply(dn, 0, 0, denoise=scene.calibration == "sigma0-denoised"))


@pytest.mark.parametrize("which", ["folder", "zip", "bare"])
def test_calibration_gives_back_the_known_sigma0(known, which):
    truth_db = 10 * np.log10(known["sigma0"])
    with open_scene(known[which], calibration="sigma0-denoised") as scene:
        assert scene.kind == "linear" and scene.id == known["name"] and scene.georef == "gcps"
        err = np.abs(_db_in_source_geometry(scene) - truth_db)
        assert np.percentile(err, 99) < 0.3  # DN rounding only (DN ~ 50 in the dark patch)
    with open_scene(known[which], calibration="sigma0") as scene:  # noise kept: the floor shows
        kept = _db_in_source_geometry(scene)
        patch = (slice(100, 156), slice(70, 140))
        assert np.median(kept[patch] - truth_db[patch]) > 0.9  # NESZ -24..-19 dB over a -22 dB patch


def test_calibrated_windows_warp_like_the_rest(known):
    """Read through the UTM grid: the patch and the sea keep their calibrated levels."""
    with open_scene(known["zip"], calibration="sigma0-denoised") as scene:
        grid = choose_grid(scene, 40)
        values, valid = scene.read(grid, Window(0, 0, grid.width, grid.height))
        assert valid.mean() > 0.3
        levels = np.round(values[valid])
        assert np.mean(np.abs(levels + 12) <= 0.5) > 0.6  # the -12 dB sea
        assert np.mean(np.abs(levels + 22) <= 0.5) > 0.05  # the -22 dB patch
    with open_scene(known["zip"]) as scene:  # default: the measurement as amplitude DN
        assert scene.kind == "amplitude" and scene.polarisation == "HH"


def test_polarisation_choice_and_gdal_names(known):
    for pol, offset in (("HH", 0.0), ("HV", -9.0)):
        with open_scene(known["folder"], polarisation=pol, calibration="sigma0") as scene:
            assert scene.polarisation == pol
            grid = choose_grid(scene, 40)
            values, valid = scene.read(grid, Window(0, 0, grid.width, grid.height))
            sea = np.median(values[valid])
            assert abs(sea - offset - (-12 + 10 * np.log10(1 + 10 ** -1.2 * 2))) < 1.5
    gdal_name = f"SENTINEL1_CALIB:UNCALIB:{known['folder']}/manifest.safe:EW_HV:AMPLITUDE"
    with open_scene(gdal_name) as scene:
        assert scene.polarisation == "HV" and scene.id == known["name"]
    with rasterio.open(known["folder"] / "manifest.safe") as ds:  # GDAL's own SAFE driver reads it too
        assert ds.driver == "SAFE" and any(":EW_HH:" in s for s in ds.subdatasets)


def test_bad_products_say_what_is_wrong(known, tmp_path):
    broken = shutil.copytree(known["folder"], tmp_path / f"{known['name']}.SAFE")
    cal = next((broken / "annotation" / "calibration").glob("calibration-*-hh-*.xml"))
    cal.write_text("<calibration><calibrationVectorList/></calibration>")
    with pytest.raises(InputError, match="calibration / noise annotation is unreadable"):
        open_scene(broken, calibration="sigma0")
    with open_scene(broken) as scene:  # without calibration it is still readable
        assert scene.kind == "amplitude"
    (broken / "manifest.safe").write_text((broken / "manifest.safe").read_text().replace(">GRD<", ">SLC<"))
    with pytest.raises(InputError, match="SLC product; Slick reads GRD"):
        open_scene(broken)
    two = tmp_path / "two.zip"
    with zipfile.ZipFile(two, "w") as zf:
        zf.writestr("A.SAFE/manifest.safe", "<x/>")
        zf.writestr("B.SAFE/manifest.safe", "<x/>")
    with pytest.raises(InputError, match="holds 2 Sentinel-1 products"):
        open_scene(two)
    (tmp_path / "cut.zip").write_bytes(known["zip"].read_bytes()[:5000])
    with pytest.raises(InputError, match="not a readable zip"):
        open_scene(tmp_path / "cut.zip")
    raster = tmp_path / "plain.tif"
    with rasterio.open(raster, "w", driver="GTiff", width=8, height=8, count=1, dtype="float32",
                       crs="EPSG:32633", transform=rasterio.Affine(25, 0, 500000, 0, -25, 8700000)) as ds:
        ds.write(np.full((1, 8, 8), 0.05, np.float32))
    with pytest.raises(InputError, match="needs the product's calibration"):
        open_scene(raster, calibration="sigma0")


# --- prepare and predict on products ---------------------------------------------------------
@pytest.fixture(scope="module")
def simulated_products(tmp_path_factory) -> dict:
    from slick_backend.progress import NullProgress
    from slick_backend.simulate.api import SimulateParams, run_simulate

    out = tmp_path_factory.mktemp("simsafe")
    folders = run_simulate(SimulateParams(out_dir=str(out / "folders"), mode="EW", scenes=2, seed=3, size=384,
                                          georef="safe"), NullProgress())
    zips = run_simulate(SimulateParams(out_dir=str(out / "zips"), mode="EW", scenes=1, seed=5, size=384,
                                       georef="safe-zip"), NullProgress())
    return {"folders": folders, "zips": zips}


def test_prepare_reads_products_and_records_the_calibration(simulated_products, tmp_path):
    from slick_backend.dataset.prepare import PrepareParams, run_prepare
    from slick_backend.progress import NullProgress

    folders, zips = simulated_products["folders"], simulated_products["zips"]
    from pyogrio.raw import read, write

    labels = Path(shutil.copy(folders["labels"], tmp_path / "labels.gpkg"))  # one label file for all products
    meta, _fids, geometry, fields = read(zips["labels"])
    write(str(labels), geometry, fields, meta["fields"], layer="slicks", append=True, crs=meta["crs"],
          geometry_type=meta["geometry_type"])
    scenes = folders["scenes"] + zips["scenes"]
    assert [Path(s).suffix for s in scenes] == [".SAFE", ".SAFE", ".zip"]
    params = PrepareParams(scenes=scenes, out_dir=str(tmp_path / "ds"), labels=str(labels), pixel_size=40, tile=128,
                           split=[1.0, 0.0, 0.0], calibration="sigma0-denoised", min_valid=0.3)
    run_prepare(params, NullProgress())
    manifest = json.loads((tmp_path / "ds" / "manifest.json").read_text())
    assert manifest["params"]["calibration"] == "sigma0-denoised"
    recs = {s["id"]: s for s in manifest["scenes"]}
    assert set(recs) == {Path(s).stem for s in scenes}  # product names
    for rec in recs.values():
        assert rec["mode"] == "EW" and rec["polarisation"] == "HH" and rec["platform"] == "S1A"
        assert rec["calibration"] == "sigma0-denoised" and rec["product_polarisations"] == ["HH", "HV"]
    assert sum(rec["slick_pixels"] for rec in recs.values()) > 0  # labels found their products by name


def test_predict_applies_the_models_calibration(simulated_products, tmp_path, tiny_model_dir):
    from slick_backend.predict.api import PredictParams, run_predict
    from slick_backend.progress import NullProgress

    card = json.loads((tiny_model_dir / "model.json").read_text())
    card["preprocessing"] = {"dataset_params": {"calibration": "sigma0-denoised"}}
    (tiny_model_dir / "model.json").write_text(json.dumps(card))
    product = simulated_products["zips"]["scenes"][0]
    res = run_predict(PredictParams(scene=product, out_prefix=str(tmp_path / "p"), model=str(tiny_model_dir)), NullProgress())
    assert res["read"] == {"kind": "linear", "polarisation": "HH", "calibration": "sigma0-denoised"}
    assert res["warnings"] == []
    res = run_predict(PredictParams(scene=product, out_prefix=str(tmp_path / "q"), model=str(tiny_model_dir),
                                    calibration="none"), NullProgress())
    assert res["read"]["calibration"] == "none" and res["read"]["kind"] == "amplitude"
    assert any("trained on scenes read with calibration sigma0-denoised" in w for w in res["warnings"])


@pytest.fixture
def tiny_model_dir(tmp_path) -> Path:
    """A real DeepLabv3-ResNet18 at 64 px (random init) for EW HH, in a dir this test may edit."""
    import torch
    from slick_backend.atomic import atomic_dir
    from slick_backend.models.modeldir import save_model_dir
    from slick_backend.models.registry import build_from_spec, normalise_spec

    torch.manual_seed(0)
    spec = normalise_spec("deeplabv3", "resnet18", 64, {"output_stride": 16, "decoder_channels": 32})
    card = {"name": "tiny-r18", "arch": "deeplabv3", "backbone": "resnet18", "model": spec, "tile": 64,
            "pixel_size": 40, "bands": 1, "modes": ["EW"], "polarisations": ["HH"], "threshold": 0.5}
    out = tmp_path / "tiny"
    with atomic_dir(out) as tmp:
        save_model_dir(tmp, build_from_spec(spec).eval(), card)
    return out
