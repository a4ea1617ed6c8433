"""Scene-level train / val / test splits: whole scenes, never tiles, so nothing leaks."""

from __future__ import annotations

import random

from ..errors import InputError

SPLITS = ("train", "val", "test")


def parse_fractions(value) -> tuple[float, float, float]:
    """'0.6,0.2,0.2' or a sequence of three -> three fractions that sum to 1."""
    try:
        parts = [float(v) for v in (value.split(",") if isinstance(value, str) else value)]
    except (TypeError, ValueError):
        parts = []
    if len(parts) != 3 or any(p < 0 for p in parts) or abs(sum(parts) - 1.0) > 1e-6:
        raise InputError(f"--split {value!r} is not three fractions train,val,test that add up to 1 (e.g. 0.6,0.2,0.2)")
    return parts[0], parts[1], parts[2]


def assign_splits(scene_ids: list[str], fractions, seed: int) -> dict[str, str]:
    """Shuffle scenes with ``seed`` and deal them out. Train always gets a scene (unless its
    fraction is 0: "0,1,0" puts every scene in val), and test gets one as soon as there are 3
    scenes (when its fraction is not 0)."""
    f_train, f_val, f_test = parse_fractions(fractions)
    n = len(scene_ids)
    n_test = round(n * f_test)
    n_val = round(n * f_val)
    if f_train == 0:  # a set made for validation or testing only: nothing goes to train
        n_test = min(n, n_test if f_val > 0 else n)
        n_val = n - n_test
        order = sorted(scene_ids)
        random.Random(seed).shuffle(order)
        return {sid: "test" if i < n_test else "val" for i, sid in enumerate(order)}
    if n >= 3 and f_test > 0:
        n_test = max(1, n_test)
    if n >= 3 and f_val > 0 and n - n_test >= 2:
        n_val = max(1, n_val)
    while n - n_test - n_val < 1 and n_val > 0:
        n_val -= 1
    while n - n_test - n_val < 1 and n_test > 0:
        n_test -= 1
    order = sorted(scene_ids)  # independent of the order the user listed them in
    random.Random(seed).shuffle(order)
    out = {}
    for i, sid in enumerate(order):
        out[sid] = "test" if i < n_test else "val" if i < n_test + n_val else "train"
    return out
