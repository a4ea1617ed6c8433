"""Open a scene raster, tell how it is georeferenced and what its values mean, read warped windows."""

from __future__ import annotations

import contextlib
import logging
import math
import warnings
from pathlib import Path

import numpy as np

from ..errors import InputError
from . import safe
from .calibration import CALIBRATIONS, Calibration
from .kinds import KINDS, kind_from_metadata, kind_from_values, mode_pol_from_metadata
from .options import POLARISATIONS

log = logging.getLogger(__name__)


@contextlib.contextmanager
def _gdal_errors(path, what: str):
    """Turn GDAL / rasterio failures while touching ``path`` into one-line InputErrors."""
    from rasterio.errors import RasterioError

    try:
        yield
    except InputError:
        raise
    except (RasterioError, OSError, ValueError) as exc:
        cause = exc.__cause__ or exc.__context__
        msg = " ".join(f"{exc}{f': {cause}' if cause and 'previous exception' in str(exc) else ''}".split())[:240]
        raise InputError(
            f"{path}: {what} failed ({msg}); the file is unreadable or truncated, re-download or re-export it"
        ) from exc


MAX_SIDE_PX = 100_000  # a damaged or hostile header claims sizes no scene has: refused before any work
MAX_PIXELS = 2_000_000_000


class Scene:
    """One open scene raster (band 1). Use as a context manager or call close()."""

    def __init__(self, path: str | Path, value_kind: str = "auto", polarisation: str | None = None,
                 calibration: str = "none") -> None:
        import rasterio

        if value_kind not in ("auto", *KINDS):
            raise InputError(f"value kind {value_kind!r} is unknown; use one of auto, {', '.join(KINDS)}")
        if calibration not in CALIBRATIONS:
            raise InputError(f"calibration {calibration!r} is unknown; use one of {', '.join(CALIBRATIONS)}")
        self.product, self.calibration, self._calibration, self._gcp_transformer = None, calibration, None, None
        raster = self._init_source(path, polarisation, value_kind)
        with _gdal_errors(self.path, "opening the raster"):
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # NotGeoreferencedWarning: we say it ourselves below
                self._ds = rasterio.open(raster)
        ds = self._ds
        try:
            if max(ds.width, ds.height) > MAX_SIDE_PX or ds.width * ds.height > MAX_PIXELS:
                raise InputError(f"{self.path}: {ds.width} x {ds.height} px is beyond what Slick reads (at most "
                                 f"{MAX_SIDE_PX:,} px a side and {MAX_PIXELS / 1e9:g} billion pixels; a Sentinel-1 "
                                 "GRD scene is about 26,000 x 17,000); cut the raster into scenes first")
            self._init_georef()
            self.width, self.height = ds.width, ds.height
            self.dtype = ds.dtypes[0]
            self.tags = {**ds.tags(), **ds.tags(1)}
            if ds.count > 1:
                log.warning("%s: %d bands, using band 1", self.path, ds.count)
            self.mode, self.polarisation = mode_pol_from_metadata(self.path, self.tags)
            if self.product is not None:
                self.tags.update(self.product.tags())
                self.mode, self.polarisation = self.product.mode or self.mode, self._product_pol
            elif polarisation and self.polarisation and polarisation.upper() != self.polarisation:
                raise InputError(f"{self.path}: a {self.polarisation} raster, but polarisation {polarisation} was asked "
                                 "for; a bare raster holds one band, so choose the raster of that polarisation")
            self._init_kind(value_kind)
        except BaseException:
            ds.close()
            raise

    # --- set-up ----------------------------------------------------------------------
    def _init_source(self, path, polarisation: str | None, value_kind: str) -> str:
        """The raster GDAL opens: the file itself, or a product's measurement of the chosen
        polarisation (with its calibration LUTs when asked for)."""
        if not safe.is_product(path):
            self.path = Path(path)
            self.id = self.path.stem
            if not self.path.exists():
                raise InputError(f"{self.path}: no such file; check the --scenes path")
            if self.calibration != "none":
                raise InputError(f"{self.path}: calibration {self.calibration} needs the product's calibration "
                                 "and noise annotation; give the .SAFE folder or the product .zip, not a bare raster")
            return str(self.path)
        product = safe.find_product(path)
        self.product, self.path, self.id = product, product.path, product.name
        _manifest, from_layer = safe.parse_subdataset(str(path))
        self._product_pol = pol = product.choose_polarisation(polarisation or from_layer)
        raster = product.measurement(pol)
        if self.calibration != "none":
            if value_kind not in ("auto", "linear"):
                raise InputError(f"{self.path}: calibration {self.calibration} gives linear sigma0; "
                                 f"value kind {value_kind} does not apply")
            noise = product.read_text(product.file(pol, "noise")) if self.calibration == "sigma0-denoised" else None
            self._calibration = Calibration(product.read_text(product.file(pol, "calibration")), noise,
                                            f"{self.path} ({pol})")
        return raster

    def _init_georef(self) -> None:
        ds = self._ds
        gcps, gcp_crs = ds.gcps
        if self.product is not None and not gcps and (self.crs_of(ds) is None):
            from rasterio.crs import CRS

            gcps, gcp_crs = self.product.gcps(self._product_pol), CRS.from_epsg(4326)
        self.gcps, self.gcp_crs = list(gcps), gcp_crs
        self.crs, self.transform = ds.crs, ds.transform
        if self.gcps and gcp_crs is not None and (self.crs is None or self.transform.is_identity):
            self.georef = "gcps"
            self.crs = None
        elif self.crs is None or self.transform.is_identity:
            raise InputError(
                f"{self.path}: the raster has no georeference (no CRS and geotransform, no GCPs); "
                "use the original Sentinel-1 measurement file or a terrain-corrected GeoTIFF with a CRS"
            )
        elif self.crs.is_geographic:
            self.georef = "geographic"
        else:
            self.georef = "projected"

    @staticmethod
    def crs_of(ds):
        return None if ds.crs is None or ds.transform.is_identity else ds.crs

    def _init_kind(self, value_kind: str) -> None:
        ds = self._ds
        declared = kind_from_metadata(ds.units[0] if ds.units else None, self.tags)
        with _gdal_errors(self.path, "reading"):
            sample = self._source_sample()
        if self._calibration is not None:
            self.kind, self.kind_reason = "linear", f"calibrated to {self.calibration} from the product's annotation"
        elif value_kind != "auto":
            self.kind, self.kind_reason = value_kind, "given by the user"
        elif declared:
            self.kind, self.kind_reason = declared, "declared by the file's metadata"
        else:
            self.kind, self.kind_reason = kind_from_values(self.dtype, sample, self.path)
        if self.kind == "stretched" and np.dtype(self.dtype) != np.uint8:
            raise InputError(f"{self.path}: value kind 'stretched' needs uint8 values, the file holds {self.dtype}")
        # What marks a missing pixel in the source: the declared nodata, else 0 for
        # intensities / amplitudes / 8-bit (GRD borders are 0), NaN for dB.
        if ds.nodata is not None and not (np.dtype(self.dtype).kind in "iu" and not _fits(ds.nodata, self.dtype)):
            self.nodata = float(ds.nodata)
        else:
            self.nodata = float("nan") if self.kind == "db" else 0.0
        valid = _valid_raw(sample, self.nodata)
        if self.kind in ("linear", "amplitude", "stretched"):
            valid &= sample > 0
        if not valid.any():
            raise InputError(f"{self.path}: the scene has no valid pixels (all nodata); check the file or its nodata value")

    def _sample_windows(self, n: int = 8, size: int = 64):
        from rasterio.windows import Window

        h, w = min(size, self._ds.height), min(size, self._ds.width)
        rows = np.linspace(0, self._ds.height - h, n).astype(int)
        cols = np.linspace(0, self._ds.width - w, n).astype(int)
        return [Window(int(c), int(r), w, h) for r in np.unique(rows) for c in np.unique(cols)]

    def _source_sample(self) -> np.ndarray:
        """Raw values from a lattice of small windows: cheap, and touches the whole file.
        When the lattice sees only nodata (a narrow swath in a big frame), scan the file
        block by block until some valid values turn up."""
        parts = [self._ds.read(1, window=win).ravel() for win in self._sample_windows()]
        sample = np.concatenate(parts).astype(np.float64)
        if self._plausible(sample).any():
            return sample
        found, count = [], 0
        for _, win in self._ds.block_windows(1):
            block = self._ds.read(1, window=win).ravel().astype(np.float64)
            block = block[self._plausible(block)]
            found.append(block)
            count += block.size
            if count >= 65536:
                break
        return np.concatenate(found) if found else sample

    def _plausible(self, values: np.ndarray) -> np.ndarray:
        """Finite, not zero, not the declared nodata: candidates for valid pixels."""
        ok = np.isfinite(values) & (values != 0)
        if self._ds.nodata is not None:
            ok &= values != self._ds.nodata
        return ok

    # --- geometry --------------------------------------------------------------------
    @property
    def bounds(self):
        return self._ds.bounds

    def center_lonlat(self) -> tuple[float, float]:
        from rasterio.warp import transform as transform_xy

        if self.georef == "gcps":
            xs = [g.x for g in self.gcps]
            ys = [g.y for g in self.gcps]
            lon, lat = transform_xy(self.gcp_crs, "EPSG:4326", [float(np.mean(xs))], [float(np.mean(ys))])
        else:
            x, y = self.transform @ (self.width / 2, self.height / 2)
            lon, lat = transform_xy(self.crs, "EPSG:4326", [x], [y])
        if not (math.isfinite(lon[0]) and math.isfinite(lat[0])):
            raise InputError(f"{self.path}: the scene centre has no longitude / latitude; check its CRS")
        return lon[0], lat[0]

    def is_exact_grid(self, grid) -> bool:
        """True when the grid is the file's own pixel grid: read it as is, no resampling."""
        from rasterio.crs import CRS

        return (
            self.georef == "projected"
            and (grid.width, grid.height) == (self.width, self.height)
            and tuple(grid.transform) == tuple(self.transform[:6])
            and CRS.from_user_input(grid.crs) == self.crs
        )

    # --- reading ---------------------------------------------------------------------
    def read(self, grid, window) -> tuple[np.ndarray, np.ndarray]:
        """Values (float32, stretch domain: dB, or 8-bit DN for 'stretched') and a validity
        mask of ``window`` of ``grid``. Parts of the window outside the grid are invalid."""
        from rasterio.windows import Window

        window = Window(*[int(v) for v in (window.col_off, window.row_off, window.width, window.height)])
        raw = np.full((window.height, window.width), np.nan, dtype=np.float32)
        inner = _clip(window, grid.width, grid.height)
        if inner is not None:
            r0, c0 = inner.row_off - window.row_off, inner.col_off - window.col_off
            out = raw[r0 : r0 + inner.height, c0 : c0 + inner.width]
            with _gdal_errors(self.path, "reading"):
                if self._calibration is not None:
                    self._warp_calibrated(grid, inner, out)
                elif self.is_exact_grid(grid):
                    block = self._ds.read(1, window=inner).astype(np.float32)
                    block[~_valid_raw(block, self.nodata)] = np.nan
                    out[...] = block
                else:
                    self._warp(grid, inner, out)
        return to_domain(raw, self.kind)

    def _warp(self, grid, window, out: np.ndarray) -> None:
        import rasterio
        from rasterio.enums import Resampling
        from rasterio.warp import reproject

        kwargs = {}
        if self.georef == "gcps":
            # Thin-plate spline through the GCPs: exact at every GCP and smooth between them.
            # GDAL's default polynomial fit is off by several pixels on a curved swath.
            kwargs = {"gcps": self.gcps, "src_crs": self.gcp_crs, "SRC_METHOD": "GCP_TPS"}
        # Each call warps only the source pixels that this window needs (GDAL computes the
        # source window), so memory follows the window size, not the scene size.
        reproject(
            rasterio.band(self._ds, 1),
            out,
            src_nodata=self.nodata,
            dst_transform=grid.window_transform(window),
            dst_crs=grid.crs,
            dst_nodata=np.nan,
            resampling=Resampling.bilinear,
            **kwargs,
        )

    def _source_window(self, grid, window, margin: int = 4):
        """(row0, col0, height, width) of the source pixels a grid window needs, None when the
        window misses the scene: a 9 x 9 lattice of the window mapped through the GCPs."""
        from rasterio.transform import GCPTransformer
        from rasterio.warp import transform as transform_xy

        if self._gcp_transformer is None:
            self._gcp_transformer = GCPTransformer(self.gcps, tps=True)
        r, c = np.meshgrid(np.linspace(0, window.height, 9), np.linspace(0, window.width, 9), indexing="ij")
        xs, ys = grid.window_transform(window) @ (c.ravel(), r.ravel())
        lon, lat = transform_xy(grid.crs, self.gcp_crs, list(xs), list(ys))
        rows, cols = self._gcp_transformer.rowcol(lon, lat, op=np.floor)
        rows, cols = np.asarray(rows, dtype=np.float64), np.asarray(cols, dtype=np.float64)
        pad_r = margin + 0.02 * (rows.max() - rows.min())  # the lattice may miss a bulge of the swath
        pad_c = margin + 0.02 * (cols.max() - cols.min())
        r0, r1 = max(0, int(rows.min() - pad_r)), min(self.height, int(rows.max() + pad_r) + 1)
        c0, c1 = max(0, int(cols.min() - pad_c)), min(self.width, int(cols.max() + pad_c) + 1)
        if r1 <= r0 or c1 <= c0:
            return None
        return r0, c0, r1 - r0, c1 - c0

    def _warp_calibrated(self, grid, window, out: np.ndarray) -> None:
        """Calibrate the source pixels under the window, then warp that array through the GCPs."""
        import rasterio.control
        from rasterio.enums import Resampling
        from rasterio.warp import reproject
        from rasterio.windows import Window

        src = self._source_window(grid, window)
        if src is None:
            return
        r0, c0, h, w = src
        dn = self._ds.read(1, window=Window(c0, r0, w, h))
        sigma0 = self._calibration.apply(dn, r0, c0, denoise=self.calibration == "sigma0-denoised")
        gcps = [rasterio.control.GroundControlPoint(row=g.row - r0, col=g.col - c0, x=g.x, y=g.y, z=g.z or 0.0)
                for g in self.gcps]
        reproject(sigma0, out, gcps=gcps, src_crs=self.gcp_crs, SRC_METHOD="GCP_TPS", src_nodata=np.nan,
                  dst_transform=grid.window_transform(window), dst_crs=grid.crs, dst_nodata=np.nan,
                  resampling=Resampling.bilinear)

    def summary(self) -> dict:
        out = {
            "id": self.id, "source": str(self.path.resolve()), "kind": self.kind, "kind_reason": self.kind_reason,
            "mode": self.mode, "polarisation": self.polarisation, "georef": self.georef, "dtype": self.dtype,
            "source_width": self.width, "source_height": self.height,
        }
        if self.product is not None:
            out.update(self.product.summary(), calibration=self.calibration)
        return out

    # --- life cycle ------------------------------------------------------------------
    def close(self) -> None:
        self._ds.close()

    def __enter__(self) -> Scene:
        return self

    def __exit__(self, *exc) -> None:
        self.close()




