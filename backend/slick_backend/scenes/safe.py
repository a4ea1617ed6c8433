"""Sentinel-1 GRD products as downloaded: a ``.SAFE`` folder, its ``manifest.safe``, or the
product ``.zip``; also GDAL's ``SENTINEL1_CALIB:...:manifest.safe:IW_VV:...`` subdataset names
(what QGIS shows as a SAFE layer's source).

``find_product(path)`` reads the manifest (stdlib XML, from the folder or straight out of the
zip) into a ``Product``: platform, mode, product type, polarisations, start / stop time, orbit,
pass, and per polarisation the measurement, annotation, calibration and noise files named by
the manifest. ``product.measurement(pol)`` is the GDAL path of the measurement GeoTIFF
(``/vsizip/`` inside a zip) that the scene reader opens; its GCPs georeference it.
"""

from __future__ import annotations

import os
import re
import xml.etree.ElementTree as ET
import zipfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from ..errors import InputError

CO_POLS = ("HH", "VV")
GDAL_SUBDATASET = re.compile(
    r"^SENTINEL1_CALIB:[A-Z0-9]+:(?P<path>.+?):(?P<swath>[A-Z0-9]+)(?:_(?P<pol>[A-Z]{2}))?:[A-Z0-9]+$")
# manifest dataObject repID -> the role of the file
ROLES = {
    "s1Level1MeasurementSchema": "measurement",
    "s1Level1ProductSchema": "annotation",
    "s1Level1CalibrationSchema": "calibration",
    "s1Level1NoiseSchema": "noise",
}
_POL_IN_NAME = re.compile(r"-(hh|hv|vv|vh)-", re.IGNORECASE)


