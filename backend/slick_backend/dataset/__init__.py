"""Datasets of tiles: ``prepare`` writes them (prepare.py), training and evaluation read them.

    ds = open_dataset(path)            # Dataset; InputError if not a dataset
    for tile in ds.tiles("train"):     # manifest records: id, scene, split, image, mask, window, ...
        image, mask = ds.read(tile)    # uint8 (0 = nodata), uint8 (1 slick, 0 not, 255 nodata)

Layout and manifest fields: docs/ARCHITECTURE.md ("Dataset directory").
"""

from .reader import FORMAT, MANIFEST, Dataset, is_dataset, load_manifest, open_dataset

__all__ = ["FORMAT", "MANIFEST", "Dataset", "is_dataset", "load_manifest", "open_dataset"]
