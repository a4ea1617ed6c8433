"""Interactive SAM: embed a window of a scene, turn prompts into a mask and polygons.

Lives in the persistent SAM worker process. Models, open scenes (with their grid and
stretch), embeddings and recent low-resolution masks stay warm between requests. A prompt
near an inner edge of the window, or a mask that runs into one, moves / grows the window
and re-embeds (``follow``), so a slick is not cut at the window edge.
"""

from __future__ import annotations

import math
import time
import uuid
from collections import OrderedDict
from collections.abc import Callable
from pathlib import Path

import numpy as np

from ...errors import InputError
from .cache import EmbeddingCache, Entry, embedding_id, scene_checksum
from .decoder import build_decoder
from .model import LoadedSam, load_sam
from .polygons import mask_to_features
from .window import (
    Win,
    centred,
    covering,
    inner_edges,
    input_transform,
    read_image,
    to_grid_px,
    transformer,
    window_info,
)

MAX_FOLLOW = 2
EDGE_MARGIN = 1 / 8  # of the window: a prompt this close to an inner edge moves the window
# A prompt near an inner edge of its window, or in a window coarser than it needs (one grown for an
# earlier, larger slick), is answered in the finest window that holds the prompt's extent with this
# margin (of the extent, each side). 0: a box up to the window's size stays at the model's own
# pixel, re-centred, instead of a coarser window with room around it (0 / 0.1 / 0.25 gave a mean
# Dice of 0.679 / 0.676 / 0.670 over the five prompt kinds, box 0.4 0.723 / 0.707 / 0.694, on
# simulated validation scenes; going finer again: 0.680 against 0.649 when the windows are kept
# from prompt to prompt as the plugin keeps them; benchmarks/bench_prompt_engine_sim.py). A mask
# that runs into an inner edge still grows the window with room around it (2 x EDGE_MARGIN).
PROMPT_MARGIN = 0.0


class NotFound(InputError):
    status = 404


class Superseded(Exception):
    pass


class _SceneState:
    def __init__(self, path: str, pixel_size: float | None) -> None:
        from ...scenes import choose_grid, compute_stretch, open_scene

        self.path, self.checksum = path, scene_checksum(path)
        self.scene = open_scene(path)
        if pixel_size is None:  # a projected input keeps its own pixel; else the paper's 25 m
            t = self.scene.transform
            pixel_size = abs(t.a) if self.scene.georef == "projected" and math.isclose(abs(t.a), abs(t.e), rel_tol=1e-6) else 25.0
        self.grid = choose_grid(self.scene, pixel_size)
        self.stretch = compute_stretch(self.scene, self.grid)