class EmptyScene(Scene):
    """A scene with no valid pixel: georeferenced like any other, reads as all nodata, so
    that predicting it gives empty outputs on its grid rather than an error."""

    def _init_kind(self, value_kind: str) -> None:
        self.kind, self.kind_reason, self.nodata = "stretched", "no valid pixels", 0.0
        self._calibration = None

    def read(self, grid, window) -> tuple[np.ndarray, np.ndarray]:
        shape = (int(window.height), int(window.width))
        return np.zeros(shape, np.float32), np.zeros(shape, bool)


def open_scene_or_empty(path: str | Path, value_kind: str = "auto", polarisation: str | None = None,
                        calibration: str = "none") -> tuple[Scene, bool]:
    """(scene, empty): open_scene, except that a scene with no valid pixel opens as an EmptyScene."""
    try:
        return Scene(path, value_kind, polarisation, calibration), False
    except InputError as exc:
        if "no valid pixels" not in str(exc):
            raise
    return EmptyScene(path, "auto", polarisation, calibration), True


def check_read_options(value_kind: str, polarisation: str | None, calibration: str | None) -> None:
    """The options of how a scene is read, as the params of prepare / predict / baseline carry them."""
    if value_kind not in ("auto", *KINDS):
        raise InputError(f"--value-kind {value_kind!r} is unknown: use one of auto, {', '.join(KINDS)}")
    if polarisation is not None and str(polarisation).upper() not in POLARISATIONS:
        raise InputError(f"--polarisation {polarisation!r} is unknown: use one of {', '.join(POLARISATIONS)}")
    if calibration is not None and calibration not in CALIBRATIONS:
        raise InputError(f"--calibration {calibration!r} is unknown: use one of {', '.join(CALIBRATIONS)}")
    if calibration not in (None, "none") and value_kind not in ("auto", "linear"):
        raise InputError(f"--calibration {calibration} gives linear sigma0: leave --value-kind at auto")


