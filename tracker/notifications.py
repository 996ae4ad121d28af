"""E-mails the portal's own events send (reminders live with the reminder policy, not here).

Each function is called by a service inside the transaction of the change it reports: it renders the
messages and records them in the outbox (`tracker.outbox`), which sends them once the change is committed.
A change that is rolled back takes its messages with it.
"""

import logging

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from missions.models import Membership
from tracker.models import ExtensionRequest
from tracker.outbox import services as outbox
from tracker.outbox.models import OutboxMessage

logger = logging.getLogger(__name__)

DECISION_ROLES = (Membership.Role.HEAD, Membership.Role.DEPUTY)


def extension_decision_recipients(request: ExtensionRequest) -> list:
    """The mission's current head and deputy, and whoever asked; active users with an address, once each."""
    memberships = (
        Membership.objects.current()
        .filter(mission_id=request.assignment.mission_id, role__in=DECISION_ROLES)
        .select_related("user")
        .order_by("role", "user_id")
    )
    people = [m.user for m in memberships]
    people.append(request.requested_by)
    seen: set[int] = set()
    recipients = []
    for user in people:
        if user.pk in seen or not user.is_active or not user.email:
            continue
        seen.add(user.pk)
        recipients.append(user)
    return recipients


def extension_decided_mails(request: ExtensionRequest) -> list[outbox.Mail]:
    """The messages telling the mission that the committee approved or rejected its request, each rendered in
    the recipient's language."""
    url = settings.SITE_URL + reverse("portal:extension_detail", args=[request.pk])
    mails = []
    addresses: set[str] = set()
    for user in extension_decision_recipients(request):
        if user.email.strip().lower() in addresses:  # two accounts sharing an address get one message
            continue
        addresses.add(user.email.strip().lower())
        with translation.override(user.language or settings.LANGUAGE_CODE):
            context = {
                "request": request,
                "assignment": request.assignment,
                "task": request.assignment.task,
                "mission": request.assignment.mission,
                "recipient": user,
                "approved": request.state == ExtensionRequest.State.APPROVED,
                "url": url,
            }
            if context["approved"]:
                subject = _("Extension approved: %(task)s") % {"task": request.assignment.task.title}
            else:
                subject = _("Extension not approved: %(task)s") % {"task": request.assignment.task.title}
            mails.append(
                outbox.Mail(
                    recipient=user.email,
                    user=user,
                    subject=" ".join(subject.split())[:200],
                    body=render_to_string("email/extension_decided.txt", context),
                    html=render_to_string("email/extension_decided.html", context),
                )
            )
    return mails


def extension_decided(*, extension_id: int) -> list[OutboxMessage]:
    """Records, in the decision's transaction, the e-mails telling the mission of the committee's decision."""
    request = ExtensionRequest.objects.select_related(
        "assignment__task", "assignment__mission", "requested_by", "decided_by"
    ).get(pk=extension_id)
    if request.state == ExtensionRequest.State.PENDING:
        return []
    mails = extension_decided_mails(request)
    if not mails:
        logger.warning("extension request %s decided, but nobody in the mission has an e-mail address", request.pk)
        return []
    return outbox.outbox_add(
        kind=OutboxMessage.Kind.EXTENSION_DECIDED, reference=f"extension-request:{request.pk}", mails=mails
    )
