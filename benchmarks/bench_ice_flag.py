"""The sea-ice flag of the outlines (``ice_like``, ``ice_score``: backend/slick_backend/ice_flag.py),
measured on simulated EW scenes against the simulator's own ice truth.

    .venv/bin/python benchmarks/bench_ice_flag.py [--scenes 32] [--size 1024] [--seed 500] [--fit]
                                                   [--csv FILE] [--real]

Scenes: EW GRDM (40 m) over both EW sites (Prins Karls Forland, Sentralbanken) in turn, pairs
drawn with an ice edge (the site's ice_probability set to 1) alternating with pairs without
(set to 0); everything else as `simulate` draws it. Each scene is written as a UTM dB GeoTIFF.
The outlines scored, by source:
  - baseline: `baseline` with its defaults (land masked): its dark spots are the slicks and the
    look-alikes (leads and grease ice, calm water, wakes, rain cells...); their ice_score is read
    back from the outline file it writes (and checked against this script's own pass);
  - truth slicks: the simulated slicks (the label raster's pieces of at least 0.01 km²);
  - probes: disks of 250 m radius at random places of the swath, up to 30 in ice (concentration
    > 0.9) and 30 in open water (< 0.01) per scene: the flag judges surroundings, and ice covers
    only a corner of a scene, so probes are what gives enough outlines in ice.
Truth slicks and probes are scored here with IceField on the image baseline reads (the scene's
2-sigma dB stretch, land masked). An outline is "in/near ice" when the mean ice concentration
of its ring (the blocks the flag looks at, up to 3 km outside it) is at least TRUTH_RING_ICE.
Printed: per source, the outlines in/near ice and not, the flag's precision and recall, how
many it marks in the scenes without ice, and the machine.

--fit fits the logistic score (mean, bright) by maximum likelihood on these outlines and prints
its weights, the AUCs and precision/recall by threshold: fit on one --seed, check on another.
--csv writes every outline's features and truth. --real then counts (measures, never tunes) the
outlines the flag marks on the three real mosaics of ../shared/data/arctic_ew: baseline dark
spots and the mosaics' labelled slicks.
"""

from __future__ import annotations

import argparse
import csv
import dataclasses
import tempfile
import time
from pathlib import Path

import numpy as np
from machine import machine  # noqa: E402

ARCTIC = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "arctic_ew"
TRUTH_RING_ICE = 0.3  # mean ice concentration of the ring that makes an outline "in/near ice"
PIXEL = 25.0


