"""Fuzz the live server from its own OpenAPI schema (schemathesis): no 500, errors are JSON.

The server holds jobs queued (--cpu-jobs 0 --gpu-jobs 0) so a fuzzed valid job never runs.
Bounded: a few dozen examples per operation, well under a minute on 2 cores.
"""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings

EXAMPLES = 20


@pytest.fixture(scope="module")
def queue_only_server(tmp_path_factory, server_factory_module):
    return server_factory_module(tmp_path_factory.mktemp("fuzz"), "--cpu-jobs", "0", "--gpu-jobs", "0")


def test_fuzzed_requests_never_get_a_500(queue_only_server):
    srv = queue_only_server
    spec = srv.client.get("/openapi.json").json()
    schema = schemathesis.openapi.from_dict(spec)
    headers = {"Authorization": f"Bearer {srv.token}"}
    failures: list[str] = []
    statuses: dict[str, set[int]] = {}
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 9

    def fuzz(op):
        @settings(max_examples=EXAMPLES, deadline=None, database=None,
                  suppress_health_check=list(HealthCheck))
        @given(case=op.as_strategy())
        def run(case):
            response = case.call(base_url=srv.url, headers=headers, timeout=60)
            statuses.setdefault(op.label, set()).add(response.status_code)
            if response.status_code >= 500:
                failures.append(f"{op.label}: {response.status_code} {response.text[:200]} for {case.as_curl_command()}")
            elif response.status_code >= 400:
                body = response.json()
                if not isinstance(body.get("error"), str) or "Traceback" in response.text:
                    failures.append(f"{op.label}: error body without a message: {response.text[:200]}")

        run()

    for op in operations:
        fuzz(op)
    assert failures == []
    assert set(statuses) == {op.label for op in operations}, "some operations were never called"
    seen = set().union(*statuses.values())
    assert {200, 422} <= seen and any(400 <= s < 500 for s in seen - {422}), statuses
    assert srv.client.get("/health").json()["status"] == "ok"
