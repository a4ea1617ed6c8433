"""The device names every job takes (devices.py): one check for train, predict, finetune-prompt and pretrain-prompt."""

from __future__ import annotations

import pytest
from slick_backend.devices import is_device_name


@pytest.mark.parametrize("name", ["auto", "cpu", "cuda", "cuda:0", "cuda:12"])
def test_device_names_taken(name):
    assert is_device_name(name)


@pytest.mark.parametrize("name", ["gpu", "cuda:", "cuda:x", "cudax", "CPU", "", None, 0])
def test_device_names_refused(name):
    assert not is_device_name(name)


@pytest.mark.parametrize("name", ["cudax", "cuda:x", "gpu"])
def test_predict_refuses_a_device_name_before_any_work(name, arctic_dir, tmp_path):
    from slick_backend.errors import InputError
    from slick_backend.predict.api import PredictParams

    with pytest.raises(InputError, match="use auto, cpu, cuda or cuda:N"):
        PredictParams(model="slick-s1-source", scene=str(arctic_dir / "sample_135" / "raw_mosaic.tif"), out_prefix=str(tmp_path / "p"),
                      device=name).validate()
