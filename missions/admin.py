from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from missions.models import Membership, Mission, User


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]
    fields = ["user", "role", "starts_on", "ends_on"]


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    fieldsets = [
        *BaseUserAdmin.fieldsets,
        (_("Preferences"), {"fields": ["language"]}),
    ]
    list_display = ["username", "email", "first_name", "last_name", "is_staff", "is_active", "language"]


@admin.register(Mission)
class MissionAdmin(admin.ModelAdmin):
    list_display = ["code", "name_vi", "name_en", "kind", "city", "country", "timezone", "region", "is_active"]
    list_filter = ["is_active", "kind", "region", "weekend"]
    search_fields = ["code", "name_vi", "name_en", "city", "country", "country_name"]
    list_per_page = 100
    inlines = [MembershipInline]
    actions = ["deactivate", "activate"]

    def has_delete_permission(self, request, obj=None) -> bool:
        # Missions keep their history: they are deactivated, never deleted.
        return False

    @admin.action(description=_("Deactivate the selected missions"))
    def deactivate(self, request, queryset):
        from missions.services import mission_set_active

        for mission in queryset:
            mission_set_active(mission=mission, is_active=False)

    @admin.action(description=_("Reactivate the selected missions"))
    def activate(self, request, queryset):
        from missions.services import mission_set_active

        for mission in queryset:
            mission_set_active(mission=mission, is_active=True)


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "mission", "role", "starts_on", "ends_on"]
    list_filter = ["role", "mission__region"]
    search_fields = ["user__username", "user__first_name", "user__last_name", "mission__code", "mission__name_vi"]
    list_select_related = ["user", "mission"]
    autocomplete_fields = ["user", "mission"]
    date_hierarchy = "starts_on"

    def has_delete_permission(self, request, obj=None) -> bool:
        # An ended post is closed with an end date so the mission keeps its history.
        return False
