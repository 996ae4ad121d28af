"""Writes to missions and memberships."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from missions.models import Membership, Mission


def mission_set_active(*, mission: Mission, is_active: bool) -> Mission:
    """Deactivates or reactivates a mission; its assignments, reports and memberships stay."""
    if mission.is_active != is_active:
        mission.is_active = is_active
        mission.save(update_fields=["is_active", "updated_at"])
    return mission


def membership_start(
    *, user, mission: Mission, role: str, starts_on: datetime.date | None = None
) -> Membership:
    """Gives a user a post in a mission. Idempotent for the same user, mission and start date."""
    starts_on = starts_on or timezone.localdate()
    if role not in Membership.Role.values:
        raise ValidationError({"role": _("Choose a valid role.")})
    with transaction.atomic():
        membership, created = Membership.objects.get_or_create(
            user=user, mission=mission, starts_on=starts_on, defaults={"role": role}
        )
        if not created and membership.role != role:
            membership.role = role
            membership.save(update_fields=["role", "updated_at"])
    return membership


def membership_end(*, membership: Membership, ends_on: datetime.date | None = None) -> Membership:
    """Closes a post (rotation, departure); the history stays and reminders go to whoever holds it now."""
    ends_on = ends_on or timezone.localdate()
    if ends_on < membership.starts_on:
        raise ValidationError({"ends_on": _("A post cannot end before it starts.")})
    membership.ends_on = ends_on
    membership.save(update_fields=["ends_on", "updated_at"])
    return membership


def user_set_language(*, user, language: str) -> None:
    """Remembers the language a person chose: the portal, the admin and their e-mails use it."""
    from django.conf import settings

    if language not in dict(settings.LANGUAGES):
        raise ValidationError({"language": _("Choose a valid language.")})
    if user.language != language:
        user.language = language
        user.save(update_fields=["language"])
