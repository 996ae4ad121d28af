from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from django.views.generic import RedirectView

from config.health import healthz

admin.site.site_header = _("Economic Diplomacy Steering Committee")
admin.site.site_title = _("Economic diplomacy task tracker")
admin.site.index_title = _("Administration")

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="portal:home", permanent=False)),
    path("admin/", admin.site.urls),
    path("portal/", include("tracker.urls")),
    path("api/", include("tracker.api.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("healthz", healthz, name="healthz"),
]

if settings.DEBUG:
    from django.contrib.staticfiles.urls import staticfiles_urlpatterns

    urlpatterns += staticfiles_urlpatterns()