class SamEngine:
    def __init__(self, cache_dir: Path, device: str | None = None) -> None:
        import torch

        self.device = device or ("cuda" if torch.cuda.is_available() else "cpu")
        self.cache = EmbeddingCache(cache_dir)
        self.models: OrderedDict[str, LoadedSam] = OrderedDict()
        self.scenes: OrderedDict[tuple, _SceneState] = OrderedDict()
        self.masks: OrderedDict[str, tuple[str, np.ndarray]] = OrderedDict()

    # --- warm state ------------------------------------------------------------------
    def model(self, name: str) -> LoadedSam:
        if name not in self.models:
            loaded = self.models[name] = load_sam(name, self.device)
            if self.device == "cpu":
                loaded.decoder = build_decoder(loaded.core, loaded.key, self.cache.dir)
            while len(self.models) > 2:
                self.models.popitem(last=False)
        self.models.move_to_end(name)
        return self.models[name]

    def scene(self, path: str, pixel_size: float | None) -> _SceneState:
        key = (path, pixel_size)
        state = self.scenes.get(key)
        if state is not None and state.checksum != scene_checksum(path):
            state.scene.close()
            state = None  # the file changed on disk: reopen, new stretch
        if state is None:
            from ...scenes import scene_exists

            if not scene_exists(path):
                raise InputError(f"{path}: no such raster file or Sentinel-1 product")
            state = self.scenes[key] = _SceneState(path, pixel_size)
            while len(self.scenes) > 4:
                self.scenes.popitem(last=False)[1].scene.close()
        self.scenes.move_to_end(key)
        return state

    # --- embedding -------------------------------------------------------------------
    def _embed(self, sc: _SceneState, sam: LoadedSam, win: Win, check: Callable[[], None]) -> tuple[Entry, str | bool]:
        import torch

        grid_d, win_d = sc.grid.to_dict(), win.to_dict()
        eid = embedding_id(sc.checksum, grid_d, win_d, sam.key)
        entry, where = self.cache.get(eid)
        if entry is not None:
            return entry, where
        check()
        image = read_image(sc.scene, sc.grid, sc.stretch, win)
        x = torch.from_numpy(image).to(sam.device, torch.float32)[None, None]
        with torch.inference_mode():
            if sam.device.startswith("cuda"):
                with torch.autocast("cuda", dtype=torch.bfloat16):
                    emb = sam.core.image_encoder(sam.core.normalise(x))
            else:
                emb = sam.core.image_encoder(sam.core.normalise(x))
        meta = {"raster": sc.path, "checksum": sc.checksum, "grid": grid_d, "window": win_d, "model": sam.name,
                "model_key": sam.key, "pixel_size": sam.pixel_size, "stretch": sc.stretch.to_dict()}
        entry = Entry(eid, emb[0].float().cpu().numpy(), image, meta)
        self.cache.put(entry)
        return entry, False

    def embed(self, p: dict, check: Callable[[], None]) -> dict:
        t0 = time.perf_counter()
        sam = self.model(p["model"])
        sc = self.scene(p["raster"], sam.pixel_size)
        if p.get("point") is not None:
            cols, rows = to_grid_px(sc.grid, [p["point"][0]], [p["point"][1]], p.get("crs"))
            win = centred(sc.grid, cols[0], rows[0], sam.input_size)
        else:
            x0, y0, x1, y1 = p["window"]
            cols, rows = to_grid_px(sc.grid, [x0, x1, x0, x1], [y0, y0, y1, y1], p.get("crs"))
            win = covering(sc.grid, cols.min(), rows.min(), cols.max(), rows.max(), sam.input_size, margin=0)
        entry, cached = self._embed(sc, sam, win, check)
        return {"embedding_id": entry.id, "cached": cached, "seconds": round(time.perf_counter() - t0, 4),
                "window": window_info(sc.grid, win), "model": p.get("model_name", p["model"])}

    # --- prompting -------------------------------------------------------------------
    def prompt(self, p: dict, check: Callable[[], None]) -> dict:
        t0 = time.perf_counter()
        entry, _ = self.cache.get(p["embedding_id"])
        if entry is None:
            raise NotFound(f"no embedding {p['embedding_id']!r}; call /sam/embed first (the cache may have been cleared)")
        meta = entry.meta
        sam = self.model(meta["model"])
        sc = self.scene(meta["raster"], sam.pixel_size)
        if sc.checksum != meta["checksum"]:
            raise InputError(f"{meta['raster']}: the file changed since it was embedded; call /sam/embed again")
        win = Win(**meta["window"])
        crs = p.get("crs")
        out_crs = p.get("out_crs") or sc.grid.crs
        transformer(sc.grid.crs, out_crs)  # a CRS that pyproj does not know: 400 before any work
        pts = np.asarray(p.get("points") or [], float).reshape(-1, 2)
        pc, pr = to_grid_px(sc.grid, pts[:, 0], pts[:, 1], crs) if len(pts) else (np.empty(0), np.empty(0))
        labels = np.asarray(p.get("labels") if p.get("labels") is not None else [1] * len(pts), np.int64)
        box = None
        if p.get("box") is not None:
            x0, y0, x1, y1 = p["box"]
            bc, br = to_grid_px(sc.grid, [x0, x1, x0, x1], [y0, y0, y1, y1], crs)
            box = (bc.min(), br.min(), bc.max(), br.max())
        prompt_box = _extent(pc, pr, box)
        mask_in = None
        if p.get("mask_id"):
            prev = self.masks.get(p["mask_id"])
            if prev is None:
                raise NotFound(f"no mask {p['mask_id']!r}; it expired, prompt again without mask_id")
            if prev[0] == entry.id:
                mask_in = prev[1]
        follow = bool(p.get("follow", True))
        reembedded = False
        fitted = covering(sc.grid, *prompt_box, win.size, margin=PROMPT_MARGIN)
        if follow and (fitted.scale < win.scale or _near_inner_edge(sc.grid, win, prompt_box)):
            win = fitted  # also finer: a window grown for a larger slick would answer in coarser pixels
            entry, _ = self._embed(sc, sam, win, check)
            reembedded, mask_in = True, None
        for attempt in range(MAX_FOLLOW + 1):
            check()
            mask, score, low = self._decode(sam, entry, win, pc, pr, labels, box, mask_in, bool(p.get("multimask", True)))
            mask &= entry.image > 0
            if hasattr(sam.core, "clean_mask"):  # Slick's prompt model: its own clean-up (prompt/net.py)
                mask = sam.core.clean_mask(mask)
            if not follow or attempt == MAX_FOLLOW:
                break
            cut = _mask_cut(sc.grid, win, mask)
            if cut is None:
                break
            new = _grow(sc.grid, win, _union(cut, prompt_box))
            if new == win:
                break
            win = new
            entry, _ = self._embed(sc, sam, win, check)
            reembedded, mask_in = True, None
        mask_id = "m_" + uuid.uuid4().hex[:16]
        self.masks[mask_id] = (entry.id, low)
        while len(self.masks) > 64:
            self.masks.popitem(last=False)
        feats = mask_to_features(mask, input_transform(sc.grid, win), sc.grid.crs, out_crs, score, mask_id)
        return {"type": "FeatureCollection", "features": feats, "crs": out_crs, "score": round(score, 4),
                "mask_id": mask_id, "embedding_id": entry.id, "window": window_info(sc.grid, win),
                "reembedded": reembedded, "seconds": round(time.perf_counter() - t0, 4)}

    def _decode(self, sam, entry, win, pc, pr, labels, box, mask_in, multimask):
        import torch
        import torch.nn.functional as F

        core, dev = sam.core, sam.device
        # grid px -> input px; SAM adds half a pixel itself (pixel-index convention)
        def to_in(c, r):
            return (np.asarray(c) - win.col) / win.scale - 0.5, (np.asarray(r) - win.row) / win.scale - 0.5

        points = None
        if len(pc):
            ic, ir = to_in(pc, pr)
            coords = torch.tensor(np.stack([ic, ir], -1), dtype=torch.float32, device=dev)[None]
            points = (coords, torch.tensor(labels, device=dev)[None])
        boxes = None
        if box is not None:
            c0, r0 = to_in(box[0], box[1])
            c1, r1 = to_in(box[2], box[3])
            boxes = torch.tensor([[c0, r0, c1, r1]], dtype=torch.float32, device=dev)
        if getattr(core, "dense_prompt", False):  # Slick's prompt model: its dense input is the prompt's map,
            masks = core.prompt_map(boxes, points).to(dev)  # never a previous mask (it was trained so)
        else:
            masks = None if mask_in is None else torch.from_numpy(mask_in).to(dev)
        emb = torch.from_numpy(entry.embedding).to(dev)[None]
        threads = torch.get_num_threads()
        if dev == "cpu":  # the decoder's ops are small: extra threads only spin (10x slower on a busy CPU)
            torch.set_num_threads(1)
        try:
            with torch.inference_mode():
                if sam.dense_pe is None:  # depends on the model only
                    sam.dense_pe = core.prompt_encoder.get_dense_pe()
                in_graph = sam.decoder is not None and sam.decoder.takes_prompt_map  # the graph embeds the map
                sparse, dense = core.prompt_encoder(points=points, boxes=boxes, masks=None if in_graph else masks)
                if sam.decoder is not None:  # ONNX Runtime: the same decoder, a third of the time (decoder.py)
                    all_low, all_iou = sam.decoder(emb.numpy(), sparse.numpy(), (masks if in_graph else dense).numpy())
                    low, iou = torch.from_numpy(all_low), torch.from_numpy(all_iou)
                    low, iou = (low[:, 1:], iou[:, 1:]) if multimask else (low[:, :1], iou[:, :1])
                else:
                    low, iou = core.mask_decoder(
                        image_embeddings=emb, image_pe=sam.dense_pe,
                        sparse_prompt_embeddings=sparse, dense_prompt_embeddings=dense, multimask_output=multimask,
                    )
                best = int(torch.argmax(iou[0])) if multimask else 0
                low = low[:, best : best + 1].float()
                up = low if low.shape[-1] == win.size else F.interpolate(low, size=(win.size, win.size), mode="bilinear",
                                                                         align_corners=False)
        finally:
            torch.set_num_threads(threads)
        return (up[0, 0] > 0).cpu().numpy(), float(iou[0, best]), low.cpu().numpy()

    def drop(self) -> dict:
        self.masks.clear()
        return {"dropped": self.cache.drop_memory()}


