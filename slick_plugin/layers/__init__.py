"""Layers the plugin creates: the label layer, styled result layers, exports."""
