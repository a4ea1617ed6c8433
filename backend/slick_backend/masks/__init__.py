"""Areas where no slick is mapped: land (a real coastline, buffered) and the analyst's own mask
files (land, sea ice, platforms). Predict and baseline ask a ``MaskSet`` for each strip of the
output grid; masked pixels become nodata in the probability and mask rasters and carry no
outline. The model still sees the scene as it is: masks change the outputs, not the input.

    masks = build_masks(grid, land_buffer_km=1.0, files=["ice.gpkg"])   # land_buffer_km None: no land mask
    masked = masks.window(grid, window)    # bool [height, width], True = masked; None = nothing masked
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from .files import FileMask
from .land import LandMask

__all__ = ["FileMask", "LandMask", "MaskSet", "build_masks", "check_mask_options"]


@dataclass
class MaskSet:
    parts: list = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def window(self, grid, window) -> np.ndarray | None:
        masked = None
        for part in self.parts:
            m = part.window(grid, window)
            if m is not None:
                masked = m if masked is None else masked | m
        return masked

    def describe(self) -> list[dict]:
        return [part.describe() for part in self.parts]

    def unmasked(self, grid, row: int, valid: np.ndarray) -> np.ndarray:
        """``valid``, less the masked pixels of the strip of the grid starting at ``row``."""
        from rasterio.windows import Window

        masked = self.window(grid, Window(0, row, valid.shape[1], valid.shape[0]))
        return valid if masked is None else valid & ~masked


def check_mask_options(land_buffer_km, masks) -> None:
    """The mask fields of predict / baseline / batch params: one-line errors."""
    import math
    from pathlib import Path

    from ..errors import InputError

    if not (math.isfinite(float(land_buffer_km)) and 0 <= float(land_buffer_km) <= 50):
        raise InputError(f"--land-buffer-km {land_buffer_km}: give a distance from 0 to 50 km (default 1)")
    for path in masks or []:
        if not Path(path).exists():
            raise InputError(f"{path}: no such mask file; check the --mask path")


def build_masks(grid, land_buffer_km: float | None, files: list[str] | tuple = ()) -> MaskSet:
    """The masks that touch ``grid``; ones that do not are left out (and said so for files)."""
    masks = MaskSet()
    if land_buffer_km is not None:
        land = LandMask(float(land_buffer_km) * 1000.0)
        if land.touches(grid):
            masks.parts.append(land)
    for path in files:
        mask = FileMask(path, grid)
        if mask.empty:
            masks.warnings.append(f"{path}: the mask does not overlap the scene; nothing masked by it")
        else:
            masks.parts.append(mask)
    return masks
