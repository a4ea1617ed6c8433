"""The architectures Slick builds (torch-free: parameter checks use it without loading torch)."""

ARCHS = ("deeplabv3", "samlora", "samsvd")
