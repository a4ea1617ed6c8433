"""Tile positions, blocks and scene-level splits."""

from __future__ import annotations

import pytest
from slick_backend.dataset.splits import assign_splits, parse_fractions
from slick_backend.dataset.tiling import spans, tile_starts
from slick_backend.errors import InputError


@pytest.mark.parametrize("length, tile, stride", [(1024, 256, 128), (1000, 256, 128), (300, 256, 128), (100, 256, 128),
                                                  (5000, 512, 256), (777, 64, 32), (1000, 256, 256), (20988, 256, 128)])
def test_tiles_cover_every_pixel_and_blocks_partition(length, tile, stride):
    starts = tile_starts(length, tile, stride)
    covered = set()
    for s in starts:
        covered.update(range(s, min(length, s + tile)))
        assert s >= 0 and (s + tile <= length or length < tile)
    assert covered == set(range(length))
    assert all(b - a in (stride, 0) or b == length - tile for a, b in zip(starts, starts[1:], strict=False))
    sp = spans(length, tile, stride, target=2048)
    assert [s for span in sp for s in span.starts] == starts
    owned = [i for span in sp for i in range(span.own0, span.own1)]
    assert owned == list(range(length))  # each pixel counted exactly once
    for span in sp:
        assert span.read0 == span.starts[0] and span.read1 == span.starts[-1] + tile
        assert span.read0 <= span.own0 and span.own1 <= max(span.read1, length)
        assert span.read1 - span.read0 <= max(2048, tile) + tile


def test_splits_are_seeded_by_scene_and_never_empty_train():
    ids = [f"s{i:02d}" for i in range(10)]
    a = assign_splits(ids, "0.6,0.2,0.2", seed=0)
    assert a == assign_splits(list(reversed(ids)), [0.6, 0.2, 0.2], seed=0)  # order-independent
    assert a != assign_splits(ids, "0.6,0.2,0.2", seed=1)
    assert sorted(a.values()).count("train") == 6 and list(a.values()).count("test") == 2
    assert assign_splits(["x"], "0.6,0.2,0.2", 0) == {"x": "train"}
    assert sorted(assign_splits(["x", "y"], "0.6,0.2,0.2", 0).values()) == ["train", "train"]
    assert sorted(assign_splits(["x", "y", "z"], "0.6,0.2,0.2", 0).values()) == ["test", "train", "val"]
    assert sorted(assign_splits(["x", "y", "z"], "0.8,0,0.2", 0).values()) == ["test", "train", "train"]
    assert set(assign_splits(["x", "y", "z"], "1,0,0", 0).values()) == {"train"}
    four = assign_splits(["a", "b", "c", "d"], "0.34,0.33,0.33", 5)
    assert sorted(four.values()).count("train") >= 1 and "test" in four.values()


def test_a_zero_train_fraction_makes_a_validation_or_test_only_set():
    ids = [f"s{i:02d}" for i in range(5)]
    assert set(assign_splits(ids, "0,1,0", 0).values()) == {"val"}  # e.g. pretrain-source's val sets
    assert set(assign_splits(["x"], "0,1,0", 0).values()) == {"val"}
    assert set(assign_splits(ids, "0,0,1", 0).values()) == {"test"}
    mixed = list(assign_splits(ids, "0,0.5,0.5", 3).values())
    assert "train" not in mixed and len(mixed) == 5 and {"val", "test"} == set(mixed)


@pytest.mark.parametrize("bad", ["0.6,0.2", "0.5,0.5,0.5", "a,b,c", "-0.2,0.6,0.6", None])
def test_bad_split_fractions(bad):
    with pytest.raises(InputError, match="--split"):
        parse_fractions(bad)
