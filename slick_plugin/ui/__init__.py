"""The dock, its panels and the settings page."""
