#!/usr/bin/env python3
"""Labelling time on the real Arctic mosaics: every slick labelled by a scripted analyst with SAM
boxes alone, and with Slicks in view (candidates from the shipped source model, then boxes for
what they missed). Clicks, drags and keys counted, machine seconds, Dice of the labels.

Runs the plugin test tests/plugin/test_labelling_time.py once per mosaic in QGIS's Python (the
real backend, the shipped models) and prints the figures with the machine:

    .venv/bin/python benchmarks/bench_labelling.py [--samples sample_70 sample_123 sample_135]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from machine import machine_info

ROOT = Path(__file__).resolve().parents[1]


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--samples", nargs="+", default=["sample_70", "sample_123", "sample_135"])
    args = parser.parse_args(argv)
    python = ROOT / ".venv-qgis" / "bin" / "python"
    figures = []
    for sample in args.samples:
        out = Path(tempfile.mkdtemp(prefix="bench-labelling-")) / "figures.json"
        env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "SLICK_LABELLING_SAMPLE": sample,
               "SLICK_LABELLING_OUT": str(out)}
        proc = subprocess.run([str(python), "-m", "pytest", "-q", "-p", "no:cacheprovider", "test_labelling_time.py"],
                              cwd=ROOT / "tests" / "plugin", env=env, capture_output=True, text=True)
        if proc.returncode != 0 or not out.exists():
            print(proc.stdout[-3000:], proc.stderr[-2000:], file=sys.stderr)
            return 1
        figures.append(json.loads(out.read_text()))
    print(json.dumps({"bench": "labelling", "machine": machine_info(), "figures": figures}, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
