"""The reminders in the committee's admin: the policy (one row), people's choices, and the read-only log."""

from django.contrib import admin, messages
from django.db.models import Count
from django.utils.html import format_html
from django.utils.text import Truncator
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from tracker.reminders.models import DigestKind, ReminderDelivery, ReminderItem, ReminderPolicy, ReminderPreference

STATE_COLOURS = {
    ReminderDelivery.State.PENDING: "#5f6368",
    ReminderDelivery.State.RETRYING: "#8a5a00",
    ReminderDelivery.State.SENT: "#1b6e3a",
    ReminderDelivery.State.FAILED: "#b3261e",
}


@admin.register(ReminderPolicy)
class ReminderPolicyAdmin(SimpleHistoryAdmin):
    """One row: changed here, in force from the next sweep (every 15 minutes)."""

    fieldsets = [
        (_("When"), {"fields": ["send_hour"]}),
        (
            _("Which reminders"),
            {
                "fields": [
                    "due_soon_days",
                    "due_today",
                    "overdue_first_day",
                    "overdue_every_days",
                    "escalation_after_days",
                    "escalation_every_days",
                ]
            },
        ),
        (
            _("Mission digests go to"),
            {"fields": ["notify_heads", "notify_deputies", "notify_officers", "notify_mission_address"]},
        ),
        (
            _("The committee"),
            {
                "fields": [
                    "committee_group",
                    "committee_timezone",
                    "committee_weekend",
                    "weekly_summary",
                    "weekly_weekday",
                ]
            },
        ),
    ]
    list_display = ["__str__", "send_hour", "due_soon_days", "overdue_every_days", "escalation_after_days"]

    def has_add_permission(self, request):
        # The one policy row is installed by a migration; it is edited, never added (and the admin's
        # sidebar asks this on every page, so it must not cost a query).
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ReminderPreference)
class ReminderPreferenceAdmin(admin.ModelAdmin):
    list_display = ["user", "due_soon", "due_today", "overdue", "escalation", "weekly", "updated_at"]
    list_filter = ["due_soon", "due_today", "overdue", "escalation", "weekly"]
    search_fields = ["user__username", "user__email", "user__first_name", "user__last_name"]
    list_select_related = ["user"]
    autocomplete_fields = ["user"]


class ReminderItemInline(admin.TabularInline):
    model = ReminderItem
    extra = 0
    can_delete = False
    fields = ["assignment", "kind", "days_left", "for_committee"]
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("assignment__task", "assignment__mission")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(ReminderDelivery)
class ReminderDeliveryAdmin(admin.ModelAdmin):
    """The reminders log: read-only; failed deliveries can be sent again."""

    list_display = [
        "local_date",
        "kind",
        "mission_code",
        "recipient",
        "item_count",
        "state_display",
        "attempts",
        "sent_at",
        "error_display",
    ]
    list_filter = ["state", "kind", "local_date", "mission__region", "language"]
    search_fields = ["recipient", "mission__code", "mission__name_vi", "mission__name_en", "last_error"]
    list_select_related = ["mission"]
    date_hierarchy = "local_date"
    list_per_page = 100
    show_full_result_count = False
    ordering = ["-local_date", "-claimed_at", "-id"]
    inlines = [ReminderItemInline]
    actions = ["retry"]
    fields = [
        "kind",
        "local_date",
        "mission",
        "recipient",
        "user",
        "language",
        "state",
        "attempts",
        "claimed_at",
        "sent_at",
        "next_attempt_at",
        "last_error",
        "message_id",
    ]
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(n_items=Count("items"))

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False  # the log is read-only; the view page still shows everything

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("mission"), ordering="mission__code")
    def mission_code(self, obj):
        if obj.mission_id:
            return obj.mission.code
        # a person's one digest of the day covering their missions (the items say which), or the committee's
        return gettext("several missions") if obj.kind == DigestKind.MISSION else "—"

    @admin.display(description=_("items"), ordering="n_items")
    def item_count(self, obj):
        return obj.n_items

    @admin.display(description=_("state"), ordering="state")
    def state_display(self, obj):
        return format_html(
            '<span class="tl-badge" style="background:{}">{}</span>', STATE_COLOURS[obj.state], obj.get_state_display()
        )

    @admin.display(description=_("error"))
    def error_display(self, obj):
        return Truncator(obj.last_error).chars(80) if obj.last_error else ""

    class Media:
        css = {"all": ["tracker/admin.css"]}

    def has_retry_permission(self, request) -> bool:
        return request.user.has_perm("tracker.change_reminderdelivery")

    @admin.action(description=_("Send the selected failed deliveries again"), permissions=["retry"])
    def retry(self, request, queryset):
        from tracker.audit import admin_action_log
        from tracker.reminders import services
        from tracker.tasks import reminders_send_batch

        ids = services.delivery_retry(delivery_ids=list(queryset.values_list("pk", flat=True)))
        for start in range(0, len(ids), services.BATCH_SIZE):
            reminders_send_batch.delay_on_commit(ids[start : start + services.BATCH_SIZE])
        if ids:
            admin_action_log(
                user=request.user,
                objects=ReminderDelivery.objects.filter(pk__in=ids),
                message=gettext("Put back in line to be sent again."),
            )
            self.message_user(
                request, _("%(count)d deliveries will be sent again shortly.") % {"count": len(ids)}, messages.SUCCESS
            )
        else:
            self.message_user(request, _("None of the selected deliveries had failed."), messages.WARNING)
