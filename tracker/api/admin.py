"""API tokens in the admin: the committee issues a user's token (add) and revokes it (delete).

DRF's token admin, with the user picked by search and the list costing a fixed number of queries.
"""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from rest_framework.authtoken.admin import TokenAdmin
from rest_framework.authtoken.models import TokenProxy

if admin.site.is_registered(TokenProxy):
    admin.site.unregister(TokenProxy)


@admin.register(TokenProxy)
class ApiTokenAdmin(TokenAdmin):
    list_select_related = ["user"]
    autocomplete_fields = ["user"]
    list_display = ["key", "user", "user_is_staff", "created"]

    @admin.display(description=_("committee"), boolean=True, ordering="user__is_staff")
    def user_is_staff(self, obj) -> bool:
        return obj.user.is_staff
