"""The transfer-learning experiment: bootstrap grid, executors, statistics and the report.

``results`` reads and writes per-model results CSVs (the paper's shape), ``stats`` holds the
two interval recipes (the paper's and a real paired bootstrap), ``report`` turns results into
Table II, Fig. 2 and report.html; ``config``/``grid``/``runner``/``executors``/``api`` run the
grid itself.
"""
