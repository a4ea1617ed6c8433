"""Talking to the Slick backend: the HTTP client and the local server process manager."""
