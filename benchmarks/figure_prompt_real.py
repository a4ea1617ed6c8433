"""A figure of the prompt model's answers on a real Arctic mosaic: for each labelled slick, the
scene and, beside it, the label (green), the box sent (blue: the tight box loosened on every side
by ``--loosen`` of its size) and the outline the engine answers (orange). A diagnosis to look at;
nothing is chosen on it.

    .venv/bin/python benchmarks/figure_prompt_real.py --sample sample_70 --out figure.png
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

import numpy as np
from bench_prompt_real import ARCTIC, Mosaic, loosen, slicks
from slick_backend.prompt.data import tight_box

GREEN, ORANGE, BLUE = (0, 255, 0), (255, 80, 0), (0, 120, 255)


def edge(mask: np.ndarray) -> np.ndarray:
    from scipy import ndimage

    return mask & ~ndimage.binary_erosion(mask)


def rectangle(rgb: np.ndarray, box, colour) -> None:
    h, w = rgb.shape[:2]
    c0, r0, c1, r1 = (int(round(v)) for v in box)
    cs, rs = slice(max(c0, 0), min(c1, w)), slice(max(r0, 0), min(r1, h))
    for r in (r0, r1 - 1):
        if 0 <= r < h:
            rgb[r, cs] = colour
    for c in (c0, c1 - 1):
        if 0 <= c < w:
            rgb[rs, c] = colour


def panel(image, labels, answer, box, region) -> np.ndarray:
    """Scene crop | the same with label, box and answer; grey levels stretched over the crop."""
    c0, r0, c1, r1 = region
    crop = image[r0:r1, c0:c1].astype(float)
    lo, hi = np.percentile(crop[crop > 0], [1, 99]) if (crop > 0).any() else (0.0, 1.0)
    grey = np.clip((crop - lo) / max(hi - lo, 1e-9) * 255, 0, 255).astype(np.uint8)
    plain = np.repeat(grey[..., None], 3, axis=2)
    drawn = plain.copy()
    drawn[edge(labels[r0:r1, c0:c1])] = GREEN
    drawn[edge(answer[r0:r1, c0:c1])] = ORANGE
    rectangle(drawn, (box[0] - c0, box[1] - r0, box[2] - c0, box[3] - r0), BLUE)
    return np.concatenate([plain, np.full((plain.shape[0], 4, 3), 255, np.uint8), drawn], axis=1)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default="slick-s1-prompt")
    parser.add_argument("--sample", default="sample_70")
    parser.add_argument("--loosen", type=float, default=0.4, help="share of the box's size added on every side")
    parser.add_argument("--slicks", choices=("joined", "components"), default="joined")
    parser.add_argument("--zoom", type=int, default=1, help="pixels per mosaic pixel in the figure")
    parser.add_argument("--out", required=True, help="PNG file to write")
    args = parser.parse_args(argv)
    import rasterio
    from PIL import Image
    from slick_backend.server.sam.engine import SamEngine

    raster = str(ARCTIC / args.sample / "raw_mosaic.tif")
    with rasterio.open(raster) as src:
        image = src.read(1)
    with rasterio.open(ARCTIC / args.sample / "labels_mosaic.png") as src:
        labels, transform, crs = src.read(1), src.transform, src.crs.to_string()
    engine = SamEngine(Path(tempfile.mkdtemp(prefix="figure-prompt-")) / "cache", device="cpu")
    ask = Mosaic(engine, args.model, raster, crs, transform, labels.shape, []).ask
    rows = []
    for part in slicks(labels, args.slicks):
        c0, r0, c1, r1 = (float(v) for v in tight_box(part))
        dw, dh = args.loosen * (c1 - c0), args.loosen * (r1 - r0)
        box = (c0 - dw, r0 - dh, c1 + dw, r1 + dh)
        region = loosen((c0, r0, c1, r1), args.loosen + 0.2, labels.shape)
        rows.append(panel(image, labels == 1, ask(box=box), box, region))
    width = max(r.shape[1] for r in rows)
    stacked = np.concatenate([np.pad(r, ((0, 6), (0, width - r.shape[1]), (0, 0)), constant_values=255) for r in rows])
    figure = Image.fromarray(stacked)
    if args.zoom > 1:
        figure = figure.resize((figure.width * args.zoom, figure.height * args.zoom), Image.NEAREST)
    figure.save(args.out, optimize=True)
    print(f"{args.out}: {len(rows)} slicks of {args.sample}, {figure.width} x {figure.height} px")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
