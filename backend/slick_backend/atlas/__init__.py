"""The seep atlas (issue 16): slick outlines over many dates -> recurrence map, seep sources, time series.

Entry point: ``slick_backend.atlas.api`` (AtlasParams, run_atlas; job kind "atlas", CLI
``slick-backend atlas``). One module per step::

    outlines.py      read outline files (any OGR format and CRS) into Slick records
    coverage.py      the scenes that were looked at: raster / product valid-data footprints, vector footprints
    drift.py         the optional drift CSV (scene, drift_to_deg, acq_time)
    timeline.py      parsing acquisition times; UTC dates
    observations.py  slicks matched to coverage scenes; each scene's time, date and drift
    grid.py          the common UTM grid, grid azimuth of true north
    recurrence.py    share of covering scenes with slick per pixel, coverage count (recurrence.tif)
    origins.py       candidate origins from each slick's centreline (outline_shape.centreline)
    fragments.py     plume pieces: axis ends that another slick of the scene continues
    cluster.py       weighted DBSCAN of candidate origins -> sources with ellipse and confidence
    series.py        per source x covering scene: detected, area, length (timeseries.csv)
    writers.py       sources.gpkg (sources, ellipses) and JSON
    figures.py       atlas.png and charts/source_<id>.png
    report.py        report.html
    outputs.py       everything above into one folder, atomically; atlas.json

docs/atlas.md gives every output, field and formula.
"""
