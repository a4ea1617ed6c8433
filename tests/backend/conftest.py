"""Fixtures shared by all backend tests: where the repo and the real Arctic fixtures are."""

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
ARCTIC = ROOT.parent / "shared" / "data" / "arctic_ew"


@pytest.fixture(scope="session")
def repo_root() -> Path:
    return ROOT


@pytest.fixture(scope="session")
def arctic_dir() -> Path:
    if not (ARCTIC / "README.md").exists():
        pytest.fail(f"the real Arctic fixtures are missing: expected them in {ARCTIC}")
    return ARCTIC
