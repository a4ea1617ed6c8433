"""Canvas tools for SAM-assisted labelling."""
