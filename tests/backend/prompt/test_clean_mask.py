"""The prompt model's mask clean-up: which parts of its mask are kept."""

from __future__ import annotations

import numpy as np
from slick_backend.prompt.net import MINOR_PART_SHARE, PromptNet, drop_minor_parts


def test_parts_under_the_share_of_the_largest_are_dropped():
    mask = np.zeros((40, 40), bool)
    mask[2:12, 2:12] = True  # 100 px, the largest
    mask[20:25, 20:26] = True  # 30 px: kept at a share of 0.25
    mask[30:34, 30:35] = True  # 20 px: dropped
    kept = drop_minor_parts(mask, 0.25)
    assert kept[2:12, 2:12].all() and kept[20:25, 20:26].all()
    assert not kept[30:34, 30:35].any()
    assert kept.sum() == 130


def test_diagonal_neighbours_are_one_part_and_a_single_part_is_untouched():
    mask = np.zeros((20, 20), bool)
    mask[0:6, 0:6] = True  # 36 px
    for i in range(6, 16):  # a diagonal chain of 10 px joined to it only corner to corner
        mask[i, i] = True
    assert drop_minor_parts(mask, 0.5).sum() == 46  # one 8-connected part, kept whole
    mask[18:20, 0:2] = True  # a 4 px part apart from it
    assert drop_minor_parts(mask, 0.5).sum() == 46
    empty = np.zeros((5, 5), bool)
    assert not drop_minor_parts(empty, 0.25).any()


def test_the_prompt_model_cleans_its_masks_with_its_share():
    mask = np.zeros((40, 40), bool)
    mask[0:20, 0:10] = True  # 200 px
    mask[30:35, 30:40] = True  # 50 px: a quarter of the largest, kept
    mask[25:28, 0:10] = True  # 30 px: dropped
    kept = PromptNet(tile=64, width=8).clean_mask(mask)
    assert MINOR_PART_SHARE == 0.25 and kept.sum() == 250 and not kept[25:28].any()
