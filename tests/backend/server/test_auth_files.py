"""The token file: created fresh with mode 0600, never written through a link planted in the state dir."""

from __future__ import annotations

import stat

from slick_backend.server.auth import resolve_token


def test_token_file_replaces_a_planted_link_and_is_private(tmp_path, monkeypatch):
    monkeypatch.delenv("SLICK_TOKEN", raising=False)
    victim = tmp_path / "victim.txt"
    victim.write_text("keep me\n")
    state = tmp_path / "state"
    state.mkdir()
    (state / "token").symlink_to(victim)
    token, path = resolve_token(state)
    assert victim.read_text() == "keep me\n"  # the link was replaced, not followed
    assert not path.is_symlink() and path.read_text().strip() == token
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert [p.name for p in state.iterdir()] == ["token"]  # no temporary file left
    again, _ = resolve_token(state)
    assert again != token and path.read_text().strip() == again
