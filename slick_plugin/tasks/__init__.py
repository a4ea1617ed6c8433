"""Background work: one QgsTask per backend job, params built on the main thread."""