def simulate(index: int, seed: int, size: int, tmp: Path):
    """(scene path, SceneGeometry, SceneResult) of scene ``index``: EW GRDM, both sites in turn."""
    from slick_backend.simulate.geometry import place_scene
    from slick_backend.simulate.modes import PRODUCTS
    from slick_backend.simulate.scene import simulate_scene
    from slick_backend.simulate.sites import SITES
    from slick_backend.simulate.writers import write_utm_db

    site = SITES[("prins_karls_forland", "sentralbanken")[index % 2]]
    with_ice = (index // 2) % 2 == 0
    site = dataclasses.replace(site, ice_probability=1.0 if with_ice else 0.0)
    rng = np.random.default_rng([seed, index])
    geom = place_scene(PRODUCTS[("EW", "GRDM")], site, size, rng, bool(rng.random() < 0.5))
    result = simulate_scene(geom, np.random.SeedSequence([seed, index, 1]))
    path = tmp / f"ew_{index:03d}_{site.name}.tif"
    write_utm_db(path, geom, result.intensity, {"S1_MODE": "EW", "S1_POLARISATION": "HH"})
    return path, geom, result


def fields_of(path: Path, grid, ice_truth: np.ndarray | None, geom) -> tuple:
    """Two IceFields fed as baseline feeds its own: the stretched scene, and the ice truth (0..255)
    on the same valid pixels (the scene's, less the land mask)."""
    from rasterio.warp import Resampling, reproject
    from rasterio.windows import Window
    from slick_backend.ice_flag import IceField
    from slick_backend.masks import build_masks
    from slick_backend.scenes import apply_stretch, compute_stretch, open_scene

    image_field, truth_field = IceField(grid), IceField(grid)
    masks = build_masks(grid, 1.0, [])
    with open_scene(path) as scene:
        stretch = compute_stretch(scene, grid)
        for row in range(0, grid.height, 256):
            h = min(256, grid.height - row)
            values, valid = scene.read(grid, Window(0, row, grid.width, h))
            valid = masks.unmasked(grid, row, valid)
            image_field.add(row, apply_stretch(values, valid, stretch).astype(np.float32), valid)
            truth = np.zeros((h, grid.width), np.float32)
            if ice_truth is not None:
                reproject(ice_truth, truth, src_transform=geom.transform, src_crs=geom.crs,
                          dst_transform=grid.window_transform(Window(0, row, grid.width, h)), dst_crs=grid.crs,
                          resampling=Resampling.bilinear)
            truth_field.add(row, 255.0 * truth, valid)
    return image_field, truth_field


def truth_outlines(geom, result, grid) -> list:
    """The simulated slicks as polygons on the grid's CRS."""
    import shapely
    from pyproj import Transformer
    from rasterio import features
    from shapely.geometry import shape

    to_grid = Transformer.from_crs(geom.crs, grid.crs, always_xy=True)
    out = []
    for poly, _ in features.shapes(result.labels, mask=result.labels > 0, connectivity=8, transform=geom.transform):
        poly = shapely.transform(shape(poly), lambda xy: np.column_stack(to_grid.transform(xy[:, 0], xy[:, 1])))
        if poly.area >= 0.01e6:  # predict's default --min-area-km2
            out.append(poly)
    return out


PROBES = 30  # per kind (in ice, in water) and scene
PROBE_M = 250.0  # radius of a probe outline


def probes(geom, result, grid, rng: np.random.Generator) -> list[tuple[str, object]]:
    """Disks of PROBE_M at random places of the swath: up to PROBES where the ice concentration is
    above 0.9 and PROBES where it is below 0.01 (the flag judges surroundings, wherever an outline is)."""
    import shapely
    from affine import Affine
    from rasterio.warp import Resampling, reproject

    step = 8
    coarse = grid.affine @ Affine.scale(step)
    shape = (-(-grid.height // step), -(-grid.width // step))
    ice = np.zeros(shape, np.float32)
    if result.ice is not None:
        reproject(result.ice, ice, src_transform=geom.transform, src_crs=geom.crs, dst_transform=coarse,
                  dst_crs=grid.crs, resampling=Resampling.average)
    footprint = geom.footprint_utm()
    out = []
    for kind, where in (("probe_ice", ice > 0.9), ("probe_water", ice < 0.01)):
        rr, cc = np.nonzero(where)
        for k in rng.permutation(len(rr))[: 3 * PROBES]:
            point = shapely.Point(*(coarse * (cc[k] + 0.5, rr[k] + 0.5)))
            if footprint.contains(point) and sum(s == kind for s, _ in out) < PROBES:
                out.append((kind, point.buffer(PROBE_M)))
    return out


def scene_rows(index: int, args, tmp: Path) -> list[dict]:
    import shapely
    from pyogrio.raw import read as ogr_read
    from slick_backend.baseline import BaselineParams, run_baseline
    from slick_backend.ice_flag import score_of
    from slick_backend.progress import NullProgress
    from slick_backend.scenes import Grid

    path, geom, result = simulate(index, args.seed, args.size, tmp)
    res = run_baseline(BaselineParams(scene=str(path), out_prefix=str(tmp / path.stem)), NullProgress())
    grid = Grid.from_dict(res["grid"])
    image_field, truth_field = fields_of(path, grid, result.ice, geom)
    meta, _, wkb, data = ogr_read(res["outlines"], layer="slicks")
    written = dict(zip(meta["fields"].tolist(), data, strict=True))["ice_score"]
    outlines = [("baseline", shapely.from_wkb(w), written[i]) for i, w in enumerate(wkb)]
    outlines += [("truth", g, None) for g in truth_outlines(geom, result, grid)]
    outlines += [(kind, g, None) for kind, g in probes(geom, result, grid, np.random.default_rng([args.seed, index]))]
    rows = []
    for source, g, score_written in outlines:
        f, t = image_field.features(g), truth_field.features(g)
        if f is None:
            continue
        score = score_of(f)
        if score_written is not None and abs(score - score_written) > 0.002:  # the same code on the same image
            raise AssertionError(f"scene {index}: baseline wrote ice_score {score_written}, this pass gives {score:.3f}")
        rows.append({"scene": index, "site": geom.site.name, "ice_scene": int(result.ice is not None),
                     "source": source, "area_km2": round(g.area / 1e6, 4), "mean": round(f["mean"], 5),
                     "bright": round(f["bright"], 5), "ring_ice": round(t["mean"], 4), "score": round(score, 4)})
    return rows


def counts(rows: list[dict], threshold: float) -> tuple[int, int, int, int]:
    """(truth positives, true flags, false flags, missed) of ``rows`` at ``threshold``."""
    y = np.array([r["ring_ice"] >= TRUTH_RING_ICE for r in rows], bool)
    flag = np.array([r["score"] >= threshold for r in rows], bool)
    return int(y.sum()), int((y & flag).sum()), int((~y & flag).sum()), int((y & ~flag).sum())


def report(rows: list[dict], threshold: float) -> None:
    groups = {"baseline": ("baseline",), "truth slicks": ("truth",), "probes": ("probe_ice", "probe_water"),
              "all outlines": ("baseline", "truth", "probe_ice", "probe_water")}
    for name, sources in groups.items():
        sel = [r for r in rows if r["source"] in sources]
        if not sel:
            continue
        pos, tp, fp, fn = counts(sel, threshold)
        prec = f"{tp / (tp + fp):.3f}" if tp + fp else "n/a"
        rec = f"{tp / (tp + fn):.3f}" if tp + fn else "n/a"
        no_ice = [r for r in sel if not r["ice_scene"]]
        flagged_no_ice = counts(no_ice, threshold)[2] if no_ice else 0
        print(f"{name:13s} {len(sel):5d} outlines, {pos:4d} in/near ice: flagged {tp + fp:4d}, precision {prec}, "
              f"recall {rec} (TP {tp}, FP {fp}, FN {fn}); flagged in the {len(no_ice)} of scenes without ice: "
              f"{flagged_no_ice}")


def fit(rows: list[dict]) -> None:
    """Logistic regression of the truth on (mean, bright) by Newton steps; AUCs; P/R by threshold."""
    x = np.array([[1.0, r["mean"], r["bright"]] for r in rows])
    y = np.array([r["ring_ice"] >= TRUTH_RING_ICE for r in rows], float)
    w = np.zeros(3)
    for _ in range(50):
        p = 1 / (1 + np.exp(-x @ w))
        hess = x.T @ (x * (p * (1 - p))[:, None]) + 1e-6 * np.eye(3)
        w += np.linalg.solve(hess, x.T @ (y - p))
    print(f"fit: W0 {w[0]:.3f}  W_MEAN {w[1]:.3f}  W_BRIGHT {w[2]:.3f}")
    p = 1 / (1 + np.exp(-x @ w))
    for name, v in (("mean", x[:, 1]), ("bright", x[:, 2]), ("fitted score", p),
                    ("shipped score", np.array([r["score"] for r in rows]))):
        print(f"  AUC {name}: {auc(v, y.astype(bool)):.3f}")
    for t in (0.3, 0.4, 0.5, 0.6, 0.7):
        _, tp, fp, fn = counts([{**r, "score": s} for r, s in zip(rows, p, strict=True)], t)
        print(f"  fitted, threshold {t:.1f}: precision {tp / max(tp + fp, 1):.3f} recall {tp / max(tp + fn, 1):.3f}")


def auc(score: np.ndarray, y: np.ndarray) -> float:
    """Probability that a random positive scores above a random negative (ties count half)."""
    from scipy.stats import rankdata

    ranks = rankdata(score)
    npos, nneg = int(y.sum()), int((~y).sum())
    return (ranks[y].sum() - npos * (npos + 1) / 2) / max(npos * nneg, 1)


def flags_written(path: str) -> list:
    """ice_like of the outlines in a file that predict or baseline wrote."""
    from pyogrio.raw import read as ogr_read

    meta, _, _, data = ogr_read(path, layer="slicks")
    return dict(zip(meta["fields"].tolist(), data, strict=True))["ice_like"].tolist()


def real_mosaics(tmp: Path, model: str | None) -> None:
    """Outlines the flag marks on the real mosaics: measured only (nothing is changed after)."""
    import rasterio
    from rasterio import features
    from rasterio.windows import Window
    from shapely.geometry import shape
    from slick_backend.baseline import BaselineParams, run_baseline
    from slick_backend.ice_flag import IceField
    from slick_backend.masks import build_masks
    from slick_backend.predict.api import PredictParams, run_predict
    from slick_backend.progress import NullProgress
    from slick_backend.scenes import Grid, apply_stretch, compute_stretch, open_scene

    for folder in sorted(ARCTIC.glob("sample_*")):
        mosaic = folder / "raw_mosaic.tif"
        res = run_baseline(BaselineParams(scene=str(mosaic), out_prefix=str(tmp / folder.name)), NullProgress())
        found = {"baseline": flags_written(res["outlines"])}
        if model:
            pred = run_predict(PredictParams(scene=str(mosaic), out_prefix=str(tmp / f"{folder.name}_model"), model=model),
                               NullProgress())
            found[model] = flags_written(pred["outlines"])
        grid = Grid.from_dict(res["grid"])
        field, masks = IceField(grid), build_masks(grid, 1.0, [])
        with open_scene(mosaic) as scene:  # 1024 px: read whole, as baseline's strips would give it
            values, valid = scene.read(grid, Window(0, 0, grid.width, grid.height))
            valid = masks.unmasked(grid, 0, valid)
            field.add(0, apply_stretch(values, valid, compute_stretch(scene, grid)), valid)
        for name in ("labels_mosaic.png", "pred_base.tif", "pred_tl.tif"):
            if not (folder / name).exists():
                continue
            with rasterio.open(folder / name) as src:
                m = (src.read(1) == 1).astype(np.uint8)
            polys = [shape(p) for p, _ in features.shapes(m, mask=m > 0, transform=grid.affine)]
            found[name.split(".")[0]] = [field.attributes(p)["ice_like"] for p in polys if p.area >= 0.01e6]
        print(f"{folder.name}: " + "; ".join(
            f"{k} {sum(v == 1 for v in flags)} of {len(flags)} flagged"
            + (f" ({sum(v is None or v != v for v in flags)} not judged)" if any(v is None or v != v for v in flags)
               else "") for k, flags in found.items()))


def simulated(args, rows: list[dict], tmp: Path) -> None:
    from slick_backend import ice_flag

    for i in range(args.scenes):
        rows += scene_rows(i, args, tmp)
        print(f"scene {i + 1}/{args.scenes}: {len(rows)} outlines so far", flush=True)
    print(f"\n{args.scenes} EW scenes of {args.size} px (seed {args.seed}), truth: ring ice >= {TRUTH_RING_ICE}; "
          f"score W0 {ice_flag.W0}, W_MEAN {ice_flag.W_MEAN}, W_BRIGHT {ice_flag.W_BRIGHT}, "
          f"threshold {ice_flag.THRESHOLD}")
    report(rows, ice_flag.THRESHOLD)
    if args.fit:
        fit(rows)
    if args.csv:
        with open(args.csv, "w", newline="") as f:
            writer = csv.DictWriter(f, fieldnames=list(rows[0]))
            writer.writeheader()
            writer.writerows(rows)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--scenes", type=int, default=32, help="simulated EW scenes (half of them with an ice edge)")
    ap.add_argument("--size", type=int, default=1024, help="scene size in radar pixels of 40 m")
    ap.add_argument("--seed", type=int, default=500)
    ap.add_argument("--fit", action="store_true", help="fit the score's weights on these outlines and print them")
    ap.add_argument("--csv", help="write every outline's features and truth here")
    ap.add_argument("--real", action="store_true", help="also count the flagged outlines on the real mosaics")
    ap.add_argument("--model", help="with --real: also predict the mosaics with this model (e.g. slick-s1-source)")
    ap.add_argument("--skip-sim", action="store_true", help="with --real: only the real mosaics")
    args = ap.parse_args()
    t0 = time.perf_counter()
    rows: list[dict] = []
    with tempfile.TemporaryDirectory(prefix="bench-ice-") as tmp:
        if not args.skip_sim:
            simulated(args, rows, Path(tmp))
        if args.real:
            print("\nreal mosaics (measured only):")
            real_mosaics(Path(tmp), args.model)
    print(f"\n{time.perf_counter() - t0:.0f} s; machine: {machine(numpy=np.__version__)}")


if __name__ == "__main__":
    main()
