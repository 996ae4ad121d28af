"""The reminder e-mails: HTML and plain text from `templates/email/reminders/`, in the recipient's language.

Threading: every message has its own Message-ID (the same on every attempt of one delivery, so a
receiving server can drop a duplicate), and In-Reply-To/References name one thread per mission (and one
for the committee's escalations, one for its weekly summaries), the way issue trackers thread their
notifications; the subject of a thread stays the same, so clients that also look at the subject group too.
"""

from email.utils import parseaddr

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.core.mail.utils import DNS_NAME
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from tracker.models import Status
from tracker.reminders import policy as rules
from tracker.reminders import selectors
from tracker.reminders.models import DigestKind, ItemKind, ReminderDelivery

ORDER = [ItemKind.ESCALATION, ItemKind.OVERDUE, ItemKind.DUE_TODAY, ItemKind.DUE_SOON]


def absolute(path: str) -> str:
    return settings.SITE_URL + path


def assignment_url(pk: int) -> str:
    """The assignment's page in the mission portal."""
    try:
        return absolute(reverse("portal:assignment_detail", args=[pk]))
    except NoReverseMatch:  # the portal's detail page is named so; this path is its address
        return absolute(f"/portal/assignments/{pk}/")


def admin_assignment_url(pk: int) -> str:
    return absolute(reverse("admin:tracker_assignment_change", args=[pk]))


def preferences_url() -> str:
    return absolute(reverse("portal:preferences"))


def mail_domain() -> str:
    address = parseaddr(settings.DEFAULT_FROM_EMAIL)[1]
    return address.rpartition("@")[2] or str(DNS_NAME)


def thread_id(delivery: ReminderDelivery) -> str:
    if delivery.kind == DigestKind.MISSION and delivery.mission_id:
        return f"<reminders.{delivery.mission.code.lower()}@{mail_domain()}>"
    if delivery.kind == DigestKind.MISSION:  # a person's digest of several missions: one thread of their own
        return f"<reminders.user.{delivery.user_id or 0}@{mail_domain()}>"
    return f"<reminders.committee.{delivery.kind}@{mail_domain()}>"


def message_id(delivery: ReminderDelivery) -> str:
    return f"<reminder.{delivery.pk}.{delivery.kind}.{delivery.local_date:%Y%m%d}@{mail_domain()}>"


def when(days_left: int) -> str:
    """Where an item stands on the digest's day, in the active language: "3 days late", "due today", "due in 7 days"."""
    if days_left < 0:
        return ngettext("%(days)s day late", "%(days)s days late", -days_left) % {"days": -days_left}
    if days_left == 0:
        return _("due today")
    return ngettext("due in %(days)s day", "due in %(days)s days", days_left) % {"days": days_left}


def tone(days_left: int) -> str:
    """The colour of an item's standing in the HTML part: late red, due today amber, ahead green."""
    if days_left < 0:
        return "#b3261e"
    if days_left == 0:
        return "#8a5a00"
    return "#1b6e3a"


def item_row(assignment, *, kind: str, days_left: int, for_committee: bool = False) -> dict:
    """What an e-mail says of one assignment (its task and mission loaded), worked out once for both its parts
    (HTML and text): the committee's link goes to the admin, a person's own to the mission portal."""
    return {
        "kind": kind,
        "title": assignment.task.title,
        "mission": assignment.mission,
        "deadline": assignment.deadline,
        "deadline_text": f"{assignment.deadline:%d/%m/%Y}",
        "days_left": days_left,
        "when": when(days_left),
        "tone": tone(days_left),
        "status": str(Status(assignment.status).label),  # get_status_display() hashes every label on each call
        "percent": assignment.percent,
        "for_committee": for_committee,
        "url": admin_assignment_url(assignment.pk) if for_committee else assignment_url(assignment.pk),
    }


def _item_rows(delivery: ReminderDelivery) -> list[dict]:
    return [
        item_row(item.assignment, kind=item.kind, days_left=item.days_left, for_committee=item.for_committee)
        for item in delivery.items.all()
    ]


def _groups(rows: list[dict]) -> list[dict]:
    groups = []
    for kind in ORDER:
        mine = [row for row in rows if row["kind"] == kind]
        if mine:
            # a group's items stand alike (all late, all due today or all ahead): its heading takes their colour
            groups.append({"kind": kind, "label": ItemKind(kind).label, "items": mine, "tone": mine[0]["tone"]})
    return groups


