"""Synthetic Sentinel-1 IW / EW scenes with oil slicks from seeps, lookalikes and labels.

The use case is :func:`slick_backend.simulate.api.run_simulate`; the physical model is
described in docs/simulation.md.
"""
