"""Label layer, styles, result groups and export against real QGIS and real files."""

from __future__ import annotations

import json
import shutil

from qgis.core import (
    QgsCoordinateReferenceSystem,
    QgsGeometry,
    QgsProject,
    QgsRasterLayer,
    QgsSingleBandPseudoColorRenderer,
    QgsVectorLayer,
    QgsWkbTypes,
)

from slick_plugin.layers.export import export_layer
from slick_plugin.layers.label_layer import add_label, create_label_layer, delete_label, has_label_fields
from slick_plugin.layers.results import add_result_group, centreline_source, result_paths
from slick_plugin.layers.styles import style_probability


def test_label_layer_fields_add_and_delete(tmp_path):
    layer = create_label_layer(str(tmp_path / "labels.gpkg"), QgsCoordinateReferenceSystem("EPSG:32632"))
    assert has_label_fields(layer) and layer.crs().authid() == "EPSG:32632"
    # a square given in EPSG:4326 lands in the layer's UTM CRS
    geom = QgsGeometry.fromWkt("POLYGON((11 78.6, 11.1 78.6, 11.1 78.65, 11 78.65, 11 78.6))")
    fid = add_label(layer, geom, QgsCoordinateReferenceSystem("EPSG:4326"), "scene.tif", "sam_box", "n")
    assert not layer.isEditable()  # committed
    reopened = QgsVectorLayer(layer.source(), "again", "ogr")
    feats = list(reopened.getFeatures())
    assert len(feats) == 1 and feats[0]["source"] == "sam_box" and feats[0]["scene"] == "scene.tif"
    assert feats[0]["created"] is not None
    centre = feats[0].geometry().centroid().asPoint()
    assert 400000 < centre.x() < 600000 and 8.6e6 < centre.y() < 8.8e6  # UTM metres, not degrees
    assert delete_label(layer, fid)
    assert QgsVectorLayer(layer.source(), "again", "ogr").featureCount() == 0


def test_add_label_keeps_user_edit_mode(tmp_path):
    layer = create_label_layer(str(tmp_path / "l.gpkg"), QgsCoordinateReferenceSystem("EPSG:32632"))
    layer.startEditing()
    geom = QgsGeometry.fromWkt("POLYGON((0 0, 100 0, 100 100, 0 0))")
    add_label(layer, geom, layer.crs(), "s", "sam_points")
    assert layer.isEditable()
    assert QgsVectorLayer(layer.source(), "x", "ogr").featureCount() == 1
    layer.rollBack()


def pred_copy(arctic_dir, tmp_path):
    for name in ("pred_tl.tif", "pred_tl.tfw", "pred_tl.tif.aux.xml"):
        shutil.copy(arctic_dir / "sample_135" / name, tmp_path / name)
    return str(tmp_path / "pred_tl.tif")


def test_probability_style_is_transparent_below_threshold(tmp_path, arctic_dir):
    raster = QgsRasterLayer(pred_copy(arctic_dir, tmp_path), "p")
    assert raster.isValid()
    style_probability(raster, 0.6)
    renderer = raster.renderer()
    assert isinstance(renderer, QgsSingleBandPseudoColorRenderer)
    ramp = renderer.shader().rasterShaderFunction()
    assert ramp.clip() and abs(ramp.colorRampItemList()[0].value - 0.6) < 1e-9
    assert not ramp.shade(0.3)[0]  # below the threshold: not drawn
    assert ramp.shade(0.9)[0]


def test_result_group_and_export(tmp_path, arctic_dir, qgis_new_project):
    # outlines from a real prediction raster's footprint, written as a GeoPackage
    src = create_label_layer(str(tmp_path / "pred_slicks.gpkg"), QgsCoordinateReferenceSystem("EPSG:32632"), "slicks")
    prob = pred_copy(arctic_dir, tmp_path)
    raster = QgsRasterLayer(prob, "p")
    add_label(src, QgsGeometry.fromRect(raster.extent().buffered(-5000)), raster.crs(), "s", "manual", "note")
    crs_before = QgsProject.instance().crs()
    result = {"probability": prob, "outlines": src.source().split("|")[0]}
    assert set(result_paths(result)) == {"prob", "outlines"}
    group, layers = add_result_group(result, "run 1", 0.5)
    assert [lay.crs().authid() for lay in layers] == ["EPSG:32632", "EPSG:32632"]
    assert group.name() == "run 1" and len(group.findLayers()) == 2
    assert QgsProject.instance().crs() == crs_before  # adding results never sets the project CRS
    for suffix in (".gpkg", ".shp", ".geojson"):
        out = export_layer(layers[0], str(tmp_path / f"export{suffix}"))
        back = QgsVectorLayer(out, "back", "ogr")
        assert back.isValid() and back.featureCount() == 1
        assert back.crs().authid() == "EPSG:32632"
        assert "note" in back.fields().names()
    data = json.loads((tmp_path / "export.geojson").read_text())
    assert data["features"][0]["properties"]["note"] == "note"


