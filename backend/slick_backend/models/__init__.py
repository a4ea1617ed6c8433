"""Segmentation models: DeepLabv3 (smp), SamLoRA and SVD-tuned SAM, weights and model dirs.

Everything here maps a float [B, 1, H, W] tile of stretched values 0..255 (0 = nodata) to a
slick probability; see modeldir.py for the contract the other parts rely on.
"""
