"""The OpenAPI schema validates, describes every endpoint and filter, and its documentation page needs no internet."""

import re

import pytest
from django.contrib.staticfiles import finders
from drf_spectacular.validation import validate_schema
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db

EXPECTED_OPERATIONS = {
    ("get", "/api/v1/missions/"),
    ("get", "/api/v1/missions/{id}/"),
    ("get", "/api/v1/directives/"),
    ("post", "/api/v1/directives/"),
    ("get", "/api/v1/directives/{id}/"),
    ("patch", "/api/v1/directives/{id}/"),
    ("get", "/api/v1/commitments/"),
    ("post", "/api/v1/commitments/"),
    ("get", "/api/v1/commitments/{id}/"),
    ("patch", "/api/v1/commitments/{id}/"),
    ("get", "/api/v1/tasks/"),
    ("post", "/api/v1/tasks/"),
    ("get", "/api/v1/tasks/{id}/"),
    ("patch", "/api/v1/tasks/{id}/"),
    ("post", "/api/v1/tasks/{id}/assign/"),
    ("get", "/api/v1/assignments/"),
    ("get", "/api/v1/assignments/{id}/"),
    ("get", "/api/v1/reports/"),
    ("post", "/api/v1/reports/"),
    ("get", "/api/v1/reports/{id}/"),
    ("get", "/api/v1/extension-requests/"),
    ("post", "/api/v1/extension-requests/"),
    ("get", "/api/v1/extension-requests/{id}/"),
    ("post", "/api/v1/extension-requests/{id}/approve/"),
    ("post", "/api/v1/extension-requests/{id}/reject/"),
    ("get", "/api/v1/summary/"),
}

FILTERS = {
    "/api/v1/assignments/": {
        "q",
        "status",
        "timeliness",
        "theme",
        "directive",
        "commitment",
        "mission",
        "region",
        "deadline_after",
        "deadline_before",
        "ordering",
        "page",
        "page_size",
    },
    "/api/v1/summary/": {"q", "status", "timeliness", "mission", "region", "deadline_after", "deadline_before"},
    "/api/v1/reports/": {"assignment", "mission", "status", "submitted_after", "submitted_before", "ordering"},
    "/api/v1/extension-requests/": {"assignment", "mission", "state", "ordering"},
    "/api/v1/missions/": {"q", "kind", "region", "country", "is_active", "ordering"},
    "/api/v1/directives/": {"q", "issued_by", "issued_after", "issued_before", "ordering"},
    "/api/v1/commitments/": {"q", "kind", "status", "theme", "partner", "signed_after", "signed_before", "ordering"},
    "/api/v1/tasks/": {"q", "priority", "directive", "commitment", "theme", "ordering"},
}


@pytest.fixture
def schema():
    response = APIClient().get("/api/schema/?format=json", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    return response.json()


def test_the_schema_validates_and_has_every_operation(schema):
    validate_schema(schema)
    operations = {(method, path) for path, item in schema["paths"].items() for method in item}
    assert operations == EXPECTED_OPERATIONS
    assert {"tokenAuth", "cookieAuth"} <= set(schema["components"]["securitySchemes"])


@pytest.mark.parametrize("path", list(FILTERS))
def test_every_filter_is_described(schema, path):
    parameters = {p["name"]: p for p in schema["paths"][path]["get"]["parameters"]}
    assert FILTERS[path] <= set(parameters), FILTERS[path] - set(parameters)
    assert all(p.get("description") for p in parameters.values())


def test_every_operation_describes_its_errors(schema):
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            codes = set(operation["responses"])
            assert {"400", "401", "403", "404", "429"} <= codes, (method, path, codes)
            assert any(code.startswith("2") for code in codes)
            assert operation.get("summary"), (method, path)
    report_create = schema["paths"]["/api/v1/reports/"]["post"]["responses"]
    assert "409" in report_create and "201" in report_create


def test_the_documentation_page_is_served_from_our_static_files(client):
    for url in ("/api/docs/",):
        page = client.get(url).content.decode()
        sources = re.findall(r'(?:src|href)="([^"]+)"', page)
        assert sources, url
        for source in sources:
            assert not source.startswith(("http://", "https://", "//")), (url, source)
        for source in sources:
            if source.startswith("/static/"):
                assert finders.find(source.removeprefix("/static/")), source
        # No inline script (the site's CSP would block it): the start-up script is a file of its own.
        inline = [body for attrs, body in re.findall(r"<script([^>]*)>(.*?)</script>", page, re.S)
                  if "src=" not in attrs and body.strip()]
        assert inline == [], url
        script = re.search(r'<script src="([^"]*script=[^"]*)"', page).group(1).replace("&amp;", "&")
        response = client.get(script)
        assert response.status_code == 200 and "javascript" in response["Content-Type"]
