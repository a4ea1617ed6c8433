"""Work-dir stages of pretrain-source: simulate each scene set, prepare it, merge the sets.

Each stage's output is kept for inspection with a stamp ``<dir>.stage.json`` holding the hash
of what made it (the config entries it depends on and the code of the packages that make it).
A stage whose stamp matches is reused; any change redoes it and every stage after it.

    WORK/sim/<set>/            simulated scenes + labels.gpkg + manifest.json   (simulate)
    WORK/datasets/<set>/       tiles of that set, every scene in its role's split (prepare)
    WORK/datasets/union/       manifest.json only: the union of the sets' tiles  (dataset.merge)
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from .. import __version__
from ..progress import Progress
from .config import SPLITS, SimSet, SourceConfig, digest

PACKAGE = Path(__file__).resolve().parents[1]


def code_digest(*packages: str) -> str:
    """Hash of the sources of slick_backend sub-packages (a simulator change redoes the simulation)."""
    h = hashlib.sha256(__version__.encode())
    for name in packages:
        for path in sorted((PACKAGE / name).rglob("*.py")):
            h.update(path.relative_to(PACKAGE).as_posix().encode())
            h.update(path.read_bytes())
    return h.hexdigest()[:16]


def _stamp(folder: Path) -> Path:
    return folder.with_name(folder.name + ".stage.json")


def reusable(folder: Path, stage_hash: str) -> bool:
    try:
        stamp = json.loads(_stamp(folder).read_text())
    except (OSError, ValueError):
        return False
    return stamp.get("hash") == stage_hash and (folder / "manifest.json").is_file()


def write_stamp(folder: Path, stage_hash: str, what: dict) -> None:
    from ..atomic import write_text_atomic

    write_text_atomic(_stamp(folder), json.dumps({"hash": stage_hash, **what}, indent=1, default=str) + "\n")


def _simulate_what(s: SimSet) -> dict:
    return {"mode": s.mode, "scenes": s.scenes, "seed": s.seed, "size": s.size, "georef": s.georef, "product": s.product}


def _prepare_what(s: SimSet, sim_hash: str, cfg: SourceConfig) -> tuple[dict, dict]:
    """(prepare's settings for the set, what its stamp records)."""
    data = {**cfg.data, **({"stretch_domain": s.stretch_domain} if s.stretch_domain else {})}
    return data, {"sim_hash": sim_hash, "split": SPLITS[s.split], **data}


def _simulate_hash(s: SimSet) -> str:
    return digest({**_simulate_what(s), "code": code_digest("simulate")})


def _prepare_hash(what: dict) -> str:
    return digest({**what, "code": code_digest("dataset", "scenes", "labels")})


def dataset_hashes(cfg: SourceConfig) -> dict[str, str]:
    """Each set's prepare-stage hash, computed without running anything: what the datasets of
    ``cfg`` hold follows from them (a cache built from those datasets keys on these)."""
    return {s.name: _prepare_hash(_prepare_what(s, _simulate_hash(s), cfg)[1]) for s in cfg.sets}


def simulate_set(s: SimSet, work: Path, progress: Progress) -> dict:
    from ..simulate.api import SimulateParams, run_simulate

    out = work / "sim" / s.name
    what, stage_hash = _simulate_what(s), _simulate_hash(s)
    if reusable(out, stage_hash):
        progress.log(f"simulate {s.name}: reused {out} (same settings and simulator)")
    else:
        progress.log(f"simulate {s.name}: {s.scenes} {s.mode} scenes of {s.size} px, seed {s.seed}")
        _stamp(out).unlink(missing_ok=True)
        run_simulate(SimulateParams(out_dir=str(out), mode=s.mode, scenes=s.scenes, seed=s.seed, size=s.size,
                                    georef=s.georef, product=s.product, overwrite=True), progress)
        write_stamp(out, stage_hash, what)
    manifest = out / "manifest.json"
    return {"name": s.name, **what, "split": s.split, "dir": str(out), "hash": stage_hash,
            "manifest_sha256": hashlib.sha256(manifest.read_bytes()).hexdigest()}


def prepare_set(s: SimSet, sim: dict, cfg: SourceConfig, work: Path, progress: Progress) -> dict:
    from ..dataset.prepare import PrepareParams, run_prepare
    from ..dataset.reader import manifest_sha256

    sim_dir, out = Path(sim["dir"]), work / "datasets" / s.name
    sim_manifest = json.loads((sim_dir / "manifest.json").read_text())
    scenes = [str(sim_dir / r["file"]) for r in sim_manifest["scenes"]]
    # a set whose scenes show no slick at all is still valid water (prepare refuses an empty label file)
    labels = str(sim_dir / "labels.gpkg") if (sim_manifest.get("labels") or {}).get("polygons", 1) else None
    data, what = _prepare_what(s, sim["hash"], cfg)
    stage_hash = _prepare_hash(what)
    if reusable(out, stage_hash):
        progress.log(f"prepare {s.name}: reused {out}")
    else:
        progress.log(f"prepare {s.name}: {len(scenes)} scenes at {cfg.data['pixel_size']} m, {cfg.data['tile']} px tiles, "
                     f"all in {s.split}" + ("" if labels else "; the simulation drew no slick in them"))
        _stamp(out).unlink(missing_ok=True)
        result = run_prepare(PrepareParams(scenes=scenes, out_dir=str(out), labels=labels,
                                           split=SPLITS[s.split], overwrite=True, **data), progress)
        progress.log(f"prepare {s.name}: {result['tiles']} tiles, slick fraction {result['slick_fraction']}")
        write_stamp(out, stage_hash, what)
    return {"dataset": str(out), "dataset_manifest_sha256": manifest_sha256(out),
            "stretch_domain": data.get("stretch_domain", "db")}


def build_datasets(cfg: SourceConfig, work: Path, progress: Progress) -> tuple[Path, list[dict]]:
    """Simulate and prepare every set (reusing what is unchanged) and merge them; returns the
    union dataset dir and one record per set for the card's ``simulation``."""
    from ..dataset.merge import merge_datasets

    records, n = [], len(cfg.sets)
    for i, s in enumerate(cfg.sets):
        progress.check()
        progress.update(i / n, f"scene set {s.name} ({i + 1}/{n})")
        sim = simulate_set(s, work, progress.sub(i / n, (i + 0.6) / n))
        records.append({**sim, **prepare_set(s, sim, cfg, work, progress.sub((i + 0.6) / n, (i + 1) / n))})
    union = work / "datasets" / "union"
    manifest = merge_datasets({r["name"]: r["dataset"] for r in records}, union)
    counts = {role: sum(1 for t in manifest["tiles"] if t["split"] == role) for role in SPLITS}
    progress.log(f"union: {len(manifest['scenes'])} scenes, {counts['train']} train / {counts['val']} val tiles in {union}")
    for r in records:
        r["dir"] = str(Path(r["dir"]).resolve())
        r["dataset"] = str(Path(r["dataset"]).resolve())
    return union, records
