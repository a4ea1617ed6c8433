"""HTTP client of the backend server (stdlib urllib only: QGIS's Python may lack requests).

Safe to use from QgsTask worker threads: it holds no Qt objects and opens one connection
per request. Every failure becomes a :class:`BackendError` whose text is the backend's
own one-line message, ready for the message bar.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request
from typing import Any

from ..i18n import tr


class BackendError(Exception):
    """The backend refused or failed a request; ``str()`` is its human-readable reason."""

    def __init__(self, message: str, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status


class BackendUnavailable(BackendError):
    """Nothing answers at the backend's address (not started yet, crashed, or unreachable)."""


def _error_text(body: bytes, fallback: str) -> str:
    """The message of a JSON error body ({"detail": ...}, {"error": ...} or {"message": ...})."""
    try:
        data = json.loads(body.decode("utf-8"))
    except (ValueError, UnicodeDecodeError):
        text = body.decode("utf-8", "replace").strip()
        return text.splitlines()[0] if text else fallback
    if isinstance(data, dict):
        for key in ("message", "detail", "error"):
            value = data.get(key)
            if isinstance(value, str) and value:
                return value
            if isinstance(value, dict) and isinstance(value.get("message"), str):
                return value["message"]
            if isinstance(value, list) and value:  # pydantic validation errors
                first = value[0]
                if isinstance(first, dict):
                    where = ".".join(str(p) for p in first.get("loc", []) if p != "body")
                    return f"{where}: {first.get('msg', '')}".strip(": ")
                return str(first)
    return fallback


class BackendClient:
    def __init__(self, base_url: str, token: str, timeout: float = 30.0) -> None:
        self.base_url = base_url.rstrip("/")
        self.token = token
        self.timeout = timeout

    def __repr__(self) -> str:
        return f"BackendClient({self.base_url!r})"

    # --- transport -----------------------------------------------------------------------
    def request(self, method: str, path: str, body: Any = None, timeout: float | None = None) -> Any:
        data = None if body is None else json.dumps(body).encode("utf-8")
        req = urllib.request.Request(self.base_url + path, data=data, method=method)
        req.add_header("Authorization", f"Bearer {self.token}")
        req.add_header("Accept", "application/json")
        if data is not None:
            req.add_header("Content-Type", "application/json")
        try:
            with urllib.request.urlopen(req, timeout=timeout or self.timeout) as resp:
                raw = resp.read()
        except urllib.error.HTTPError as exc:
            raw = exc.read() if exc.fp is not None else b""
            reason = _error_text(raw, f"HTTP {exc.code} {exc.reason}")
            if exc.code == 401:
                reason = tr("the backend refused the token ({reason}); check the token in the Slick settings").format(reason=reason)
            raise BackendError(reason, exc.code) from None
        except (urllib.error.URLError, ConnectionError, TimeoutError, OSError) as exc:
            reason = getattr(exc, "reason", exc)
            raise BackendUnavailable(
                tr("the backend at {url} does not answer ({reason})").format(url=self.base_url, reason=reason)
            ) from None
        if not raw:
            return None
        try:
            return json.loads(raw.decode("utf-8"))
        except ValueError:
            raise BackendError(tr("the backend sent a reply that is not JSON for {request}").format(request=f"{method} {path}")) from None

    # --- endpoints -----------------------------------------------------------------------
    def health(self, timeout: float = 5.0) -> dict:
        return self.request("GET", "/health", timeout=timeout)

    def submit(self, kind: str, params: dict) -> dict:
        return self.request("POST", "/jobs", {"kind": kind, "params": params})

    def job(self, job_id: str) -> dict:
        return self.request("GET", f"/jobs/{urllib.parse.quote(str(job_id))}")

    def cancel(self, job_id: str) -> dict:
        return self.request("DELETE", f"/jobs/{urllib.parse.quote(str(job_id))}")

    def models(self) -> list[dict]:
        data = self.request("GET", "/models")
        if isinstance(data, dict):
            data = data.get("models", [])
        return list(data or [])

    def sam_embed(self, body: dict) -> dict:
        return self.request("POST", "/sam/embed", body, timeout=max(self.timeout, 300.0))

    def sam_prompt(self, body: dict) -> dict:
        return self.request("POST", "/sam/prompt", body, timeout=max(self.timeout, 120.0))


def describe_device(health: dict) -> str:
    """One line for the dock: GPU name and free memory, or CPU and threads. ``device`` is what the
    server's probe says (backend/slick_backend/server/device.py): type cuda, cpu or unknown (still
    probing), name, threads, and free_memory_mb on a GPU."""
    device = health["device"]
    if device["type"] == "unknown":
        return tr("probing the device...")
    extra = []
    if device.get("free_memory_mb") is not None:
        extra.append(f"{device['free_memory_mb'] / 1024.0:.1f} GiB free")
    if device.get("threads"):
        extra.append(f"{device['threads']} threads")
    return f"{device['type'].upper()}: {device['name']}" + (f" ({', '.join(extra)})" if extra else "")
