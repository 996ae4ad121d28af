"""Schemathesis fuzzes every operation of the live schema, as the committee and as a mission head.

A real server (pytest-django's `live_server`) serves `/api/schema/`; schemathesis loads it from there, generates
valid and invalid requests for every operation, sends them with a token and fails on any 500, any answer whose
status code, content type, headers or body the schema does not describe.
"""

import os

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.generation import GenerationMode
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.api_world import build_world

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]
# Bounded so that both passes finish in well under two minutes on two cores; raise it for a deeper run:
# API_FUZZ_EXAMPLES=200 python -m pytest tests/test_api_schemathesis.py
MAX_EXAMPLES = int(os.environ.get("API_FUZZ_EXAMPLES", "25"))


@pytest.fixture
def api_world(transactional_db, settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"user": "100000/hour", "anon": "100000/hour"},
    }
    return build_world()


def known_ids(world) -> dict[str, int]:
    """Ids of objects the head of mission A may see, so detail operations reach real objects too."""
    return {
        "missions": world.mission_a.pk,
        "directives": world.directive_a.pk,
        "commitments": world.commitment_a.pk,
        "tasks": world.task_a.pk,
        "assignments": world.assignment_a.pk,
        "reports": world.report_a.pk,
        "extension-requests": world.extension_a.pk,
    }


def fuzz(world, role: str, base_url: str) -> None:
    """Every operation, valid and invalid requests; collects the failures of all operations, then fails."""
    loaded = schemathesis.openapi.from_url(f"{base_url}/api/schema/")
    headers = {"Authorization": f"Token {world.tokens[role]}", "Accept-Language": "en"}
    ids = known_ids(world)
    failures = []
    operations = [result.ok() for result in loaded.get_all_operations()]
    assert len(operations) >= 20, "the schema lost operations"
    for operation in operations:
        strategies = [operation.as_strategy(mode) for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE)]
        if "{id}" in operation.path:
            resource = operation.path.split("/")[3]
            strategies.append(operation.as_strategy(path_parameters={"id": ids[resource]}))

        @given(case=st.one_of(strategies))
        @settings(
            max_examples=MAX_EXAMPLES,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
            phases=[Phase.explicit, Phase.generate],
        )
        def run(case):
            case.call_and_validate(base_url=base_url, headers=headers, checks=CHECKS)

        try:
            run()
        except Exception as exc:  # collected: one report names every operation that failed
            failures.append(f"{operation.label}: {exc!r}"[:3000])
    assert not failures, "\n\n".join(failures)


@pytest.mark.slow
def test_api_as_the_committee(api_world, live_server):
    fuzz(api_world, "committee", live_server.url)


@pytest.mark.slow
def test_api_as_a_mission_head(api_world, live_server):
    fuzz(api_world, "head_a", live_server.url)
