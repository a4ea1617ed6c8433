"""Whole-scene prediction: sliding windows with blending, GeoTIFF/outline writers, engines, ONNX."""
