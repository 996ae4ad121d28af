"""The committee's action log: who did what in the admin, and when (Django's LogEntry).

Django's own admin pages (add, change) record their LogEntry rows. The committee's other actions, taken
through buttons, list actions and custom pages (extension decisions, assigning a task, the import, sending
e-mail again), record theirs through `admin_action_log`, so the log is complete. `AdminAction` shows the log
in the admin (a proxy: the rows are LogEntry's own; the committee group holds its view permission).
"""

from collections.abc import Iterable

from django.contrib.admin.models import ADDITION, CHANGE, LogEntry
from django.utils.translation import gettext_lazy as _

__all__ = ["ADDITION", "CHANGE", "AdminAction", "admin_action_log"]


class AdminAction(LogEntry):
    class Meta:
        proxy = True
        app_label = "tracker"
        verbose_name = _("admin action")
        verbose_name_plural = _("admin action log")
        ordering = ["-action_time", "-id"]


def admin_action_log(*, user, objects: Iterable, message: str, flag: int = CHANGE) -> int:
    """Records that `user` acted on each of `objects` (one row each); returns the rows written."""
    objects = list(objects)
    if not objects or not getattr(user, "pk", None):
        return 0
    LogEntry.objects.log_actions(
        user_id=user.pk, queryset=objects, action_flag=flag, change_message=message[:2000]
    )
    return len(objects)
