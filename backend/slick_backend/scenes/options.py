"""The choices of how a scene is read (stdlib only: the CLI's parser and the server start without numpy)."""

KINDS = ("linear", "db", "amplitude", "stretched")
CALIBRATIONS = ("none", "sigma0", "sigma0-denoised")
POLARISATIONS = ("HH", "VV", "HV", "VH")