@dataclass
class Product:
    """One Sentinel-1 product: where it is and what its manifest says."""

    path: Path  # the folder, or the zip, as the user gave it
    name: str  # product name without .SAFE (S1B_IW_GRDH_1SDV_...)
    platform: str  # S1A / S1B / S1C
    mode: str  # IW / EW / SM / WV
    product_type: str  # GRD / SLC / OCN
    polarisations: list[str]  # as listed by the manifest, e.g. ["VV", "VH"]
    start_time: str
    stop_time: str
    orbit: int | None
    relative_orbit: int | None
    orbit_pass: str | None
    files: dict[str, dict[str, str]] = field(default_factory=dict)  # pol -> role -> path inside the product
    _zip_root: str | None = None  # "NAME.SAFE" inside the zip, None for a folder

    # --- reading the product's files ------------------------------------------------
    def gdal_path(self, relpath: str) -> str:
        if self._zip_root is None:
            return str(self.path / relpath)
        return f"/vsizip/{self.path.resolve()}/{self._zip_root}/{relpath}"

    def exists(self, relpath: str) -> bool:
        if self._zip_root is None:
            return (self.path / relpath).is_file()
        with zipfile.ZipFile(self.path) as zf:
            return f"{self._zip_root}/{relpath}" in set(zf.namelist())

    def read_text(self, relpath: str) -> bytes:
        try:
            if self._zip_root is None:
                return (self.path / relpath).read_bytes()
            with zipfile.ZipFile(self.path) as zf:
                return zf.read(f"{self._zip_root}/{relpath}")
        except (OSError, KeyError, zipfile.BadZipFile) as exc:
            raise InputError(f"{self.path}: {relpath} cannot be read ({exc}); the product is incomplete, "
                             "download it again") from None

    # --- choosing a polarisation ------------------------------------------------------
    def choose_polarisation(self, wanted: str | None) -> str:
        """The requested polarisation, else the co-polarised one (HH or VV)."""
        listed = ", ".join(self.polarisations) or "none"
        if wanted:
            wanted = wanted.upper()
            if wanted not in self.polarisations:
                raise InputError(f"{self.path}: the product has no {wanted} band (it holds {listed}); "
                                 "choose one of those polarisations")
            return wanted
        co = [p for p in self.polarisations if p in CO_POLS]
        if not co:
            raise InputError(f"{self.path}: the product holds only cross-polarised bands ({listed}); "
                             "choose one of them as the polarisation explicitly")
        return co[0]

    def file(self, pol: str, role: str) -> str:
        """Path inside the product of a polarisation's file; a clear error when it is missing."""
        rel = self.files.get(pol, {}).get(role)
        if rel is None:
            raise InputError(f"{self.path}: the manifest lists no {role} file for {pol}; the product is "
                             "incomplete or not a Sentinel-1 GRD product")
        if not self.exists(rel):
            others = [p for p in self.polarisations if p != pol and self.files.get(p, {}).get(role)
                      and self.exists(self.files[p][role])]
            hint = f"choose {' or '.join(others)} as the polarisation" if others else "download the product again"
            raise InputError(f"{self.path}: the manifest lists {pol} but its {role} file {rel} is missing "
                             f"(an incomplete download or a trimmed product); {hint}")
        return rel

    def measurement(self, pol: str) -> str:
        return self.gdal_path(self.file(pol, "measurement"))

    def gcps(self, pol: str) -> list:
        """Ground control points from the annotation's geolocation grid (EPSG:4326), which is
        what GDAL's SAFE driver uses; for measurement files that carry none themselves."""
        from rasterio.control import GroundControlPoint

        rel = self.file(pol, "annotation")
        try:
            root = ET.fromstring(self.read_text(rel))
            points = []
            for el in root.iter():
                if _local(el.tag) == "geolocationGridPoint":
                    v = {_local(c.tag): c.text for c in el}
                    points.append(GroundControlPoint(row=float(v["line"]), col=float(v["pixel"]),
                                                     x=float(v["longitude"]), y=float(v["latitude"]),
                                                     z=float(v.get("height") or 0.0)))
        except (ET.ParseError, KeyError, TypeError, ValueError) as exc:
            raise InputError(f"{self.path}: the geolocation grid of {rel} is unreadable ({exc}); "
                             "download the product again") from None
        if len(points) < 3:
            raise InputError(f"{self.path}: {rel} has {len(points)} geolocation grid points; the product cannot be "
                             "georeferenced, download it again")
        return points

    def tags(self) -> dict[str, str]:
        """What the manifest says, as GDAL-style tags for the scene (mode, time, orbit)."""
        tags = {"S1_MODE": self.mode, "PRODUCT_TYPE": self.product_type, "MISSION_ID": self.platform,
                "ACQUISITION_START_TIME": self.start_time, "ACQUISITION_STOP_TIME": self.stop_time,
                "PRODUCT_NAME": self.name}
        if self.orbit is not None:
            tags["ORBIT_NUMBER"] = str(self.orbit)
        if self.relative_orbit is not None:
            tags["RELATIVE_ORBIT_NUMBER"] = str(self.relative_orbit)
        if self.orbit_pass:
            tags["ORBIT_DIRECTION"] = self.orbit_pass
        return tags

    def summary(self) -> dict:
        return {"product": self.name, "platform": self.platform, "product_type": self.product_type,
                "start_time": self.start_time, "stop_time": self.stop_time, "orbit": self.orbit,
                "relative_orbit": self.relative_orbit, "pass": self.orbit_pass,
                "product_polarisations": self.polarisations}


def parse_subdataset(path: str) -> tuple[str, str | None]:
    """(file on disk, polarisation) of a GDAL SENTINEL1_CALIB subdataset name or a /vsizip/ path
    into a product zip (what QGIS layers of a product carry); (path, None) for anything else."""
    m = GDAL_SUBDATASET.match(str(path))
    text, pol = (m.group("path"), m.group("pol")) if m else (str(path), None)
    if text.startswith("/vsizip/"):
        inner = text[len("/vsizip/"):]
        cut = inner.lower().find(".zip")
        text = inner[: cut + 4] if cut >= 0 else inner
        text = "/" + text.lstrip("/") if inner.startswith("/") else text
    return text, pol


def is_product(path: str | Path) -> bool:
    """True for a .SAFE folder, a manifest.safe, a product zip, or a SENTINEL1_CALIB name."""
    if GDAL_SUBDATASET.match(str(path)) or str(path).startswith("/vsizip/"):
        return True
    p = Path(str(path))
    if p.name.lower() == "manifest.safe":
        return True
    if os.path.isdir(p):  # os.path: False for any unusable name (too long, bad bytes), not OSError
        return os.path.isfile(p / "manifest.safe")
    return p.suffix.lower() == ".zip"


def scene_exists(path: str | Path) -> bool:
    """A raster file, a product folder with its manifest, or a SENTINEL1_CALIB name of one."""
    text, _pol = parse_subdataset(str(path))
    return os.path.isfile(text) or (os.path.isdir(text) and os.path.isfile(os.path.join(text, "manifest.safe")))


