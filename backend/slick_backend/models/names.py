"""The architectures Slick builds (torch-free: parameter checks use it without loading torch)."""

ARCHS = ("deeplabv3", "samlora", "samsvd")
SHIPPED_PROMPT = "slick-s1-prompt"  # the default labelling model (prompt/store.py, configs/prompt.toml)
