"""Who may see and do what in the portal, beyond the status codes of the one permission matrix
(tests/test_security_matrix.py): where redirects land, what lists show, crafted filters, ended posts, garbage.

Another mission's assignment, report, attachment or extension request answers 404, exactly like one that does
not exist; the committee reads everything but acts only in the admin (403 on the portal's forms).
"""

import pytest
from django.urls import reverse

from tracker.models import ExtensionRequest, Report


def test_redirects_land_on_the_object_in_its_timeline(client, world):
    client.force_login(world.head_a)
    response = client.get(reverse("portal:report_detail", args=[world.report_a.pk]))
    assert response["Location"].endswith(f"/portal/assignments/{world.assignment_a.pk}/#report-{world.report_a.pk}")
    page = client.get(response["Location"].split("#")[0])
    assert f'id="report-{world.report_a.pk}"'.encode() in page.content


@pytest.mark.parametrize("who", ["head_b", "nomission"])
def test_posting_to_another_missions_assignment_is_404_and_changes_nothing(client, world, who):
    client.force_login(world.user(who))
    a = world.assignment_a
    reports, requests, version = Report.objects.count(), ExtensionRequest.objects.count(), a.version
    response = client.post(
        reverse("portal:report_create", args=[a.pk]),
        {"status": "blocked", "percent": 10, "obstacles": "x", "version": a.version},
    )
    assert response.status_code == 404
    response = client.post(
        reverse("portal:extension_create", args=[a.pk]), {"requested_deadline": "01/01/2099", "reason": "x"}
    )
    assert response.status_code == 404
    a.refresh_from_db()
    assert (Report.objects.count(), ExtensionRequest.objects.count(), a.version) == (reports, requests, version)


def test_committee_cannot_report_or_ask_in_the_portal(client, world):
    client.force_login(world.committee)
    a = world.assignment_a
    response = client.post(
        reverse("portal:report_create", args=[a.pk]),
        {"status": "cancelled", "percent": 0, "version": a.version},
    )
    assert response.status_code == 403
    a.refresh_from_db()
    assert a.status == "in_progress"


def test_officer_cannot_ask_for_an_extension(client, world):
    client.force_login(world.officer_a)
    response = client.post(
        reverse("portal:extension_create", args=[world.assignment_a.pk]),
        {"requested_deadline": "01/01/2099", "reason": "x"},
    )
    assert response.status_code == 403
    assert ExtensionRequest.objects.filter(requested_by=world.officer_a).count() == 0


def test_the_list_shows_only_the_users_missions(client, world):
    client.force_login(world.head_a)
    ids = {a.pk for a in client.get(reverse("portal:home")).context["page"].object_list}
    assert ids == {world.assignment_a.pk}
    client.force_login(world.committee)
    ids = {a.pk for a in client.get(reverse("portal:home")).context["page"].object_list}
    assert ids == {world.assignment_a.pk, world.assignment_b.pk}


def test_a_crafted_mission_filter_does_not_reveal_another_mission(client, world):
    client.force_login(world.head_a)
    response = client.get(reverse("portal:home"), {"mission": world.mission_b.pk, "q": world.mission_b.code})
    assert list(response.context["page"].object_list) == []
    response = client.get(reverse("portal:home"), {"mission": world.mission_b.pk})
    assert list(response.context["page"].object_list) == [world.assignment_a]


def test_an_ended_membership_no_longer_opens_the_mission(client, world):
    import datetime

    from missions.services import membership_end

    membership_end(membership=world.officer_a.memberships.get(), ends_on=datetime.date(2021, 1, 1))
    client.force_login(world.officer_a)
    assert client.get(reverse("portal:assignment_detail", args=[world.assignment_a.pk])).status_code == 404
    assert client.get(reverse("portal:attachment_download", args=[world.attachment_a.pk])).status_code == 404
    response = client.get(reverse("portal:home"))
    assert response.status_code == 200
    assert "portal/no_mission.html" in [t.name for t in response.templates]


@pytest.mark.parametrize(
    "path",
    ["assignments/{}/", "assignments/{}/report/", "assignments/{}/extension/", "reports/{}/", "extensions/{}/"]
    + ["attachments/{}/"],
)
def test_ids_beyond_any_row_answer_404(client, world, path):
    client.force_login(world.head_a)
    client.raise_request_exception = True
    assert client.get("/portal/" + path.format(10**30)).status_code == 404


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"status": "in_progress", "percent": "abc", "version": "1"},
        {"status": "in_progress", "percent": "10"},  # no version
        {"status": ["in_progress", "blocked"], "percent": "10", "version": "x"},
        {"status": "in_progress", "percent": str(10**30), "version": str(10**30), "obstacle_cause": "99999"},
    ],
)
def test_garbage_in_the_report_form_gets_messages_not_errors(client, world, data):
    client.force_login(world.head_a)
    client.raise_request_exception = True
    version = world.assignment_a.version
    response = client.post(reverse("portal:report_create", args=[world.assignment_a.pk]), data)
    assert response.status_code == 200 and response.context["form"].errors
    world.assignment_a.refresh_from_db()
    assert world.assignment_a.version == version
