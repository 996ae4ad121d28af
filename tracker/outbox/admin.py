"""The outbox in the committee's admin: every e-mail an action triggered, its state, and "send again"."""

from django.contrib import admin, messages
from django.utils.html import format_html
from django.utils.text import Truncator
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from tracker.audit import admin_action_log
from tracker.outbox import services
from tracker.outbox.models import OutboxMessage

STATE_COLOURS = {
    OutboxMessage.State.PENDING: "#5f6368",
    OutboxMessage.State.RETRYING: "#8a5a00",
    OutboxMessage.State.SENT: "#1b6e3a",
    OutboxMessage.State.FAILED: "#b3261e",
}


@admin.register(OutboxMessage)
class OutboxMessageAdmin(admin.ModelAdmin):
    """Read-only: rows are written by the actions and updated by the sender; failed ones can be sent again."""

    list_display = ["created_at", "kind", "recipient", "subject", "state_display", "attempts", "sent_at", "error"]
    list_filter = ["state", "kind", "created_at"]
    search_fields = ["recipient", "subject", "reference", "message_id", "last_error"]
    date_hierarchy = "created_at"
    list_per_page = 100
    show_full_result_count = False
    ordering = ["-created_at", "-id"]
    actions = ["send_again"]
    fields = [
        "kind",
        "reference",
        "recipient",
        "user",
        "subject",
        "body",
        "state",
        "attempts",
        "created_at",
        "sent_at",
        "next_attempt_at",
        "last_error",
        "message_id",
    ]
    readonly_fields = fields

    class Media:
        css = {"all": ["tracker/admin.css"]}

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False  # the log is read-only; the view page still shows everything

    def has_delete_permission(self, request, obj=None):
        return False

    def has_send_again_permission(self, request) -> bool:
        return request.user.has_perm("tracker.change_outboxmessage")

    @admin.display(description=_("state"), ordering="state")
    def state_display(self, obj):
        return format_html(
            '<span class="tl-badge" style="background:{}">{}</span>', STATE_COLOURS[obj.state], obj.get_state_display()
        )

    @admin.display(description=_("error"))
    def error(self, obj):
        return Truncator(obj.last_error).chars(80) if obj.last_error else ""

    @admin.action(description=_("Send the selected failed e-mails again"), permissions=["send_again"])
    def send_again(self, request, queryset):
        ids = services.outbox_retry(message_ids=list(queryset.values_list("pk", flat=True)))
        if not ids:
            self.message_user(request, _("None of the selected e-mails had failed."), messages.WARNING)
            return
        admin_action_log(
            user=request.user,
            objects=OutboxMessage.objects.filter(pk__in=ids),
            message=gettext("Put back in line to be sent again."),
        )
        self.message_user(
            request, _("%(count)d e-mails will be sent again shortly.") % {"count": len(ids)}, messages.SUCCESS
        )
