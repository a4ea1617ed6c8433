"""Training and validation samples for the prompt model: simulated windows, one slick, a noisy prompt.

Windows are the 256 px tiles of prepared simulated datasets (``pretrain-source``'s work dir);
only tiles with slick pixels are used. Each slick is a connected part of the tile's mask after a
small closing (fragments of one plume stay one slick); several slicks in a window each get their
own samples, and a prompt must pick its slick, not its neighbours. Prompts follow the Stable-SAM
recipe: boxes jittered, shifted and loosened by up to ``box_noise`` of their size; one to five
points on and off the slick. Optionally hard negatives go with the prompt, which the model must
leave out: a patch of dark water beside the slick inside its box (``add_dark_water``), another
slick beside it reaching into its box (``add_neighbour``).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np

MIN_SLICK_PX = 24  # smaller parts are speckle-sized: no analyst prompts them
DARK_KIND = "box_0.4_dark"  # the validation kind scored when training adds dark water (add_dark_water)
NEIGHBOUR_KIND = "box_0.4_neighbour"  # ... and when it adds a neighbouring slick (add_neighbour)


@dataclass
class Prompt:
    kind: str  # "box", "points", "box+points"
    box: np.ndarray | None  # [4] x0, y0, x1, y1 in window px
    points: np.ndarray | None  # [N, 2] x, y pixel indices
    labels: np.ndarray | None  # [N] 1 on the slick, 0 off it


def slick_parts(mask: np.ndarray) -> list[np.ndarray]:
    """Boolean masks of the slicks of a tile mask (1 = slick; 255 = nodata, ignored)."""
    from scipy import ndimage

    slick = mask == 1
    if not slick.any():
        return []
    joined = ndimage.binary_closing(slick, structure=np.ones((3, 3)), iterations=2) | slick
    parts, n = ndimage.label(joined, structure=np.ones((3, 3)))
    out = []
    for i in range(1, n + 1):
        part = (parts == i) & slick
        if part.sum() >= MIN_SLICK_PX:
            out.append(part)
    return out


def tight_box(part: np.ndarray) -> np.ndarray:
    rows, cols = np.nonzero(part)
    return np.array([cols.min(), rows.min(), cols.max() + 1, rows.max() + 1], dtype=np.float32)


def noisy_box(part: np.ndarray, noise: float, rng: np.random.Generator) -> np.ndarray:
    """The tight box, each side moved outwards by up to ``noise`` of the box's size and the whole
    shifted by up to noise / 2 of it (never inwards past the slick by more than that shift);
    clipped to the window (``part``'s shape)."""
    x0, y0, x1, y1 = tight_box(part)
    w, h = max(x1 - x0, 4.0), max(y1 - y0, 4.0)
    if noise > 0:
        x0 -= rng.uniform(0, noise) * w
        x1 += rng.uniform(0, noise) * w
        y0 -= rng.uniform(0, noise) * h
        y1 += rng.uniform(0, noise) * h
        dx, dy = rng.uniform(-noise / 2, noise / 2) * w, rng.uniform(-noise / 2, noise / 2) * h
        x0, x1, y0, y1 = x0 + dx, x1 + dx, y0 + dy, y1 + dy
    rows, cols = part.shape
    return np.clip(np.array([x0, y0, x1, y1], dtype=np.float32), 0, [cols, rows, cols, rows]).astype(np.float32)


def sample_points(part: np.ndarray, others: np.ndarray, valid: np.ndarray, n: int, rng: np.random.Generator,
                  positive_first: bool = True) -> tuple[np.ndarray, np.ndarray]:
    """``n`` points: the first on the slick (towards its interior), the rest on it or off it
    (off: water or another slick), as an analyst's clicks."""
    from scipy import ndimage

    inside = np.argwhere(part)
    depth = ndimage.distance_transform_edt(part)[part]
    weights = depth / depth.sum() if depth.sum() > 0 else None
    outside = np.argwhere(valid & ~part)
    other = np.argwhere(others)
    coords, labels = [], []
    for k in range(n):
        positive = (k == 0 and positive_first) or rng.random() < 0.5 or not len(outside)
        if positive:
            r, c = inside[rng.choice(len(inside), p=weights)]
        elif len(other) and rng.random() < 0.3:
            r, c = other[rng.integers(len(other))]
        else:
            r, c = outside[rng.integers(len(outside))]
        coords.append((float(c), float(r)))  # pixel indices: SAM's prompt encoder adds the half pixel
        labels.append(1 if positive else 0)
    return np.asarray(coords, np.float32), np.asarray(labels, np.int64)


def others_of(parts: list[np.ndarray], k: int) -> np.ndarray:
    """The window's slicks other than ``parts[k]``, as one mask (where an off-slick click may land)."""
    rest = [p for j, p in enumerate(parts) if j != k]
    return np.any(rest, axis=0) if rest else np.zeros_like(parts[k])


def make_prompt(part: np.ndarray, others: np.ndarray, valid: np.ndarray, rng: np.random.Generator,
                box_noise: float = 0.4) -> Prompt:
    """A training prompt: box (half), points (a third), or both."""
    u = rng.random()
    if u < 0.5:
        return Prompt("box", noisy_box(part, rng.uniform(0, box_noise), rng), None, None)
    n = int(rng.integers(1, 6))
    points, labels = sample_points(part, others, valid, n, rng)
    if u < 0.83:
        return Prompt("points", None, points, labels)
    return Prompt("box+points", noisy_box(part, rng.uniform(0, box_noise), rng), points[:2], labels[:2])


def add_dark_water(image: np.ndarray, part: np.ndarray, box: np.ndarray | None, rng: np.random.Generator) -> np.ndarray:
    """A hard negative: ``image`` with a soft-edged patch of dark water (a low-wind zone, as real
    scenes have next to their slicks) beside the slick, inside the prompt's box (or the tight box
    loosened by 40 % for clicks) and free to run past it; its label stays water. The patch is
    darkened by 50-120 % of the slick's own contrast to the water, multiplicatively, so speckle
    keeps its texture whatever the stretch's domain. Simulated windows rarely put dark water
    inside a slick's box; real ones often do, and a loose box then takes it in."""
    from scipy import ndimage

    valid = image > 0
    near = ndimage.binary_dilation(part, iterations=2)
    water = valid & ~near
    if not water.any():
        return image
    x0, y0, x1, y1 = (int(v) for v in _loose_box(part, box))
    seeds = np.argwhere(water & _box_mask((x0, y0, x1, y1), water.shape))
    if not len(seeds):
        return image
    r, c = seeds[rng.integers(len(seeds))]
    a = max(6.0, rng.uniform(0.15, 0.5) * (x1 - x0))
    b = max(6.0, rng.uniform(0.15, 0.5) * (y1 - y0))
    theta = rng.uniform(0, np.pi)
    rr, cc = np.mgrid[:image.shape[0], :image.shape[1]].astype(np.float32)
    rough = ndimage.gaussian_filter(rng.standard_normal(image.shape).astype(np.float32), max(a, b) / 3)
    rough /= rough.std() + 1e-6
    patch = (_ellipse(rr, cc, r, c, a, b, theta) + 0.4 * rough < 1).astype(np.float32)
    alpha = ndimage.gaussian_filter(patch, rng.uniform(1.5, 5.0))
    alpha[near] = 0.0  # the slick and its edge keep their look: the patch lies beside it
    return _darken(image, alpha * rng.uniform(0.5, 1.2), 1.0 - _contrast(image, part, water))


def add_dark_field(image: np.ndarray, part: np.ndarray, box: np.ndarray | None, rng: np.random.Generator) -> np.ndarray:
    """A hard negative: a field of 3-8 small dark cells (low-wind cells, 6-20 % of the box's size)
    seeded around the slick inside the prompt's box (free to run past it), about half 1-4 px from the slick so
    that they touch it; their label stays water and the slick's own pixels keep their look. Unlike
    add_dark_water's one patch kept apart from the slick, these join it, as the dark cells around
    sample_70's thin slicks do (docs/server-api.md), so dropping detached parts cannot remove them."""
    from scipy import ndimage

    valid = image > 0
    water = valid & ~part
    x0, y0, x1, y1 = loose = _loose_box(part, box)
    inside = _box_mask(loose, image.shape)
    distance = ndimage.distance_transform_edt(~part)
    anywhere = np.argwhere(water & inside)
    close = np.argwhere(water & inside & (distance >= 1) & (distance <= 4))
    if not len(anywhere):
        return image
    rough = ndimage.gaussian_filter(rng.standard_normal(image.shape).astype(np.float32), 2.0)
    rough /= rough.std() + 1e-6
    rr, cc = np.mgrid[:image.shape[0], :image.shape[1]].astype(np.float32)
    cells = np.zeros(image.shape, bool)
    for _ in range(int(rng.integers(3, 9))):
        seeds = close if len(close) and rng.random() < 0.5 else anywhere
        r, c = seeds[rng.integers(len(seeds))]
        a = max(3.0, rng.uniform(0.06, 0.2) * (x1 - x0))
        b = max(3.0, rng.uniform(0.06, 0.2) * (y1 - y0))
        cells |= _ellipse(rr, cc, r, c, a, b, rng.uniform(0, np.pi)) + 0.3 * rough < 1
    alpha = ndimage.gaussian_filter(cells.astype(np.float32), rng.uniform(0.8, 2.0))
    alpha[part] = 0.0
    return _darken(image, alpha * rng.uniform(0.6, 1.1), 1.0 - _contrast(image, part, water & (distance > 2)))


def _ellipse(rr: np.ndarray, cc: np.ndarray, r, c, a: float, b: float, theta: float) -> np.ndarray:
    """(u/a)^2 + (v/b)^2 on the pixel grid (rr, cc), u and v along and across an ellipse centred
    at (r, c) turned by ``theta``: below 1 inside it (the hard negatives' patch shapes)."""
    u = (cc - c) * np.cos(theta) + (rr - r) * np.sin(theta)
    v = -(cc - c) * np.sin(theta) + (rr - r) * np.cos(theta)
    return (u / a) ** 2 + (v / b) ** 2


def _loose_box(part: np.ndarray, box: np.ndarray | None) -> np.ndarray:
    """The prompt's box, or for clicks the tight box loosened by 40 % (where an analyst's box would be)."""
    if box is not None:
        return box
    box = tight_box(part)
    w, h = box[2] - box[0], box[3] - box[1]
    rows, cols = part.shape
    return np.clip(box + np.array([-0.4 * w, -0.4 * h, 0.4 * w, 0.4 * h], np.float32), 0, [cols, rows, cols, rows])


def _box_mask(box, shape) -> np.ndarray:
    """The pixels of ``box`` (x0, y0, x1, y1; cut to whole pixels, at least one row and column)."""
    x0, y0, x1, y1 = (int(v) for v in box)
    out = np.zeros(shape, bool)
    out[y0:max(y1, y0 + 1), x0:max(x1, x0 + 1)] = True
    return out


def _contrast(image: np.ndarray, part: np.ndarray, water: np.ndarray) -> float:
    """The slick's level over the water's (1 = no contrast), as the hard negatives copy it."""
    valid = image > 0
    slick_level = float(np.median(image[part & valid])) if (part & valid).any() else 1.0
    water_level = float(np.median(image[water]))
    return float(np.clip((slick_level - 1) / max(water_level - 1, 1.0), 0.3, 0.95))


def _darken(image: np.ndarray, alpha: np.ndarray, depth: float) -> np.ndarray:
    """Valid pixels scaled by 1 - alpha * depth, multiplicatively (speckle keeps its texture
    whatever the stretch's domain); nodata stays 0."""
    gain = np.clip(1.0 - alpha * depth, 0.2, 1.0)
    return np.where(image > 0, np.clip(np.rint(1.0 + (image.astype(np.float32) - 1.0) * gain), 1, 255), 0).astype(np.uint8)


def add_neighbour(image: np.ndarray, part: np.ndarray, box: np.ndarray | None, donor: np.ndarray,
                  rng: np.random.Generator) -> np.ndarray:
    """A hard negative: ``image`` with another slick (the shape of ``donor``, a slick mask from any
    window, turned and scaled to 0.3-2 times this slick's area) beside the slick, reaching into
    the prompt's box (or the tight box loosened by 40 % for clicks) but mostly outside the slick's
    tight box, at the slick's own contrast (+-20 %); its label stays water. Real scenes put
    slicks side by side (a seep's plumes, a ship's spill broken up) and a loose box takes in the
    neighbour; the simulated windows rarely have one of that size so close. Unchanged when no
    place fits in 30 tries."""
    from scipy import ndimage

    valid = image > 0
    near = ndimage.binary_dilation(part, iterations=3)
    water = valid & ~near
    if not water.any() or not donor.any():
        return image
    intight = _box_mask(tight_box(part), water.shape)
    anchors = np.argwhere(water & _box_mask(_loose_box(part, box), water.shape) & ~intight)
    if not len(anchors):
        return image
    rows, cols = np.nonzero(donor)
    shape = donor[rows.min():rows.max() + 1, cols.min():cols.max() + 1]
    shape = np.rot90(shape, int(rng.integers(4)))
    shape = shape[:, ::-1] if rng.random() < 0.5 else shape
    scale = np.sqrt(rng.uniform(0.3, 2.0) * part.sum() / shape.sum())
    shape = ndimage.zoom(shape.astype(np.float32), float(np.clip(scale, 0.2, 4.0)), order=1) > 0.5
    if shape.sum() < MIN_SLICK_PX or max(shape.shape) > max(image.shape):
        return image
    inside = np.argwhere(shape)
    for _ in range(30):
        ar, ac = anchors[rng.integers(len(anchors))]
        sr, sc = inside[rng.integers(len(inside))]  # this pixel of the neighbour lands on the anchor
        r0, c0 = ar - sr, ac - sc
        placed = np.zeros_like(water)
        pr0, pc0 = max(r0, 0), max(c0, 0)
        pr1, pc1 = min(r0 + shape.shape[0], image.shape[0]), min(c0 + shape.shape[1], image.shape[1])
        placed[pr0:pr1, pc0:pc1] = shape[pr0 - r0:pr1 - r0, pc0 - c0:pc1 - c0]
        n = placed.sum()
        if (n < MIN_SLICK_PX or (placed & near).any() or (placed & valid).sum() < 0.6 * n
                or (placed & intight).sum() > 0.5 * n):
            continue
        alpha = ndimage.gaussian_filter(placed.astype(np.float32), rng.uniform(0.5, 1.5))
        alpha[near] = 0.0
        return _darken(image, alpha * rng.uniform(0.8, 1.2), 1.0 - _contrast(image, part, water))
    return image


@dataclass
class Window:
    image: np.ndarray  # uint8 [H, W], 0 = nodata
    parts: list[np.ndarray]


def load_windows(dataset: Path, split: str, limit: int | None = None) -> list[Window]:
    """The tiles of ``split`` with at least one slick, with their slicks (manifest order)."""
    import rasterio

    from ..data_roots import guard

    manifest = json.loads((Path(dataset) / "manifest.json").read_text())
    out = []
    for tile in manifest["tiles"]:
        if tile["split"] != split or not (tile.get("slick_pixels") or tile.get("slick_fraction")):
            continue
        guard(Path(dataset) / tile["mask"], f"{dataset}/manifest.json")  # a restricted server's job
        guard(Path(dataset) / tile["image"], f"{dataset}/manifest.json")
        with rasterio.open(Path(dataset) / tile["mask"]) as src:
            mask = src.read(1)
        parts = slick_parts(mask)
        if not parts:
            continue
        with rasterio.open(Path(dataset) / tile["image"]) as src:
            image = src.read(1)
        out.append(Window(image, parts))
        if limit and len(out) >= limit:
            break
    return out


def augment(image: np.ndarray, masks: list[np.ndarray], rng: np.random.Generator):
    """The same random flip / 90 degree turn of the window and its slick masks."""
    k = int(rng.integers(4))
    flip = rng.random() < 0.5

    def tf(a):
        a = np.rot90(a, k)
        return np.ascontiguousarray(a[:, ::-1] if flip else a)

    return tf(image), [tf(m) for m in masks]
