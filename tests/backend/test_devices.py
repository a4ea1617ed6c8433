"""The device names every job takes (devices.py): one check for train, finetune-prompt and pretrain-prompt."""

from __future__ import annotations

import pytest
from slick_backend.devices import is_device_name


@pytest.mark.parametrize("name", ["auto", "cpu", "cuda", "cuda:0", "cuda:12"])
def test_device_names_taken(name):
    assert is_device_name(name)


@pytest.mark.parametrize("name", ["gpu", "cuda:", "cuda:x", "cudax", "CPU", "", None, 0])
def test_device_names_refused(name):
    assert not is_device_name(name)
