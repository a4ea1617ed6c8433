"""Follow a backend job to its end: shared by QgsTasks and Processing algorithms.

Runs in a worker thread; talks only through a plain BackendClient, reports through
callbacks, and cancels the server job when the caller says so.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from ..backend.client import BackendClient, BackendError, BackendUnavailable
from ..i18n import tr

# the server's terminal job states (backend/slick_backend/server/jobs.py); queued and running go on
SUCCEEDED, FAILED, CANCELLED = "succeeded", "failed", "cancelled"
TERMINAL = {SUCCEEDED, FAILED, CANCELLED}


class JobFailed(Exception):
    """The job ended without a result; ``str()`` is the reason to show."""


class JobCancelled(JobFailed):
    pass


def follow_job(
    client: BackendClient,
    kind: str,
    params: dict,
    on_progress: Callable[[float, str], None],
    is_cancelled: Callable[[], bool],
    on_submitted: Callable[[str], None] | None = None,
    poll_s: float = 0.5,
    lost_grace_s: float = 6.0,
) -> dict:
    """Submit, poll until a terminal state, return the job's result dict."""
    try:
        job = client.submit(kind, params)
    except BackendError as exc:
        raise JobFailed(str(exc)) from None
    job_id = str(job["id"])
    if on_submitted:
        on_submitted(job_id)
    lost_since = None
    while True:
        if is_cancelled():
            _cancel(client, job_id)
            raise JobCancelled(tr("{kind} was cancelled").format(kind=kind))
        try:
            status = client.job(job_id)
            lost_since = None
        except BackendUnavailable:
            lost_since = lost_since or time.monotonic()
            if time.monotonic() - lost_since > lost_grace_s:
                raise JobFailed(
                    tr("the backend stopped while the {kind} job was running; it is being restarted, run the job again").format(kind=kind)
                ) from None
            time.sleep(poll_s)
            continue
        except BackendError as exc:
            raise JobFailed(str(exc)) from None
        state = status["state"]
        on_progress(float(status["progress"]), status["message"])
        if state == SUCCEEDED:
            return status["result"] or {}
        if state == FAILED:
            raise JobFailed(status["error"])
        if state == CANCELLED:
            raise JobCancelled(tr("{kind} was cancelled").format(kind=kind))
        time.sleep(poll_s)


def _cancel(client: BackendClient, job_id: str, wait_s: float = 15.0) -> None:
    """Ask the server to cancel and wait (briefly) until it says the job has stopped."""
    try:
        client.cancel(job_id)
        deadline = time.monotonic() + wait_s
        while time.monotonic() < deadline:
            if client.job(job_id)["state"] in TERMINAL:
                return
            time.sleep(0.3)
    except BackendError:
        pass  # the server is gone: nothing left to cancel