# --- window-following geometry (grid px) ------------------------------------------------
def _extent(pc, pr, box):
    cs, rs = list(pc), list(pr)
    if box is not None:
        cs += [box[0], box[2]]
        rs += [box[1], box[3]]
    return (min(cs), min(rs), max(cs), max(rs))


def _union(a, b):
    return (min(a[0], b[0]), min(a[1], b[1]), max(a[2], b[2]), max(a[3], b[3]))


def _near_inner_edge(grid, win: Win, ext) -> bool:
    m = win.span * EDGE_MARGIN
    inner = inner_edges(grid, win)
    return (
        (inner["left"] and ext[0] - win.col < m)
        or (inner["top"] and ext[1] - win.row < m)
        or (inner["right"] and win.col + win.span - ext[2] < m)
        or (inner["bottom"] and win.row + win.span - ext[3] < m)
    )


def _grow(grid, win: Win, ext) -> Win:
    """A window centred on ``ext`` that holds it with a margin; never finer than ``win``."""
    new = covering(grid, *ext, win.size, margin=EDGE_MARGIN * 2)
    if new.scale < win.scale:
        new = centred(grid, (ext[0] + ext[2]) / 2, (ext[1] + ext[3]) / 2, win.size, win.scale)
    return new


def _mask_cut(grid, win: Win, mask: np.ndarray):
    """The mask's extent (grid px) when it touches an inner window edge, else None."""
    inner = inner_edges(grid, win)
    touches = (
        (inner["left"] and mask[:, 0].any()) or (inner["right"] and mask[:, -1].any())
        or (inner["top"] and mask[0, :].any()) or (inner["bottom"] and mask[-1, :].any())
    )
    if not touches:
        return None
    rows, cols = np.nonzero(mask)
    s = win.scale
    return (win.col + cols.min() * s, win.row + rows.min() * s, win.col + (cols.max() + 1) * s, win.row + (rows.max() + 1) * s)
