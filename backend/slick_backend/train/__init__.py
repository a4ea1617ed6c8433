"""Few-shot training and evaluation: data, losses, augmentation, the loop, evaluate."""
