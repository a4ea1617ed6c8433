"""A SAM mask on the window grid -> GeoJSON polygons in the requested CRS.

One feature per connected part (4-connected, as GDAL polygonises); parts and holes under
``min_pixels`` / ``4 * min_pixels`` are dropped / filled; outlines simplified by half an input pixel (keeps the
shape, drops the staircase); larger holes kept. Area is measured in the scene's projected CRS (or on the
ellipsoid for a geographic grid), before reprojection.
"""

from __future__ import annotations

import numpy as np

from .window import transformer


def clean_mask(mask: np.ndarray, min_pixels: int, min_hole: int | None = None) -> np.ndarray:
    """Drop parts smaller than ``min_pixels`` and fill holes smaller than ``min_hole``
    (SAM leaves speckle at the edges; a SAR slick outline does not need pinholes)."""
    from scipy import ndimage

    labels, n = ndimage.label(mask)  # 4-connected, as GDAL polygonises below
    if n:
        keep = np.bincount(labels.ravel(), minlength=n + 1) >= min_pixels
        keep[0] = False
        mask = keep[labels]
    holes, n = ndimage.label(~mask)
    if n:
        small = np.bincount(holes.ravel(), minlength=n + 1) < (min_hole or 4 * min_pixels)
        small[0] = False
        # a "hole" that reaches the window border is open water, not a hole
        border = np.unique(np.concatenate([holes[0], holes[-1], holes[:, 0], holes[:, -1]]))
        small[border] = False
        mask = mask | small[holes]
    return mask


def mask_to_features(mask: np.ndarray, transform, src_crs: str, out_crs: str, score: float, mask_id: str,
                     min_pixels: int | None = None) -> list[dict]:
    import shapely
    from affine import Affine
    from pyproj import CRS, Geod
    from rasterio.features import shapes

    if min_pixels is None:  # 4 px for a 256 px window, 64 px for SAM's 1024 px
        min_pixels = max(4, mask.size // 16384)
    rows, cols = np.flatnonzero(mask.any(axis=1)), np.flatnonzero(mask.any(axis=0))
    if not len(rows):
        return []
    # Work on the mask's bounding box plus a 1 px empty frame: a slick is usually a small
    # part of the window, and the frame keeps "holes" open to the outside out of the fill.
    r0, r1, c0, c1 = rows[0], rows[-1] + 1, cols[0], cols[-1] + 1
    sub = np.zeros((r1 - r0 + 2, c1 - c0 + 2), bool)
    sub[1:-1, 1:-1] = mask[r0:r1, c0:c1]
    transform = transform * Affine.translation(c0 - 1, r0 - 1)
    mask = clean_mask(sub, min_pixels)
    if not mask.any():
        return []
    pixel = abs(transform.a)
    geoms = [  # GDAL polygonises into Polygons; rings from arrays: a third of the time of shapely's shape()
        shapely.Polygon(np.asarray(geom["coordinates"][0]), [np.asarray(r) for r in geom["coordinates"][1:]])
        for geom, value in shapes(mask.astype(np.uint8), mask=mask, transform=transform, connectivity=4)
        if value == 1
    ]
    src = CRS.from_user_input(src_crs)
    to_out = None if CRS.from_user_input(out_crs) == src else transformer(src, out_crs)
    geod = Geod(ellps="WGS84") if src.is_geographic else None
    features = []
    for geom in sorted(geoms, key=lambda g: g.area, reverse=True):
        geom = geom.simplify(pixel / 2, preserve_topology=True)
        if not geom.is_valid:
            geom = shapely.make_valid(geom)
        area = abs(geod.geometry_area_perimeter(geom)[0]) if geod else float(geom.area)
        if to_out is not None:
            geom = shapely.transform(geom, lambda xy: np.column_stack(to_out.transform(xy[:, 0], xy[:, 1])))
        if geom.is_empty:
            continue
        features.append({
            "type": "Feature",
            "geometry": shapely.geometry.mapping(geom),
            "properties": {"score": round(float(score), 4), "area_m2": round(area, 1), "mask_id": mask_id},
        })
    return features
