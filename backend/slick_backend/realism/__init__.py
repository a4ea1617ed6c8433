"""Measured realism of simulated SAR scenes against real ones (QGIS-free, no torch).

    from slick_backend.realism import compare
    from slick_backend.realism.compare import format_table, measure
    from slick_backend.realism.sources import real_images, simulated_images

    real = measure(real_images("shared/data/arctic_ew"))            # per-image records
    sim = measure(simulated_images("data/sim_ew", pixel_m=25, max_scenes=8))
    result = compare.compare({"sim_ew": sim}, real)                  # JSON-able dict
    print(format_table(result))
    card = compare.compare_for_card(["data/sim_ew"], "shared/data/arctic_ew")  # compact, for model.json

``stats`` holds one small pure function per statistic (formulas in the docstrings),
``morphology`` the skeleton measures of slick masks, ``sources`` the real mosaics and simulated
scenes put through prepare's grid and stretch, ``api`` the `slick-backend realism` use case.
docs/simulation.md describes every statistic and how to read it.
"""

from . import compare  # the module (compare.compare, compare.compare_for_card), not shadowed by a function
from .compare import STATISTICS, format_table, measure
from .stats import image_stats

__all__ = ["STATISTICS", "compare", "format_table", "image_stats", "measure"]
