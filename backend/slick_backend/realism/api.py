"""`realism`: measure simulated scene sets against the real Arctic mosaics (the use case)."""

from __future__ import annotations

import json
import logging
import math
from dataclasses import asdict, dataclass
from pathlib import Path

from ..errors import InputError
from ..progress import NullProgress, Progress

log = logging.getLogger(__name__)


def default_real_dir() -> Path:
    """$SLICK_ARCTIC_DIR, else shared/data/arctic_ew next to the repository (as the realism
    figure finds it)."""
    from ..simulate.figure import default_arctic_dir

    return default_arctic_dir()


@dataclass
class RealismParams:
    sim: list[str]
    real: str | None = None
    pixel_size: float = 25.0
    max_scenes: int | None = None
    json_path: str | None = None
    stretch_domain: str = "db"  # what the simulated scenes' 2-sigma stretch is linear in

    def real_dir(self) -> Path:
        return Path(self.real) if self.real else default_real_dir()

    def validate(self) -> None:
        from .sources import read_sim_manifest, real_samples

        if not self.sim:
            raise InputError("no simulated set given: pass one or more `slick-backend simulate` directories with --sim")
        try:
            pixel = float(self.pixel_size)
        except (TypeError, ValueError):
            pixel = float("nan")
        if not (math.isfinite(pixel) and 5 <= pixel <= 100):
            raise InputError(f"--pixel-size {self.pixel_size} m is out of range: use 25 (the real mosaics' pixel; 5..100 m accepted)")
        if self.stretch_domain not in ("db", "amplitude", "intensity"):
            raise InputError(f"--stretch-domain {self.stretch_domain!r} is unknown: use db, amplitude or intensity")
        if self.max_scenes is not None and (int(self.max_scenes) != self.max_scenes or self.max_scenes < 1):
            raise InputError(f"--max-scenes {self.max_scenes} is out of range: give a whole number of scenes, 1 or more")
        for d in self.sim:
            read_sim_manifest(d)
        real = self.real_dir()
        if not self.real and not real.exists():
            raise InputError(
                f"{real}: the real Arctic mosaics are not there; pass --real DIR (a folder of sample_*/raw_mosaic.tif) "
                "or set SLICK_ARCTIC_DIR"
            )
        real_samples(real)
        if self.json_path and Path(self.json_path).is_dir():
            raise InputError(f"--json {self.json_path}: is a directory; give a file name such as realism.json")


def set_names(dirs: list[str]) -> list[str]:
    """A table column name per simulated set: the directory name, numbered where names repeat
    (and never 'real')."""
    names, seen = [], {}
    for d in dirs:
        base = Path(d).resolve().name or "sim"
        if base == "real":
            base = "sim_real"
        seen[base] = seen.get(base, 0) + 1
        names.append(base if seen[base] == 1 else f"{base}_{seen[base]}")
    return names


def run_realism(params: RealismParams, progress: Progress | None = None) -> dict:
    """Measure the real mosaics and each simulated set (compare.measure), compare them
    (compare.compare) and, with ``json_path``, write the result there atomically. Returns the
    result, with the inputs under ``sources`` and ``params``."""
    from ..atomic import write_text_atomic
    from .compare import compare, measure
    from .sources import real_images, simulated_images

    progress = progress or NullProgress()
    params.validate()
    real_dir = params.real_dir()
    names = set_names(params.sim)
    n_parts = 1 + len(params.sim)
    real = measure(real_images(real_dir, progress.sub(0.0, 1 / n_parts)), progress)
    for rec in real:
        if not math.isclose(rec["pixel_m"], float(params.pixel_size), rel_tol=1e-6):
            log.warning("%s: real mosaic at %g m, simulated scenes measured at %g m; the spectra and shapes "
                        "compare only at the same pixel size", rec["name"], rec["pixel_m"], params.pixel_size)
    sims = {}
    for i, (name, d) in enumerate(zip(names, params.sim, strict=True)):
        sub = progress.sub((i + 1) / n_parts, (i + 2) / n_parts)
        sims[name] = measure(simulated_images(d, params.pixel_size, params.max_scenes, sub, params.stretch_domain),
                             progress)
        progress.log(f"{name}: {len(sims[name])} scene(s) measured")
    result = compare(sims, real)
    result["sources"] = {"real": str(real_dir.resolve()), **{n: str(Path(d).resolve()) for n, d in zip(names, params.sim, strict=True)}}
    result["params"] = asdict(params)
    if params.json_path:
        write_text_atomic(params.json_path, json.dumps(result, indent=1, allow_nan=False))
        result["json"] = str(Path(params.json_path).resolve())
    progress.update(1.0, "realism measured")
    return result
