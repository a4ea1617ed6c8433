"""The base of every JSON request body: unknown keys and NaN / infinite numbers are refused (422)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class Body(BaseModel):
    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)
