"""Small seep-atlas inputs written with GDAL/OGR: six 8 km scenes (UTM 33N, 100 m pixels, their
acquisition time in the GeoTIFF tags) over two seeps, slick outlines drawn from each seep down the
day's drift, a drift table, and a hand-made atlas output for the style tests."""

from __future__ import annotations

import math
import struct
from pathlib import Path

from osgeo import gdal, ogr, osr

UTM = 32633
SEEPS = {"A": (502000.0, 8302000.0), "B": (498000.0, 8298500.0)}
# scene id, acquisition time, west edge of its 8 km square, drift_to_deg, seeps that made a slick
SCENES = [
    ("s01", "2021-06-01T06:00:00", 496000.0, 45.0, "A"),
    ("s02", "2021-06-04T06:00:00", 496000.0, 90.0, "AB"),
    ("s03", "2021-06-07T06:00:00", 496000.0, 135.0, "A"),
    ("s04", "2021-06-10T06:00:00", 496000.0, 60.0, "AB"),
    ("s05", "2021-06-13T06:00:00", 504500.0, 30.0, ""),  # covers neither seep: not seen, not "no slick"
    ("s06", "2021-06-16T06:00:00", 496000.0, 30.0, ""),  # both seeps seen, no slick
]
SOUTH, SIZE_M, PIXEL_M = 8296000.0, 8000.0, 100.0


def srs(epsg: int) -> osr.SpatialReference:
    ref = osr.SpatialReference()
    ref.ImportFromEPSG(epsg)
    ref.SetAxisMappingStrategy(osr.OAMS_TRADITIONAL_GIS_ORDER)
    return ref


def write_scene(path: Path, west: float, acq_time: str) -> Path:
    """A GeoTIFF whose every pixel is valid (its footprint is the whole square)."""
    n = int(SIZE_M / PIXEL_M)
    ds = gdal.GetDriverByName("GTiff").Create(str(path), n, n, 1, gdal.GDT_Byte)
    ds.SetGeoTransform((west, PIXEL_M, 0.0, SOUTH + SIZE_M, 0.0, -PIXEL_M))
    ds.SetProjection(srs(UTM).ExportToWkt())
    ds.SetMetadataItem("ACQUISITION_TIME", acq_time)
    band = ds.GetRasterBand(1)
    band.SetNoDataValue(0)
    band.Fill(90)
    ds = None
    return path


def slick(seep: tuple[float, float], drift_to_deg: float) -> ogr.Geometry:
    """A tapered slick 1.6 km long starting at the seep and carried towards ``drift_to_deg``."""
    ux, uy = math.sin(math.radians(drift_to_deg)), math.cos(math.radians(drift_to_deg))
    nx, ny = uy, -ux
    x, y = seep
    ring = ogr.Geometry(ogr.wkbLinearRing)
    for along, across in ((0, -40), (1500, -120), (1600, 0), (1500, 120), (0, 40), (0, -40)):
        ring.AddPoint_2D(x + along * ux + across * nx, y + along * uy + across * ny)
    polygon = ogr.Geometry(ogr.wkbPolygon)
    polygon.AddGeometry(ring)
    return polygon


def write_outlines(path: Path, scenes, epsg: int, with_time: bool = True, layer_name: str = "slicks") -> Path:
    """One outline per seep that made a slick on each scene; fields scene, id (and acq_time)."""
    driver = {".gpkg": "GPKG", ".shp": "ESRI Shapefile", ".geojson": "GeoJSON"}[path.suffix]
    source = ogr.GetDriverByName(driver).CreateDataSource(str(path))
    layer = source.CreateLayer(layer_name, srs(epsg), ogr.wkbPolygon)
    for name in ("scene", "acq_time") if with_time else ("scene",):
        layer.CreateField(ogr.FieldDefn(name, ogr.OFTString))
    layer.CreateField(ogr.FieldDefn("id", ogr.OFTInteger))
    to_target = osr.CoordinateTransformation(srs(UTM), srs(epsg))
    for scene, acq_time, _west, drift, seeps in scenes:
        for number, seep in enumerate(seeps, 1):
            geom = slick(SEEPS[seep], drift)
            geom.Transform(to_target)
            feature = ogr.Feature(layer.GetLayerDefn())
            feature.SetField("scene", scene)
            feature.SetField("id", number)
            if with_time:
                feature.SetField("acq_time", acq_time)
            feature.SetGeometry(geom)
            layer.CreateFeature(feature)
    source = None
    return path


