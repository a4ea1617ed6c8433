"""Throughput (Mpx/s) and peak memory of `slick-backend prepare` on a large synthetic scene.

Writes a float32 linear-sigma0 scene of SIZE x SIZE px (default 20,000 x 20,000, 10 m pixels,
tiled + compressed, written strip by strip so this script stays small too) with speckle, an
incidence trend, dark slicks and ships, and label polygons in EPSG:4326; then runs prepare in
a child process and reports wall time, Mpx/s (source pixels and target-grid pixels per second)
and the child's peak RSS, with the machine it ran on.

Georeference of the big scene: ``--georef 4326`` (default: a real warp to UTM on every window),
``utm`` (already on the target grid: no resampling) or ``utm20`` (UTM, 20 m -> 25 m resampling).
Usage: .venv/bin/python benchmarks/bench_prepare.py [--size 20000] [--georef 4326] [--keep DIR]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import rasterio
import shapely
from machine import machine  # noqa: E402
from pyogrio.raw import write as ogr_write
from rasterio.transform import from_origin
from rasterio.warp import transform as transform_xy

LON0, LAT0 = 3.0, 57.5  # North Sea, UTM 31N


def write_scene(path: Path, size: int, georef: str) -> tuple[str, object, int]:
    """Strip by strip: memory stays at one strip whatever ``size``."""
    if georef == "4326":
        # ~10 m pixels at 57.5 N: 0.00009 deg of latitude, 0.000167 deg of longitude
        crs, transform = "EPSG:4326", from_origin(LON0, LAT0, 0.000167, 0.00009)
    else:
        pixel = 10.0 if georef == "utm" else 20.0
        x, y = transform_xy("EPSG:4326", "EPSG:32631", [LON0], [LAT0])
        crs, transform = "EPSG:32631", from_origin(round(x[0] / pixel) * pixel, round(y[0] / pixel) * pixel, pixel, pixel)
    profile = dict(driver="GTiff", width=size, height=size, count=1, dtype="float32", crs=crs, transform=transform,
                   nodata=0.0, tiled=True, blockxsize=512, blockysize=512, compress="zstd", zstd_level=1,
                   predictor=3, bigtiff="yes")
    rng = np.random.default_rng(0)
    trend = np.linspace(0.08, 0.02, size, dtype=np.float32)[None, :]
    strip = 1024
    centres = rng.uniform(0.1, 0.9, size=(40, 2)) * size
    with rasterio.open(path, "w", **profile) as ds:
        for r0 in range(0, size, strip):
            h = min(strip, size - r0)
            sig = trend * rng.standard_gamma(4.0, size=(h, size), dtype=np.float32) / 4.0
            rows = np.arange(r0, r0 + h, dtype=np.float32)[:, None]
            cols = np.arange(size, dtype=np.float32)[None, :]
            for cr, cc in centres:  # dark slicks (6 dB) as ellipses
                if abs(cr - r0 - h / 2) < h / 2 + 400:
                    inside = ((rows - cr) / 400) ** 2 + ((cols - cc) / 120) ** 2 < 1
                    sig[inside] *= 0.25
            for _ in range(h // 64):  # ships
                rr, cc = rng.integers(1, h - 1), rng.integers(1, size - 1)
                sig[rr - 1 : rr + 2, cc - 1 : cc + 2] = 30.0
            sig[:, : size // 50] = 0.0  # nodata border
            ds.write(sig, 1, window=rasterio.windows.Window(0, r0, size, h))
    # Label polygons of the slicks, in lon/lat.
    polys = []
    for cr, cc in centres:
        ell = shapely.affinity.scale(shapely.Point(cc + 0.5, cr + 0.5).buffer(1.0, quad_segs=16), 120, 400)
        ell = shapely.transform(ell, lambda xy: np.column_stack(transform @ (xy[:, 0], xy[:, 1])))
        if crs != "EPSG:4326":
            ell = shapely.transform(ell, lambda xy: np.column_stack(transform_xy(crs, "EPSG:4326", xy[:, 0], xy[:, 1])))
        polys.append(ell)
    labels = path.with_name("labels.gpkg")
    ogr_write(labels, geometry=shapely.to_wkb(np.asarray(polys, dtype=object)), field_data=[], fields=[],
              layer="slicks", driver="GPKG", geometry_type="Polygon", crs="EPSG:4326")
    return str(labels), transform, size * size


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--size", type=int, default=20000)
    ap.add_argument("--georef", choices=["4326", "utm", "utm20"], default="4326")
    ap.add_argument("--pixel-size", type=int, default=None, help="default: 10 (25 for utm20)")
    ap.add_argument("--tile", type=int, default=256)
    ap.add_argument("--keep", metavar="DIR", help="work in DIR and keep the files")
    args = ap.parse_args()
    pixel = args.pixel_size or (25 if args.georef == "utm20" else 10)
    print(f"machine: {machine(rasterio=rasterio.__version__, gdal=rasterio.__gdal_version__)}", flush=True)
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(args.keep or tmp)
        work.mkdir(parents=True, exist_ok=True)
        scene = work / f"big_{args.georef}.tif"
        t0 = time.perf_counter()
        labels, _, src_px = write_scene(scene, args.size, args.georef)
        print(f"wrote {args.size} x {args.size} float32 scene ({args.georef}, {scene.stat().st_size / 2**30:.2f} GiB "
              f"on disk) in {time.perf_counter() - t0:.0f} s", flush=True)
        out = work / "dataset"
        # The child reports its own VmHWM (peak RSS of its address space, reset by exec).
        child = ("import sys; from slick_backend.cli.main import main; rc = main(sys.argv[1:]); "
                 "hwm = [ln for ln in open('/proc/self/status') if ln.startswith('VmHWM')][0]; "
                 "print(hwm.strip(), file=sys.stderr); sys.exit(rc)")
        cmd = [sys.executable, "-c", child, "--quiet", "prepare", "--scenes", str(scene), "--labels", labels,
               "--pixel-size", str(pixel), "--tile", str(args.tile), "--out", str(out), "--overwrite"]
        t0 = time.perf_counter()
        proc = subprocess.run(cmd, capture_output=True, text=True)
        wall = time.perf_counter() - t0
        if proc.returncode:
            print(proc.stderr, file=sys.stderr)
            return proc.returncode
        hwm = next(ln for ln in proc.stderr.splitlines() if ln.startswith("VmHWM"))
        peak_mib = int(hwm.split()[1]) / 1024  # kB
        result = json.loads(proc.stdout)
        scene_rec = json.loads((out / "manifest.json").read_text())["scenes"][0]
        grid_px = scene_rec["width"] * scene_rec["height"]
        disk = sum(p.stat().st_size for p in out.rglob("*") if p.is_file())
        print(f"prepare: pixel {pixel} m, tile {args.tile}, grid {scene_rec['width']} x {scene_rec['height']} "
              f"({scene_rec['crs']}), {result['tiles']} tiles, {result['slick_pixels']} slick px")
        print(f"wall {wall:.1f} s | source {src_px / 1e6:.0f} Mpx -> {src_px / 1e6 / wall:.2f} Mpx/s | "
              f"target grid {grid_px / 1e6:.0f} Mpx -> {grid_px / 1e6 / wall:.2f} Mpx/s | "
              f"peak RSS {peak_mib:.0f} MiB | dataset {disk / 2**20:.0f} MiB on disk")
        print(f"(a full-scene float32 array would be {src_px * 4 / 2**20:.0f} MiB; "
              f"load avg at the end {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