def scene_stem(path: str | Path) -> str:
    """The scene's name: a file's stem, a product's name (S1A_EW_GRDM_1SDH_...)."""
    p = Path(parse_subdataset(str(path))[0])
    if p.name.lower() == "manifest.safe":
        p = p.parent
    return p.stem if p.suffix.upper() in (".SAFE", ".ZIP") or os.path.isfile(p) else p.name


def find_product(path: str | Path) -> Product:
    """Read a product's manifest; InputError (one line) when it is not a usable Sentinel-1 product."""
    text, _pol = parse_subdataset(str(path))
    p = Path(text)
    if p.name.lower() == "manifest.safe":
        p = p.parent
    if p.suffix.lower() == ".zip":
        return _from_zip(p)
    manifest = p / "manifest.safe"
    if not manifest.is_file():
        raise InputError(f"{p}: no manifest.safe in this folder; give the product's .SAFE folder or its .zip")
    try:
        data = manifest.read_bytes()
    except OSError as exc:
        raise InputError(f"{manifest}: cannot be read ({exc})") from None
    name = p.name[:-5] if p.name.upper().endswith(".SAFE") else p.name
    return _parse_manifest(data, p, name, zip_root=None)


def _from_zip(path: Path) -> Product:
    if not path.is_file():
        raise InputError(f"{path}: no such file; check the path of the product zip")
    try:
        with zipfile.ZipFile(path) as zf:
            manifests = [n for n in zf.namelist() if PurePosixPath(n).name == "manifest.safe"
                         and len(PurePosixPath(n).parts) == 2]
            if len(manifests) != 1:
                raise InputError(f"{path}: holds {len(manifests)} Sentinel-1 products (a NAME.SAFE/manifest.safe at "
                                 "its top level); give a zip of exactly one product, as downloaded")
            data = zf.read(manifests[0])
    except zipfile.BadZipFile as exc:
        raise InputError(f"{path}: not a readable zip ({exc}); the download is truncated, download it again") from None
    root = PurePosixPath(manifests[0]).parts[0]
    name = root[:-5] if root.upper().endswith(".SAFE") else root
    return _parse_manifest(data, path, name, zip_root=root)


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _parse_manifest(data: bytes, path: Path, name: str, zip_root: str | None) -> Product:
    try:
        root = ET.fromstring(data)
    except ET.ParseError as exc:
        raise InputError(f"{path}: manifest.safe is not valid XML ({exc}); download the product again") from None
    texts: dict[str, list[str]] = {}
    files: dict[str, dict[str, str]] = {}
    for el in root.iter():
        tag = _local(el.tag)
        if el.text and el.text.strip() and len(el) == 0:
            key = tag if tag not in ("orbitNumber", "relativeOrbitNumber") else f"{tag}:{el.get('type')}"
            texts.setdefault(key, []).append(el.text.strip())
        if tag == "dataObject" and el.get("repID") in ROLES:
            loc = next((c for c in el.iter() if _local(c.tag) == "fileLocation"), None)
            href = (loc.get("href") or "") if loc is not None else ""
            m = _POL_IN_NAME.search(PurePosixPath(href).name)
            if href and m:
                files.setdefault(m.group(1).upper(), {})[ROLES[el.get("repID")]] = href.removeprefix("./")

    def first(key: str) -> str | None:
        return (texts.get(key) or [None])[0]

    family, number = first("familyName") or "", first("number") or ""
    if "SENTINEL-1" not in family.upper():
        raise InputError(f"{path}: the manifest is not a Sentinel-1 product's ({family or 'no platform'}); "
                         "Slick reads Sentinel-1 GRD products")
    product_type = (first("productType") or "").upper()
    if product_type != "GRD":
        raise InputError(f"{path}: a Sentinel-1 {product_type or 'unknown'} product; Slick reads GRD products "
                         "(IW GRDH, EW GRDM): download the GRD product of this acquisition")
    pols = [p.upper() for p in texts.get("transmitterReceiverPolarisation", [])]

    def number_of(key: str) -> int | None:
        value = first(key)
        return int(value) if value and value.isdigit() else None

    return Product(
        path=path, name=name, platform=f"S1{number.upper()}", mode=(first("mode") or "").upper(),
        product_type=product_type, polarisations=pols, start_time=first("startTime") or "",
        stop_time=first("stopTime") or "", orbit=number_of("orbitNumber:start"),
        relative_orbit=number_of("relativeOrbitNumber:start"), orbit_pass=first("pass"),
        files=files, _zip_root=zip_root,
    )