def open_scene(path: str | Path, value_kind: str = "auto", polarisation: str | None = None,
               calibration: str = "none") -> Scene:
    """Open a scene (a raster, or a Sentinel-1 product: .SAFE folder, manifest.safe or .zip);
    raises InputError (one line) for anything the user must fix."""
    return Scene(path, value_kind, polarisation, calibration)


def read_window(scene: Scene, grid, window) -> tuple[np.ndarray, np.ndarray]:
    return scene.read(grid, window)


def to_domain(raw: np.ndarray, kind: str) -> tuple[np.ndarray, np.ndarray]:
    """Raw resampled values -> (values in the stretch domain, valid mask), in place where possible."""
    valid = np.isfinite(raw)
    if kind in ("linear", "amplitude"):
        valid &= raw > 0
        with np.errstate(divide="ignore", invalid="ignore"):
            np.log10(raw, out=raw, where=valid)
        raw *= 10.0 if kind == "linear" else 20.0  # amplitude: intensity = DN^2
    elif kind == "stretched":
        valid &= raw >= 0.5  # 0 is nodata; bilinear never mixes it in (GDAL skips nodata)
    raw[~valid] = 0.0
    return raw, valid


def _valid_raw(values: np.ndarray, nodata: float) -> np.ndarray:
    ok = np.isfinite(values)
    if not math.isnan(nodata):
        ok &= values != nodata
    return ok


def _fits(value: float, dtype: str) -> bool:
    info = np.iinfo(np.dtype(dtype))
    return info.min <= value <= info.max


def _clip(window, width: int, height: int):
    from rasterio.windows import Window

    r0, c0 = max(0, window.row_off), max(0, window.col_off)
    r1, c1 = min(height, window.row_off + window.height), min(width, window.col_off + window.width)
    if r1 <= r0 or c1 <= c0:
        return None
    return Window(c0, r0, c1 - c0, r1 - r0)
