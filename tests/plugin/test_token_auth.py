"""The remote backend's token lives in QGIS's authentication database (a real QgsAuthManager in
a fresh temporary profile), never in QgsSettings; an older plain-text setting is moved there and
removed; the remote connection sends the stored token."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from conftest import ROOT

SCRIPT = r"""
import json, sys, threading
from http.server import BaseHTTPRequestHandler, HTTPServer
sys.path.insert(0, sys.argv[1])
from qgis.core import QgsApplication, QgsSettings
app = QgsApplication([], False)
app.initQgis()
from slick_plugin.settings import SlickSettings, TokenStoreError, read_token
am = QgsApplication.authManager()
step = sys.argv[2]

if step == "first":
    # what an older Slick left: the token in plain text in QgsSettings
    QgsSettings().setValue("slick/token", "legacy-token-123")
    QgsSettings().setValue("slick/mode", "remote")
    s = SlickSettings.load()  # the database is locked: nothing moves yet, nothing is lost, nobody is asked
    assert QgsSettings().contains("slick/token") and not s.token_authcfg
    # headless, the test sets the master password itself (the desktop asks the user for it)
    assert not am.masterPasswordHashInDatabase() and am.setMasterPassword("master-pw", True)
    s = SlickSettings.load()  # unlocked: moved into the database and removed from QgsSettings
    assert s.token_authcfg and not QgsSettings().contains("slick/token"), s
    assert s.token == "" and s.stored_token() == "legacy-token-123"
    s.token = "new-token-456"  # typed in the settings form: replaces it, same auth config
    s.save()
    again = SlickSettings.load()
    assert again.token_authcfg == s.token_authcfg and again.stored_token() == "new-token-456"
    assert [am.configIds().count(s.token_authcfg)] == [1]
    QgsSettings().sync()

elif step == "second":  # a new QGIS session on the same profile
    s = SlickSettings.load()
    try:
        read_token(s.token_authcfg, prompt=False)
        raise AssertionError("read without the master password")
    except TokenStoreError as exc:
        assert "locked" in str(exc)
    assert not am.setMasterPassword("wrong-pw", True)
    assert am.setMasterPassword("master-pw", True)
    seen = []

    class Health(BaseHTTPRequestHandler):
        def do_GET(self):
            seen.append(self.headers.get("Authorization"))
            body = json.dumps({"device": {"type": "cpu", "name": "remote box", "threads": 8}}).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = HTTPServer(("127.0.0.1", 0), Health)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    s.url = f"http://127.0.0.1:{server.server_port}"
    from slick_plugin.backend.manager import BackendManager

    manager = BackendManager(s)
    client = manager.wait_client(timeout=30)
    assert manager.state == "ready" and seen == ["Bearer new-token-456"], (manager.state, seen, manager.error)
    assert "remote box" in manager.device
    server.shutdown()
print("OK")
"""


def _run(profile: Path, step: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "QGIS_CUSTOM_CONFIG_PATH": str(profile)}
    return subprocess.run([sys.executable, "-c", SCRIPT, str(ROOT), step], capture_output=True, text=True, env=env,
                          timeout=120)


def test_token_is_kept_in_the_authentication_database(tmp_path):
    profile = tmp_path / "profile"
    first = _run(profile, "first")
    assert first.returncode == 0 and "OK" in first.stdout, first.stderr[-3000:]
    files = {p: p.read_bytes() for p in profile.rglob("*") if p.is_file()}
    assert any(p.name == "qgis-auth.db" for p in files)
    for path, data in files.items():  # no token in clear anywhere in the profile
        assert b"legacy-token-123" not in data and b"new-token-456" not in data, path
    ini = next(data.decode() for p, data in files.items() if p.suffix == ".ini" and b"[slick]" in data)
    assert "token_authcfg=" in ini and "\ntoken=" not in ini  # (QgsSettings' file: QGIS3.ini on the desktop)
    second = _run(profile, "second")
    assert second.returncode == 0 and "OK" in second.stdout, second.stderr[-3000:]
