"""A SAM mask on the window grid -> GeoJSON polygons in the requested CRS.

One feature per connected part (4-connected, as GDAL polygonises), specks under
``min_pixels`` dropped, outlines simplified by half an input pixel (keeps the shape, drops
the staircase), holes kept. Area is measured in the scene's projected CRS (or on the
ellipsoid for a geographic grid), before reprojection.
"""

from __future__ import annotations

import numpy as np

from .window import transformer


def mask_to_features(mask: np.ndarray, transform, src_crs: str, out_crs: str, score: float, mask_id: str,
                     min_pixels: int = 4) -> list[dict]:
    import shapely
    from pyproj import CRS, Geod
    from rasterio.features import shapes

    if not mask.any():
        return []
    pixel = abs(transform.a)
    geoms = [
        shapely.geometry.shape(geom)
        for geom, value in shapes(mask.astype(np.uint8), mask=mask, transform=transform, connectivity=4)
        if value == 1
    ]
    geoms = [g for g in geoms if g.area >= min_pixels * pixel * abs(transform.e)]
    src = CRS.from_user_input(src_crs)
    to_out = None if CRS.from_user_input(out_crs) == src else transformer(src, out_crs)
    geod = Geod(ellps="WGS84") if src.is_geographic else None
    features = []
    for geom in sorted(geoms, key=lambda g: g.area, reverse=True):
        geom = shapely.make_valid(geom.simplify(pixel / 2, preserve_topology=True))
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
