"""Union of prepared datasets: one manifest whose tiles point into the parts' folders.

Training and evaluation read a dataset as ``manifest.json`` + tile paths relative to it, so a
union needs no copies: the combined manifest lists every part's scenes and tiles, with tile
paths such as ``../ew-train/images/<tile>.tif`` and ids prefixed by the part's name (two
simulated sets may reuse a scene id). Each scene keeps the split its own dataset gave it. The
parts must share pixel size and tile size; the combined dir must sit beside or above them
(relative paths), and ``merged_from`` records each part's manifest SHA-256. The same parts give
a byte-identical manifest.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from ..errors import InputError
from .reader import FORMAT, MANIFEST, VERSION, load_manifest, manifest_sha256


def merge_datasets(parts: dict[str, str | Path], out: str | Path) -> dict:
    """Write ``out/manifest.json`` for the union of ``parts`` ({name: dataset dir}); returns the manifest."""
    from ..atomic import write_text_atomic

    if not parts:
        raise InputError("no datasets to merge")
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    scenes, tiles, merged_from, params, created = [], [], [], None, []
    for name, path in parts.items():
        path = Path(path)
        manifest = load_manifest(path)
        created.append(str(manifest.get("created", "")))
        p = manifest.get("params", {})
        key = (float(p.get("pixel_size", 0)), int(p.get("tile", 0)))
        if params is None:
            params, first_key, first = dict(p), key, name
        elif key != first_key:
            raise InputError(f"{path}: pixel size / tile {key} differ from {first}'s {first_key}; "
                             "prepare every part with the same --pixel-size and --tile")
        rel = Path(os.path.relpath(path.resolve(), out.resolve()))
        for s in manifest["scenes"]:
            scenes.append({**s, "id": f"{name}-{s['id']}", "part": name})
        for t in manifest["tiles"]:
            tiles.append({**t, "id": f"{name}-{t['id']}", "scene": f"{name}-{t['scene']}",
                          "image": (rel / t["image"]).as_posix(), "mask": (rel / t["mask"]).as_posix()})
        merged_from.append({"name": name, "path": rel.as_posix(), "manifest_sha256": manifest_sha256(path),
                            "scenes": len(manifest["scenes"]), "tiles": len(manifest["tiles"])})
    # the newest part's date: the same parts give the same manifest (and SHA-256) every time
    manifest = {"format": FORMAT, "version": VERSION, "created": max(created),
                "params": {**{k: v for k, v in params.items() if k != "out"},  # "out": a part from before out_dir
                           "out_dir": str(out.resolve()), "merged": True},
                "merged_from": merged_from, "labels": None, "scenes": scenes, "tiles": tiles}
    write_text_atomic(out / MANIFEST, json.dumps(manifest, indent=1, allow_nan=False))
    return manifest