def _two_layer_gpkg(path) -> None:
    """A predict-like GeoPackage whose *first* layer is the centrelines: the outlines must be
    opened by name, not as whatever layer comes first."""
    from osgeo import ogr, osr

    srs = osr.SpatialReference()
    srs.ImportFromEPSG(32632)
    ds = ogr.GetDriverByName("GPKG").CreateDataSource(str(path))
    for name, kind, wkt in (
        ("centrelines", ogr.wkbMultiLineString, "MULTILINESTRING((400000 8700000,401000 8700000))"),
        ("slicks", ogr.wkbMultiPolygon,
         "MULTIPOLYGON(((400000 8699900,401000 8699900,401000 8700100,400000 8700100,400000 8699900)))"),
    ):
        layer = ds.CreateLayer(name, srs, kind)
        layer.CreateField(ogr.FieldDefn("id", ogr.OFTInteger))
        feature = ogr.Feature(layer.GetLayerDefn())
        feature.SetField("id", 1)
        feature.SetGeometry(ogr.CreateGeometryFromWkt(wkt))
        layer.CreateFeature(feature)
    ds = None  # close and flush


def test_result_group_opens_outlines_and_centrelines_by_layer_name(tmp_path, qgis_new_project):
    path = tmp_path / "run_slicks.gpkg"
    _two_layer_gpkg(path)
    result = {"outlines": str(path), "n_slicks": 1}
    assert result_paths(result) == {"outlines": f"{path}|layername=slicks"}
    group, layers = add_result_group(result, "run 2", 0.5)
    assert [lay.geometryType() for lay in layers] == [QgsWkbTypes.PolygonGeometry, QgsWkbTypes.LineGeometry]
    assert [lay.featureCount() for lay in layers] == [1, 1] and len(group.findLayers()) == 2
    # Shapefile / GeoJSON results: the centrelines are a sibling file, never taken for the outlines
    shp = {"centrelines": "/o/x_slicks_centrelines.shp", "outlines": "/o/x_slicks.shp"}
    assert result_paths(shp) == {"outlines": "/o/x_slicks.shp"}
    assert centreline_source("/o/x_slicks.shp") == "/o/x_slicks_centrelines.shp"
    assert centreline_source(f"{path}|layername=slicks") == f"{path}|layername=centrelines"


def test_clip_to_extent_keeps_the_scene_grid(mosaic_135, tmp_path):
    from qgis.core import QgsRectangle

    from slick_plugin.layers.clip import clip_to_extent

    scene = QgsRasterLayer(str(mosaic_135), "s")
    e = scene.extent()
    view = QgsRectangle(e.xMinimum() + 1013.0, e.yMinimum() + 2020.0, e.xMinimum() + 9031.0, e.yMinimum() + 7007.0)
    clip = QgsRasterLayer(clip_to_extent(scene, view, str(tmp_path / "clip.tif")), "c")
    assert clip.isValid() and clip.crs() == scene.crs()
    assert abs(clip.rasterUnitsPerPixelX() - scene.rasterUnitsPerPixelX()) < 1e-6
    ce = clip.extent()
    assert ce.contains(view) and ce.width() < view.width() + 2 * 25.0 + 1e-6
    for offset in (ce.xMinimum() - e.xMinimum(), e.yMaximum() - ce.yMaximum()):
        assert abs(offset / 25.0 - round(offset / 25.0)) < 1e-6  # whole pixels of the scene's grid
    # same pixel values as the scene at the same place
    value, ok = clip.dataProvider().sample(ce.center(), 1)
    assert ok and value == scene.dataProvider().sample(ce.center(), 1)[0]