def _subject(delivery: ReminderDelivery, policy, rows: list[dict]) -> str:
    if delivery.kind == DigestKind.MISSION and not delivery.mission_id:
        codes = sorted({row["mission"].code for row in rows})
        return _("[%(codes)s] Reminders: assignments of your missions") % {"codes": ", ".join(codes)}
    if delivery.kind == DigestKind.MISSION:
        return _("[%(code)s] Reminders: assignments of %(mission)s") % {
            "code": delivery.mission.code,
            "mission": delivery.mission.name,
        }
    if delivery.kind == DigestKind.ESCALATION:
        return _("Escalations: assignments overdue more than %(days)s days") % {"days": policy.escalation_after_days}
    return _("Weekly summary of the missions' assignments")


PLURALS = {
    ItemKind.ESCALATION: lambda n: ngettext("%(n)d escalated", "%(n)d escalated", n) % {"n": n},
    ItemKind.OVERDUE: lambda n: ngettext("%(n)d overdue", "%(n)d overdue", n) % {"n": n},
    ItemKind.DUE_TODAY: lambda n: ngettext("%(n)d due today", "%(n)d due today", n) % {"n": n},
    ItemKind.DUE_SOON: lambda n: ngettext("%(n)d due soon", "%(n)d due soon", n) % {"n": n},
}


def _summary_line(rows: list[dict]) -> str:
    """E.g. "2 overdue, 1 due today", in the active language."""
    counts = {kind: sum(1 for row in rows if row["kind"] == kind) for kind in ORDER}
    return ", ".join(PLURALS[kind](counts[kind]) for kind in ORDER if counts[kind])


def build(delivery: ReminderDelivery, *, connection=None, cache: dict | None = None) -> EmailMultiAlternatives:
    """The message of a delivery (its items and mission loaded), rendered in the recipient's language."""
    cache = {} if cache is None else cache
    if "policy" not in cache:
        cache["policy"] = rules.current()
    policy = cache["policy"]
    template = {
        DigestKind.MISSION: "mission_digest",
        DigestKind.ESCALATION: "escalation_digest",
        DigestKind.WEEKLY: "weekly_summary",
    }[delivery.kind]
    with translation.override(delivery.language or settings.LANGUAGE_CODE):
        rows = _item_rows(delivery)
        if delivery.kind == DigestKind.MISSION:
            listed, own = rows, []
        else:  # the committee's e-mail lists its own items, then the person's own missions' items
            listed = [row for row in rows if row["for_committee"]]
            own = [row for row in rows if not row["for_committee"]]
        context = {
            "delivery": delivery,
            "mission": delivery.mission,
            "several_missions": delivery.kind == DigestKind.MISSION and not delivery.mission_id,
            "day": delivery.local_date,
            "user": delivery.user,
            "groups": _groups(listed),
            "items": listed,
            "summary_line": _summary_line(listed),
            # a committee member's own missions' items, in the committee's e-mail of the day
            "own_groups": _groups(own),
            "policy": policy,
            "deadline_label": _("Deadline"),
            "portal_url": absolute(reverse("portal:home")),
            "admin_url": absolute(reverse("admin:index")),
            "preferences_url": preferences_url() if delivery.user_id else "",
            "admin_overdue_url": absolute(reverse("admin:tracker_assignment_changelist")) + "?timeliness=overdue",
        }
        if delivery.kind == DigestKind.WEEKLY:
            key = ("weekly", delivery.local_date)
            if key not in cache:
                cache[key] = selectors.weekly_summary(policy=policy, day=delivery.local_date)
            context["summary"] = cache[key]
            context["escalated"] = [row for row in listed if row["kind"] == ItemKind.ESCALATION]
            context["admin_extensions_url"] = absolute(reverse("admin:tracker_extensionrequest_changelist")) + (
                "?state__exact=pending"
            )
        subject = _subject(delivery, policy, rows)
        text = render_to_string(f"email/reminders/{template}.txt", context)
        html = render_to_string(f"email/reminders/{template}.html", context)
    thread = thread_id(delivery)
    headers = {
        "Message-ID": message_id(delivery),
        "In-Reply-To": thread,
        "References": thread,
        "Auto-Submitted": "auto-generated",
        "X-Auto-Response-Suppress": "All",
    }
    if context["preferences_url"]:
        headers["List-Unsubscribe"] = f"<{context['preferences_url']}>"
    message = EmailMultiAlternatives(
        subject=subject,
        body=text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[delivery.recipient],
        headers=headers,
        connection=connection,
    )
    message.attach_alternative(html, "text/html")
    return message
