"""Cut one scene into stretched image tiles and label masks, one block at a time."""

from __future__ import annotations

from concurrent.futures import Future, ThreadPoolExecutor

import numpy as np

from ..progress import Progress
from .tiling import spans

MASK_NODATA = 255


def stretch_region(geoms, grid, buffer_km: float):
    """Bounding box of the scene's labels plus the buffer, in grid CRS (None: no labels)."""
    import shapely

    if geoms is None or len(geoms) == 0:
        return None
    minx, miny, maxx, maxy = shapely.total_bounds(geoms)
    b = float(buffer_km) * 1000.0
    return (minx - b, miny - b, maxx + b, maxy + b)


def write_tile(path, array: np.ndarray, crs, transform, nodata: int) -> None:
    """A small GeoTIFF; ``crs`` is a rasterio CRS made once per scene (parsing it per tile
    costs more than compressing the tile)."""
    import rasterio

    with rasterio.open(
        path, "w", driver="GTiff", width=array.shape[1], height=array.shape[0], count=1, dtype="uint8",
        crs=crs, transform=transform, nodata=nodata, compress="deflate", zlevel=1,
    ) as ds:
        ds.write(array, 1)


def tile_scene(plan, split: str, params, root, progress: Progress) -> tuple[dict, list[dict]]:
    from rasterio.crs import CRS
    from rasterio.windows import Window

    from ..labels import LabelRasterizer
    from ..scenes import apply_stretch, compute_stretch, open_scene

    grid, tile = plan.grid, int(params.tile)
    crs = CRS.from_user_input(grid.crs)
    burner = LabelRasterizer(plan.geoms if plan.geoms is not None else [], grid)
    records: list[dict] = []
    slick_px = valid_px = 0
    with open_scene(plan.path, params.value_kind, params.polarisation, params.calibration) as scene:
        region = stretch_region(plan.geoms, grid, params.buffer_km)
        stretch = compute_stretch(scene, grid, region, progress=progress.sub(0.0, 0.1),
                                  domain=getattr(params, "stretch_domain", "db"))
        row_spans = spans(grid.height, tile, params.stride)
        col_spans = spans(grid.width, tile, params.stride)
        n_blocks, k = len(row_spans) * len(col_spans), 0
        # One writer thread cuts and writes the tiles of a block while the next block is
        # warped (GDAL releases the GIL in both); at most two blocks wait, bounding memory.
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="slick-tiles") as writer:
            pending: list[Future] = []
            for rs in row_spans:
                for cs in col_spans:
                    progress.check()
                    progress.update(0.1 + 0.9 * k / n_blocks, f"{plan.id}: tiling block {k + 1}/{n_blocks}")
                    k += 1
                    block = Window(cs.read0, rs.read0, cs.read1 - cs.read0, rs.read1 - rs.read0)
                    values, valid = scene.read(grid, block)
                    if not valid.any():  # outside the swath footprint: nothing to count or cut
                        continue
                    image = apply_stretch(values, valid, stretch)
                    del values
                    mask = burner.window(block)
                    mask[~valid] = MASK_NODATA
                    # Count each grid pixel once: only the block's own (non-overlapping) part.
                    own = (slice(rs.own0 - rs.read0, rs.own1 - rs.read0), slice(cs.own0 - cs.read0, cs.own1 - cs.read0))
                    slick_px += int(np.count_nonzero(mask[own] == 1))
                    valid_px += int(np.count_nonzero(valid[own]))
                    cut = [(r, c) for r in rs.starts for c in cs.starts]
                    args = (plan, split, params, root, grid, crs, image, mask, block, cut, tile, progress)
                    pending.append(writer.submit(_cut_block, *args))
                    while len(pending) > 1:
                        records.extend(pending.pop(0).result())
            for fut in pending:
                records.extend(fut.result())
    record = {
        "id": plan.id, "source": str(plan.path.resolve()), "split": split,
        "mode": plan.summary["mode"], "polarisation": plan.summary["polarisation"],
        "kind": plan.summary["kind"], "kind_reason": plan.summary["kind_reason"], "georef": plan.summary["georef"],
        "crs": grid.crs, "transform": list(grid.transform), "width": grid.width, "height": grid.height,
        "pixel_size": grid.pixel_size, "stretch": stretch.to_dict(),
        "label_polygons": 0 if plan.geoms is None else int(len(plan.geoms)),
        "slick_pixels": slick_px, "valid_pixels": valid_px, "tiles": len(records),
    }
    # a Sentinel-1 product: its manifest's platform, times, orbit, bands and how it was calibrated
    product_keys = ("product", "platform", "product_type", "start_time", "stop_time", "orbit", "relative_orbit",
                    "pass", "product_polarisations", "calibration")
    record.update({k: plan.summary[k] for k in product_keys if k in plan.summary})
    return record, records


def _cut_block(plan, split, params, root, grid, crs, image, mask, block, cut, tile, progress) -> list[dict]:
    records = []
    for r, c in cut:
        if progress.cancelled():
            break
        rec = _cut(plan, split, params, root, grid, crs, image, mask, block, r, c, tile)
        if rec is not None:
            records.append(rec)
    return records


def _cut(plan, split, params, root, grid, crs, image, mask, block, r, c, tile) -> dict | None:
    from rasterio.windows import Window

    r0, c0 = r - block.row_off, c - block.col_off
    img = image[r0 : r0 + tile, c0 : c0 + tile]
    valid_fraction = float(np.count_nonzero(img)) / (tile * tile)
    if valid_fraction < params.min_valid:
        return None
    msk = mask[r0 : r0 + tile, c0 : c0 + tile]
    if img.shape != (tile, tile):  # a scene smaller than a tile: pad with nodata
        img = np.pad(img, ((0, tile - img.shape[0]), (0, tile - img.shape[1])))
        msk = np.pad(msk, ((0, tile - msk.shape[0]), (0, tile - msk.shape[1])), constant_values=MASK_NODATA)
    tid = f"{plan.id}_r{r:06d}_c{c:06d}"
    window = Window(c, r, tile, tile)
    transform = grid.window_transform(window)
    write_tile(root / "images" / f"{tid}.tif", img, crs, transform, nodata=0)
    write_tile(root / "masks" / f"{tid}.tif", msk, crs, transform, nodata=MASK_NODATA)
    slick = int(np.count_nonzero(msk == 1))
    return {
        "id": tid, "scene": plan.id, "split": split,
        "image": f"images/{tid}.tif", "mask": f"masks/{tid}.tif",
        "window": [int(r), int(c), tile, tile], "crs": grid.crs,
        "transform": list(transform)[:6],
        "slick_fraction": round(slick / (tile * tile), 6), "valid_fraction": round(valid_fraction, 6),
        "slick_pixels": slick,
    }
