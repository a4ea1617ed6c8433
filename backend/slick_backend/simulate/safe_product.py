"""Write a simulated scene as a miniature Sentinel-1 GRD product, as downloaded: ``NAME.SAFE/``
(or ``NAME.zip`` holding it) with the files and XML structure of a real product.

- ``manifest.safe``: platform, mode, product type, polarisations, acquisition period, orbit and
  pass, and a dataObject per file (what scenes/safe.py reads);
- per polarisation ``annotation/*.xml`` (header, image size, geolocation grid),
  ``annotation/calibration/calibration-*.xml`` (sigmaNought, betaNought, gamma, dn LUTs) and
  ``noise-*.xml`` (noise range vectors and per sub-swath noise azimuth vectors, IPF >= 2.9);
- ``measurement/*.tiff``: uint16 amplitude DN in radar geometry with the GCPs of the
  geolocation grid, DN^2 = A^2 (sigma0 + NESZ) as the ESA calibration defines it, so that
  calibrating with the LUTs gives back the simulated sigma0 and denoising removes the
  simulator's own noise floor.

The LUTs are sparse (every ``LINE_STEP`` lines, every ``PIXEL_STEP`` pixels) like real ones;
the cross-polarised band is the co-polarised scene dimmed by ``CROSS_POL_DB``.
"""

from __future__ import annotations

import datetime as dt
import shutil
import warnings
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape

import numpy as np

LINE_STEPS = 8  # calibration / noise vectors along azimuth (real products: one every ~670 lines)
PIXEL_STEP_FRACTION = 1 / 24  # LUT samples across range (real products: every 40 px)
CROSS_POL = {"HH": "HV", "VV": "VH"}
CROSS_POL_DB = -9.0
_TIME = "%Y-%m-%dT%H:%M:%S.%f"


def product_name(mode: str, product: str, pol: str, start: dt.datetime, stop: dt.datetime, orbit: int,
                 take: int) -> str:
    """S1A_EW_GRDM_1SDH_<start>_<stop>_<orbit>_<datatake>_<crc>: a real product's name pattern."""
    fmt = "%Y%m%dT%H%M%S"
    crc = (orbit * 31 + take) % 0xFFFF
    return f"S1A_{mode}_{product}_1SD{pol[0]}_{start:{fmt}}_{stop:{fmt}}_{orbit:06d}_{take:06X}_{crc:04X}"


def _file_stem(mode: str, pol: str, start: dt.datetime, stop: dt.datetime, orbit: int, take: int, n: int) -> str:
    fmt = "%Y%m%dt%H%M%S"
    return f"s1a-{mode.lower()}-grd-{pol.lower()}-{start:{fmt}}-{stop:{fmt}}-{orbit:06d}-{take:06x}-{n:03d}"


def _lut_positions(size: int, step: int) -> np.ndarray:
    return np.unique(np.r_[np.arange(0, size, max(1, step)), size - 1])


def _sigma_lut(rows: np.ndarray, cols: np.ndarray, width: int) -> np.ndarray:
    """sigmaNought calibration constant A: grows across range and a little along azimuth, so
    that interpolating it matters (real values: ~300..700 for GRD)."""
    return (420.0 + 180.0 * cols[None, :] / max(1, width - 1) + 0.01 * rows[:, None]).astype(np.float64)


