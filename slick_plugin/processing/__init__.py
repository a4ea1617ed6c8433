"""The Slick Processing provider: every job as an algorithm (batch mode, graphical modeler)."""
