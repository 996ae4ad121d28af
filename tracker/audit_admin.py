"""The admin action log in the committee's admin: read-only, filterable by action, kind of object and person."""

from django.contrib import admin
from django.contrib.admin.models import ADDITION, CHANGE, DELETION
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from tracker.audit import AdminAction

FLAG_LABELS = {ADDITION: _("Added"), CHANGE: _("Changed"), DELETION: _("Deleted")}


@admin.register(AdminAction)
class AdminActionAdmin(admin.ModelAdmin):
    list_display = ["action_time", "user", "action", "object_kind", "object_link", "message"]
    list_filter = ["action_flag", "content_type", "action_time"]
    search_fields = ["object_repr", "change_message", "user__username", "user__first_name", "user__last_name"]
    list_select_related = ["user", "content_type"]
    date_hierarchy = "action_time"
    list_per_page = 100
    show_full_result_count = False
    ordering = ["-action_time", "-id"]
    fields = ["action_time", "user", "content_type", "object_id", "object_repr", "action_flag", "change_message"]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False  # the log is read-only; its page still shows everything

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("action"), ordering="action_flag")
    def action(self, obj):
        return FLAG_LABELS.get(obj.action_flag, obj.action_flag)

    @admin.display(description=_("kind"), ordering="content_type")
    def object_kind(self, obj):
        return obj.content_type.name if obj.content_type_id else "—"

    @admin.display(description=_("object"), ordering="object_repr")
    def object_link(self, obj):
        url = obj.get_admin_url()
        return format_html('<a href="{}">{}</a>', url, obj.object_repr) if url else obj.object_repr

    @admin.display(description=_("what was done"))
    def message(self, obj):
        return obj.get_change_message()
