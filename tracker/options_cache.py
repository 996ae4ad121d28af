"""The version of the data the portal's filter options are drawn from, and every write that moves it.

The portal's list offers, in its theme, directive, commitment and mission selects, the objects of the user's
work (`tracker.selectors.assignment_filter_options`). Reading them costs a query over the missions' tasks, so
they are kept in Django's cache under a key that holds this version. A write that can change an option bumps the
version in its own transaction, after the write: whoever reads the new number reads the new data with it, so old
options are never cached under a new version, and entries under an old version expire unread.

What bumps it:
- a task, directive, commitment, theme or mission saved or deleted (their titles, names and days are the labels);
- an assignment created, deleted, or saved with its task or mission (work given to or taken from a mission);
- a task's themes added, removed or cleared;
- the writes that send no signal call `bump` themselves: `services.task_assign` (a bulk insert), the scale data
  generator (COPY and bulk inserts) and its flush, and a restore (`bump_past`).

A report does not bump: it moves an assignment's status and progress (saved with `update_fields`), never its task
or mission, so the portal's busiest write leaves the cached options alone.
"""

from django.db import connection
from django.db.models import F, PositiveBigIntegerField, Subquery, Value
from django.db.models.functions import Greatest
from django.db.models.signals import m2m_changed, post_delete, post_save

from missions.models import Mission
from tracker.models import Assignment, Commitment, DataVersion, Directive, Task, Theme

NAME = "filter_options"
TIMEOUT = 60 * 60  # seconds; entries under an old version are never read again and go at the latest then


def version_q() -> Subquery:
    """The current version as a value in another query's SELECT (a member's memberships carry it)."""
    return Subquery(DataVersion.objects.filter(name=NAME).values("version")[:1])


def version(user=None) -> int | None:
    """The current version: read with the user's memberships when they have some, or for the committee with every
    mission's time zone (`permissions._roles`, `permissions.visible_timezones`), else one query; None if its row is
    missing (a database emptied by `flush`)."""
    # Kept on the user with the roles, or the committee's every time zone, it was read with; forgotten with them.
    read_with = getattr(user, "_mission_roles", None) is not None or getattr(user, "_all_zones", None) is not None
    if read_with and getattr(user, "_options_version", None) is not None:
        return user._options_version
    return DataVersion.objects.filter(name=NAME).values_list("version", flat=True).first()


def _installed() -> bool:
    return DataVersion._meta.db_table in connection.introspection.table_names()


def installed_version() -> int | None:
    """`version`, or None when its table is not there (a database not migrated yet)."""
    return version() if _installed() else None


def bump() -> None:
    """Moves the version on, in the caller's transaction: the cached filter options are read again."""
    if DataVersion.objects.filter(name=NAME).update(version=F("version") + 1):
        return
    _, created = DataVersion.objects.get_or_create(name=NAME, defaults={"version": 1})
    if not created:  # made by a concurrent writer meanwhile: move on past its number too
        DataVersion.objects.filter(name=NAME).update(version=F("version") + 1)


def bump_past(previous: int | None) -> None:
    """After the whole database was replaced (a restore): a version above both the restored one and `previous`,
    the one before, so that nothing cached under a number this database has already used is read again. A backup
    from before the version has no table for it: `migrate` installs one."""
    if not _installed():
        return
    if previous is None:
        bump()
        return
    above = Greatest(F("version"), Value(previous, PositiveBigIntegerField())) + 1
    if not DataVersion.objects.filter(name=NAME).update(version=above):
        DataVersion.objects.update_or_create(name=NAME, defaults={"version": previous + 1})


# --- the writes the ORM signals ---------------------------------------------------------------------------------

ASSIGNMENT_FIELDS = frozenset({"task", "task_id", "mission", "mission_id"})


def _changed(sender, **kwargs) -> None:
    bump()


def _assignment_saved(sender, created: bool, update_fields=None, **kwargs) -> None:
    # Reports and extension decisions save an assignment's own columns by name: no option changes.
    if created or update_fields is None or ASSIGNMENT_FIELDS & set(update_fields):
        bump()


def _task_themes_changed(sender, action: str, **kwargs) -> None:
    if action in {"post_add", "post_remove", "post_clear"}:
        bump()


def connect() -> None:
    """Connects the receivers (from `TrackerConfig.ready`)."""
    for model in (Task, Directive, Commitment, Theme, Mission):
        label = model._meta.label_lower
        post_save.connect(_changed, sender=model, dispatch_uid=f"options_cache.saved.{label}")
        post_delete.connect(_changed, sender=model, dispatch_uid=f"options_cache.deleted.{label}")
    post_save.connect(_assignment_saved, sender=Assignment, dispatch_uid="options_cache.saved.assignment")
    post_delete.connect(_changed, sender=Assignment, dispatch_uid="options_cache.deleted.assignment")
    m2m_changed.connect(_task_themes_changed, sender=Task.themes.through, dispatch_uid="options_cache.task_themes")
