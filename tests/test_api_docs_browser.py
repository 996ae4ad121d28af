"""The API's documentation page in a real browser, under the site's Content-Security-Policy (no inline scripts):
the other systems' developers see every operation, and the browser reports no blocked script."""

import pytest
from django.conf import settings

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def test_the_api_documentation_draws_every_operation_under_the_csp(
    transactional_db, live_server, browser, client, committee_user
):
    client.force_login(committee_user)
    context = browser.new_context()
    context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )
    page = context.new_page()
    errors = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.goto(f"{live_server.url}/api/docs/")
    page.wait_for_selector(".opblock", timeout=30_000)
    assert page.locator(".opblock").count() >= 20  # the API's operations, drawn from /api/schema/
    assert [e for e in errors if "Content Security Policy" in e] == []
    context.close()
