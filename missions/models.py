"""Missions abroad, the people who work in them, and who holds which post when."""

import zoneinfo

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False, db_index=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        abstract = True


def validate_timezone(value: str) -> None:
    if value not in zoneinfo.available_timezones():
        raise ValidationError(_("%(value)s is not an IANA time zone."), params={"value": value})


def validate_weekend(value: str) -> None:
    if not value or not value.isdigit() or any(c not in "1234567" for c in value) or len(set(value)) != len(value):
        raise ValidationError(_("The weekend is a set of ISO weekday numbers, 1 (Monday) to 7 (Sunday)."))


class User(AbstractUser):
    """A person who signs in: a mission member, a committee member, or both."""

    class Language(models.TextChoices):
        VI = "vi", _("Vietnamese")
        EN = "en", _("English")

    language = models.CharField(_("language"), max_length=2, choices=Language.choices, default=Language.VI)

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    @property
    def display_name(self) -> str:
        return self.get_full_name() or self.username


class MissionQuerySet(models.QuerySet):
    def active(self) -> "MissionQuerySet":
        return self.filter(is_active=True)

    def get_by_natural_key(self, code: str) -> "Mission":
        return self.get(code=code)


class Mission(TimeStampedModel):
    """A representative mission abroad. Missions are deactivated, never deleted."""

    class Kind(models.TextChoices):
        EMBASSY = "embassy", _("Embassy")
        CONSULATE_GENERAL = "consulate_general", _("Consulate general")
        PERMANENT_MISSION = "permanent_mission", _("Permanent mission")
        OFFICE = "office", _("Economic and cultural office")

    class Region(models.TextChoices):
        ASIA_PACIFIC = "asia_pacific", _("Asia–Pacific")
        EUROPE = "europe", _("Europe")
        AMERICAS = "americas", _("Americas")
        MIDDLE_EAST_AFRICA = "middle_east_africa", _("Middle East–Africa")

    class Weekend(models.TextChoices):
        SAT_SUN = "67", _("Saturday–Sunday")
        FRI_SAT = "56", _("Friday–Saturday")
        FRI_SUN = "57", _("Friday and Sunday")
        THU_FRI = "45", _("Thursday–Friday")
        FRI = "5", _("Friday")
        SUN = "7", _("Sunday")

    code = models.CharField(_("code"), max_length=40, unique=True)
    kind = models.CharField(_("kind"), max_length=24, choices=Kind.choices, db_index=True)
    name_vi = models.CharField(_("name (Vietnamese)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200)
    city = models.CharField(_("city"), max_length=100)
    country = models.CharField(_("country (ISO code)"), max_length=2)
    country_name = models.CharField(_("country"), max_length=100, blank=True)
    timezone = models.CharField(_("time zone"), max_length=64, validators=[validate_timezone])
    region = models.CharField(_("region"), max_length=24, choices=Region.choices, db_index=True)
    email = models.EmailField(_("e-mail"), blank=True)
    weekend = models.CharField(
        _("weekend"),
        max_length=7,
        choices=Weekend.choices,
        default=Weekend.SAT_SUN,
        validators=[validate_weekend],
        help_text=_("Days on which the mission does not work and gets no reminders."),
    )
    is_active = models.BooleanField(_("active"), default=True, db_index=True)

    objects = MissionQuerySet.as_manager()

    class Meta:
        verbose_name = _("mission")
        verbose_name_plural = _("missions")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(condition=Q(country__regex=r"^[A-Z]{2}$"), name="mission_country_iso2"),
        ]

    def __str__(self) -> str:
        return f"{self.code} · {self.name}"

    @property
    def name(self) -> str:
        from django.utils.translation import get_language

        return self.name_en if (get_language() or "vi").startswith("en") else self.name_vi

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.timezone)

    def natural_key(self) -> tuple[str]:
        return (self.code,)

    def weekend_days(self) -> set[int]:
        """ISO weekday numbers (1 = Monday) on which the mission rests."""
        return {int(c) for c in self.weekend}

    def is_working_day(self, day) -> bool:
        return day.isoweekday() not in self.weekend_days()

    def local_today(self, now=None):
        return timezone.localtime(now or timezone.now(), self.zone).date()


class MembershipQuerySet(models.QuerySet):
    def current(self, on=None) -> "MembershipQuerySet":
        """Memberships in force on a date (today in Ha Noi by default)."""
        day = on or timezone.localdate()
        return self.filter(Q(ends_on__isnull=True) | Q(ends_on__gte=day), starts_on__lte=day, user__is_active=True)


class Membership(TimeStampedModel):
    """Who holds which post in a mission, from when to when. Ended memberships stay as history."""

    class Role(models.TextChoices):
        HEAD = "head", _("Head of mission")
        DEPUTY = "deputy", _("Deputy head")
        OFFICER = "officer", _("Officer")

    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="memberships", verbose_name=_("user"))
    mission = models.ForeignKey(
        Mission, on_delete=models.PROTECT, related_name="memberships", verbose_name=_("mission")
    )
    role = models.CharField(_("role"), max_length=10, choices=Role.choices)
    starts_on = models.DateField(_("starts on"), default=timezone.localdate)
    ends_on = models.DateField(_("ends on"), null=True, blank=True)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        ordering = ["mission__code", "role", "-starts_on"]
        constraints = [
            models.UniqueConstraint(fields=["user", "mission", "starts_on"], name="membership_unique_start"),
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")),
                name="membership_ends_after_start",
            ),
        ]
        indexes = [models.Index(fields=["user", "mission"])]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()} · {self.mission.code}"