def write_safe_product(out_dir: Path, geom, intensity: np.ndarray, nesz: np.ndarray | None, *, mode: str,
                       product: str, pol: str, start: dt.datetime, ascending: bool, orbit: int, take: int,
                       as_zip: bool = False, cross_pol: bool = True, tiff_gcps: bool = True) -> dict:
    """Write the product into out_dir; returns its path, name and what the scene manifest records."""
    stop = start + dt.timedelta(seconds=64 if mode == "EW" else 25)
    name = product_name(mode, product, pol, start, stop, orbit, take)
    root = out_dir / f"{name}.SAFE"
    if root.exists():
        shutil.rmtree(root)
    (root / "measurement").mkdir(parents=True)
    (root / "annotation" / "calibration").mkdir(parents=True)
    h, w = intensity.shape
    rows, cols = _lut_positions(h, -(-h // LINE_STEPS)), _lut_positions(w, int(w * PIXEL_STEP_FRACTION))
    a = _sigma_lut(rows, cols, w)
    noise_field = np.zeros((h, w), np.float32) if nesz is None else nesz
    pols = [pol, CROSS_POL[pol]] if cross_pol else [pol]
    files = {}
    for n, p in enumerate(pols, start=1):
        gain = 1.0 if p == pol else 10 ** (CROSS_POL_DB / 10)
        stem = _file_stem(mode, p, start, stop, orbit, take, n)
        noise_lut = np.nan_to_num(noise_field[np.ix_(rows, cols)]) * gain * a ** 2
        files[p] = {
            "annotation": f"annotation/{stem}.xml",
            "calibration": f"annotation/calibration/calibration-{stem}.xml",
            "noise": f"annotation/calibration/noise-{stem}.xml",
            "measurement": f"measurement/{stem}.tiff",
        }
        header = _header(mode, p, start, stop, orbit, take, n)
        (root / files[p]["annotation"]).write_text(_annotation(header, geom, h, w, start, stop))
        (root / files[p]["calibration"]).write_text(_calibration(header, rows, cols, a, start))
        (root / files[p]["noise"]).write_text(_noise(header, rows, cols, noise_lut, mode, h, w, start))
        _measurement(root / files[p]["measurement"], intensity * gain, rows, cols, a, geom, tiff_gcps)
    (root / "manifest.safe").write_text(_manifest(mode, product, pols, start, stop, orbit, ascending, files))
    path = root
    if as_zip:
        path = out_dir / f"{name}.zip"
        with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as zf:  # downloads store the TIFFs uncompressed
            for f in sorted(root.rglob("*")):
                zf.write(f, f.relative_to(out_dir).as_posix())
        shutil.rmtree(root)
    return {"path": path, "name": name, "polarisations": pols, "files": files[pol]}


def _measurement(path: Path, intensity: np.ndarray, rows, cols, a_sparse, geom, tiff_gcps: bool) -> None:
    import rasterio
    from rasterio.control import GroundControlPoint
    from rasterio.crs import CRS
    from rasterio.errors import NotGeoreferencedWarning

    from ..scenes.calibration import _Vector, lut_on_window

    h, w = intensity.shape
    vectors = [_Vector(int(r), cols.astype(np.float64), a_sparse[i]) for i, r in enumerate(rows)]
    a = lut_on_window(vectors, np.arange(h, dtype=np.float64), np.arange(w, dtype=np.float64))
    holes = ~np.isfinite(intensity)
    dn = np.sqrt(np.where(holes, 0.0, np.maximum(intensity, 0.0)) * a.astype(np.float64) ** 2)
    dn = np.clip(np.rint(dn), 1, 65535).astype(np.uint16)
    dn[holes] = 0
    profile = {"driver": "GTiff", "height": h, "width": w, "count": 1, "dtype": "uint16"}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", NotGeoreferencedWarning)
        dst = rasterio.open(path, "w", **profile)
    with dst:
        if tiff_gcps:
            gcps = [GroundControlPoint(row=r, col=c, x=lon, y=lat, z=0.0) for r, c, lon, lat in geom.gcps_lonlat()]
            dst.gcps = (gcps, CRS.from_epsg(4326))
        dst.write(dn, 1)


def _header(mode, pol, start, stop, orbit, take, n) -> str:
    return (f"<adsHeader><missionId>S1A</missionId><productType>GRD</productType><polarisation>{pol}</polarisation>"
            f"<mode>{mode}</mode><swath>{mode}</swath><startTime>{start:{_TIME}}</startTime>"
            f"<stopTime>{stop:{_TIME}}</stopTime><absoluteOrbitNumber>{orbit}</absoluteOrbitNumber>"
            f"<missionDataTakeId>{take}</missionDataTakeId><imageNumber>{n:03d}</imageNumber></adsHeader>")


def _line_time(start, stop, line, h) -> str:
    return f"{start + (stop - start) * (float(line) / max(1, h - 1)):{_TIME}}"


def _annotation(header, geom, h, w, start, stop) -> str:
    points = "".join(
        f"<geolocationGridPoint><azimuthTime>{_line_time(start, stop, r, h)}</azimuthTime><slantRangeTime>0"
        f"</slantRangeTime><line>{int(round(r))}</line><pixel>{int(round(c))}</pixel><latitude>{lat:.9f}</latitude>"
        f"<longitude>{lon:.9f}</longitude><height>0</height><incidenceAngle>0</incidenceAngle>"
        f"<elevationAngle>0</elevationAngle></geolocationGridPoint>"
        for r, c, lon, lat in geom.gcps_lonlat())
    n = len(geom.gcps_lonlat())
    return (f'<?xml version="1.0" encoding="UTF-8"?>\n<product>{header}<imageAnnotation><imageInformation>'
            f"<rangePixelSpacing>{geom.pixel_m}</rangePixelSpacing><azimuthPixelSpacing>{geom.pixel_m}"
            f"</azimuthPixelSpacing><outputPixels>16 bit Unsigned Integer</outputPixels><numberOfSamples>{w}</numberOfSamples><numberOfLines>{h}</numberOfLines>"
            f'</imageInformation></imageAnnotation><geolocationGrid><geolocationGridPointList count="{n}">'
            f"{points}</geolocationGridPointList></geolocationGrid></product>\n")


def _numbers(values) -> str:
    return " ".join(f"{v:.6e}" if isinstance(v, float | np.floating) else str(int(v)) for v in values)


def _calibration(header, rows, cols, a, start) -> str:
    vectors = "".join(
        f"<calibrationVector><azimuthTime>{start:{_TIME}}</azimuthTime><line>{int(r)}</line>"
        f'<pixel count="{cols.size}">{_numbers(cols)}</pixel>'
        f'<sigmaNought count="{cols.size}">{_numbers(a[i].tolist())}</sigmaNought>'
        f'<betaNought count="{cols.size}">{_numbers([float(a[i].min())] * cols.size)}</betaNought>'
        f'<gamma count="{cols.size}">{_numbers((a[i] * 0.93).tolist())}</gamma>'
        f'<dn count="{cols.size}">{_numbers([float(a[i].min()) * 0.85] * cols.size)}</dn></calibrationVector>'
        for i, r in enumerate(rows))
    return (f'<?xml version="1.0" encoding="UTF-8"?>\n<calibration>{header}<calibrationInformation>'
            f"<absoluteCalibrationConstant>1.0</absoluteCalibrationConstant></calibrationInformation>"
            f'<calibrationVectorList count="{rows.size}">{vectors}</calibrationVectorList></calibration>\n')


def _noise(header, rows, cols, noise_lut, mode, h, w, start) -> str:
    ranges = "".join(
        f"<noiseRangeVector><azimuthTime>{start:{_TIME}}</azimuthTime><line>{int(r)}</line>"
        f'<pixel count="{cols.size}">{_numbers(cols)}</pixel>'
        f'<noiseRangeLut count="{cols.size}">{_numbers(noise_lut[i].tolist())}</noiseRangeLut></noiseRangeVector>'
        for i, r in enumerate(rows))
    # one azimuth block per sub-swath (IW1..3, EW1..5) with a flat LUT: the simulator's noise
    # pattern is all in the range vectors
    n_sw = 5 if mode == "EW" else 3
    edges = np.linspace(0, w, n_sw + 1).astype(int)
    lines = _lut_positions(h, max(1, h // 16))
    blocks = "".join(
        f"<noiseAzimuthVector><swath>{escape(mode)}{k + 1}</swath><firstAzimuthLine>0</firstAzimuthLine>"
        f"<firstRangeSample>{edges[k]}</firstRangeSample><lastAzimuthLine>{h - 1}</lastAzimuthLine>"
        f"<lastRangeSample>{edges[k + 1] - 1}</lastRangeSample>"
        f'<line count="{lines.size}">{_numbers(lines)}</line>'
        f'<noiseAzimuthLut count="{lines.size}">{_numbers([1.0] * lines.size)}</noiseAzimuthLut></noiseAzimuthVector>'
        for k in range(n_sw))
    return (f'<?xml version="1.0" encoding="UTF-8"?>\n<noise>{header}<noiseRangeVectorList count="{rows.size}">'
            f'{ranges}</noiseRangeVectorList><noiseAzimuthVectorList count="{n_sw}">{blocks}'
            f"</noiseAzimuthVectorList></noise>\n")


_ROLE_SCHEMA = {"annotation": ("product", "s1Level1ProductSchema"), "noise": ("noise", "s1Level1NoiseSchema"),
                "calibration": ("calibration", "s1Level1CalibrationSchema"),
                "measurement": ("", "s1Level1MeasurementSchema")}


def _manifest(mode, product, pols, start, stop, orbit, ascending, files) -> str:
    # GDAL's SAFE driver follows measurement unit -> dmdID -> metadataObject -> dataObject -> file
    objects, units, metas = [], [], []
    for pol in pols:
        ids = {}
        for role, rel in files[pol].items():
            prefix, schema = _ROLE_SCHEMA[role]
            ids[role] = oid = f"{prefix}{Path(rel).stem.replace('-', '')}"
            objects.append(f'<dataObject ID="{oid}" repID="{schema}"><byteStream mimeType="text/xml">'
                           f'<fileLocation locatorType="URL" href="./{rel}"/></byteStream></dataObject>')
            if role != "measurement":
                units.append(f'<xfdu:contentUnit unitType="Metadata Unit" repID="{schema}">'
                             f'<dataObjectPointer dataObjectID="{oid}"/></xfdu:contentUnit>')
                metas.append(f'<metadataObject ID="{oid}Annotation" classification="DESCRIPTION" category="DMD">'
                             f'<dataObjectPointer dataObjectID="{oid}"/></metadataObject>')
        dmd = " ".join(f"{ids[r]}Annotation" for r in ("annotation", "noise", "calibration"))
        units.append(f'<xfdu:contentUnit unitType="Measurement Data Unit" repID="s1Level1MeasurementSchema" '
                     f'dmdID="{dmd}"><dataObjectPointer dataObjectID="{ids["measurement"]}"/></xfdu:contentUnit>')
    pol_items = "".join(f"<s1sarl1:transmitterReceiverPolarisation>{p}</s1sarl1:transmitterReceiverPolarisation>"
                        for p in pols)
    relative = (orbit - 73) % 175 + 1
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<xfdu:XFDU xmlns:xfdu="urn:ccsds:schema:xfdu:1" xmlns:safe="http://www.esa.int/safe/sentinel-1.0" xmlns:s1="http://www.esa.int/safe/sentinel-1.0/sentinel-1" xmlns:s1sarl1="http://www.esa.int/safe/sentinel-1.0/sentinel-1/sar/level-1" version="esa/safe/sentinel-1.0/sentinel-1/sar/level-1/grd/standard/{mode.lower()}dp">
  <informationPackageMap>
    <xfdu:contentUnit unitType="SAFE Archive Information Package" textInfo="Sentinel-1 {mode} Level-1 GRD Product" dmdID="acquisitionPeriod platform generalProductInformation measurementOrbitReference">
      {"".join(units)}
    </xfdu:contentUnit>
  </informationPackageMap>
  <metadataSection>
    {"".join(metas)}
    <metadataObject ID="platform" classification="DESCRIPTION" category="DMD"><metadataWrap><xmlData>
      <safe:platform><safe:nssdcIdentifier>2014-016A</safe:nssdcIdentifier><safe:familyName>SENTINEL-1</safe:familyName><safe:number>A</safe:number>
        <safe:instrument><safe:familyName abbreviation="SAR">Synthetic Aperture Radar</safe:familyName><safe:extension><s1sarl1:instrumentMode><s1sarl1:mode>{mode}</s1sarl1:mode><s1sarl1:swath>{mode}</s1sarl1:swath></s1sarl1:instrumentMode></safe:extension></safe:instrument>
      </safe:platform></xmlData></metadataWrap></metadataObject>
    <metadataObject ID="measurementOrbitReference" classification="DESCRIPTION" category="DMD"><metadataWrap><xmlData>
      <safe:orbitReference><safe:orbitNumber type="start">{orbit}</safe:orbitNumber><safe:orbitNumber type="stop">{orbit}</safe:orbitNumber>
        <safe:relativeOrbitNumber type="start">{relative}</safe:relativeOrbitNumber><safe:relativeOrbitNumber type="stop">{relative}</safe:relativeOrbitNumber>
        <safe:extension><s1:orbitProperties><s1:pass>{"ASCENDING" if ascending else "DESCENDING"}</s1:pass></s1:orbitProperties></safe:extension>
      </safe:orbitReference></xmlData></metadataWrap></metadataObject>
    <metadataObject ID="generalProductInformation" classification="DESCRIPTION" category="DMD"><metadataWrap><xmlData>
      <s1sarl1:standAloneProductInformation>{pol_items}<s1sarl1:productClass>S</s1sarl1:productClass><s1sarl1:productType>GRD</s1sarl1:productType><s1sarl1:productTimelinessCategory>Fast-24h</s1sarl1:productTimelinessCategory></s1sarl1:standAloneProductInformation>
    </xmlData></metadataWrap></metadataObject>
    <metadataObject ID="acquisitionPeriod" classification="DESCRIPTION" category="DMD"><metadataWrap><xmlData>
      <safe:acquisitionPeriod><safe:startTime>{start:{_TIME}}</safe:startTime><safe:stopTime>{stop:{_TIME}}</safe:stopTime></safe:acquisitionPeriod>
    </xmlData></metadataWrap></metadataObject>
  </metadataSection>
  <dataObjectSection>
    {"".join(objects)}
  </dataObjectSection>
</xfdu:XFDU>
"""
