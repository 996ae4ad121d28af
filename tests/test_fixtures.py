"""The reference list of missions: all 94, by kind, with valid time zones and Vietnamese names."""

import zoneinfo
from collections import Counter

import pytest

from missions.models import Mission
from tracker.models import Theme

pytestmark = pytest.mark.django_db


def test_the_94_missions_by_kind(missions):
    assert missions.count() == 94
    assert Counter(missions.values_list("kind", flat=True)) == {
        "embassy": 67,
        "consulate_general": 22,
        "permanent_mission": 4,
        "office": 1,
    }


def test_every_mission_has_a_real_time_zone_and_both_names(missions):
    zones = zoneinfo.available_timezones()
    for m in missions:
        assert m.timezone in zones, m.code
        assert m.name_vi and m.name_en, m.code
        m.full_clean()
    assert Mission.objects.get(code="EMB-US").name_vi == "Đại sứ quán Việt Nam tại Hoa Kỳ"
    assert Mission.objects.get(code="EMB-UA").timezone == "Europe/Kyiv"


def test_gulf_missions_rest_on_friday_and_saturday(missions):
    sa = Mission.objects.get(code="EMB-SA")
    assert sa.weekend_days() == {5, 6}
    assert Mission.objects.get(code="EMB-FR").weekend_days() == {6, 7}


def test_themes_cover_traditional_and_new_drivers(missions):
    groups = Counter(Theme.objects.values_list("group", flat=True))
    assert groups["traditional"] == 5
    assert groups["new"] >= 10
    assert Theme.objects.filter(code="halal").exists()


def test_loading_the_fixture_twice_changes_nothing(missions):
    from django.core.management import call_command

    call_command("loaddata", "fixtures/missions.json", "fixtures/themes.json", verbosity=0)
    assert Mission.objects.count() == 94