def write_inputs(folder: Path) -> dict:
    """Scenes s01, s02 (to open as layers) and s03..s06 in folder/more_scenes; outlines of s01..s03 in a
    GeoPackage (EPSG:4326, like the batch layer) and of s04 in a Shapefile in UTM without acq_time
    (taken from its scene); the drift table."""
    (folder / "more_scenes").mkdir(parents=True)
    scenes = {}
    for scene, acq_time, west, _drift, _seeps in SCENES:
        where = folder if scene in ("s01", "s02") else folder / "more_scenes"
        scenes[scene] = write_scene(where / f"{scene}.tif", west, acq_time)
    drift = folder / "drift.csv"
    drift.write_text("scene,drift_to_deg\n" + "".join(f"{s[0]},{s[3]:g}\n" for s in SCENES))
    return {
        "scenes": scenes, "folder": folder / "more_scenes", "drift": drift,
        "batch": write_outlines(folder / "batch.gpkg", SCENES[:3], 4326),
        "more": write_outlines(folder / "more.shp", SCENES[3:4], UTM, with_time=False),
    }


def write_atlas(folder: Path) -> dict:
    """A hand-made atlas as the backend lays it out: recurrence.tif (2 bands, nodata -1, one row
    of -1, 0, 0.5, 1), sources.gpkg (2 sources, their ellipses), the charts folder (the test draws source 1's chart)."""
    folder.mkdir(parents=True)
    ds = gdal.GetDriverByName("GTiff").Create(str(folder / "recurrence.tif"), 4, 1, 2, gdal.GDT_Float32)
    ds.SetGeoTransform((500000.0, 100.0, 0.0, 8300000.0, 0.0, -100.0))
    ds.SetProjection(srs(UTM).ExportToWkt())
    for band_number, values in ((1, (-1.0, 0.0, 0.5, 1.0)), (2, (0.0, 3.0, 4.0, 2.0))):
        band = ds.GetRasterBand(band_number)
        band.SetNoDataValue(-1)
        band.WriteRaster(0, 0, 4, 1, struct.pack("4f", *values))
    ds = None
    source = ogr.GetDriverByName("GPKG").CreateDataSource(str(folder / "sources.gpkg"))
    points = source.CreateLayer("sources", srs(4326), ogr.wkbPoint)
    ellipses = source.CreateLayer("ellipses", srs(4326), ogr.wkbPolygon)
    for field, kind in (("id", ogr.OFTInteger), ("n_dates", ogr.OFTInteger), ("first_date", ogr.OFTString),
                        ("last_date", ogr.OFTString)):
        points.CreateField(ogr.FieldDefn(field, kind))
    for field in ("id", "n_dates"):
        ellipses.CreateField(ogr.FieldDefn(field, ogr.OFTInteger))
    for sid, n_dates, lon, lat in ((1, 5, 15.05, 74.85), (2, 2, 15.0, 74.83)):
        feature = ogr.Feature(points.GetLayerDefn())
        for field, value in (("id", sid), ("n_dates", n_dates), ("first_date", "2021-06-01"),
                             ("last_date", "2021-06-10")):
            feature.SetField(field, value)
        feature.SetGeometry(ogr.CreateGeometryFromWkt(f"POINT ({lon} {lat})"))
        points.CreateFeature(feature)
        ring = ogr.CreateGeometryFromWkt(f"POINT ({lon} {lat})").Buffer(0.01)
        feature = ogr.Feature(ellipses.GetLayerDefn())
        feature.SetField("id", sid)
        feature.SetField("n_dates", n_dates)
        feature.SetGeometry(ring)
        ellipses.CreateFeature(feature)
    source = None
    (folder / "charts").mkdir()
    return {"out": str(folder), "recurrence": str(folder / "recurrence.tif"),
            "sources": f"{folder / 'sources.gpkg'}|layername=sources",
            "ellipses": f"{folder / 'sources.gpkg'}|layername=ellipses",
            "report": str(folder / "report.html"), "charts": {"1": str(folder / "charts" / "source_1.png")},
            "n_scenes": 3, "n_slicks": 7, "n_sources": 2}
