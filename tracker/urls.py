from django.contrib.auth import views as auth_views
from django.urls import path, reverse_lazy

from tracker import views, views_scorecard
from tracker.forms import PortalPasswordResetForm

app_name = "portal"

urlpatterns = [
    path("", views.assignment_list, name="home"),
    path("assignments/<int:pk>/", views.assignment_detail, name="assignment_detail"),
    path("assignments/<int:pk>/report/", views.report_create, name="report_create"),
    path("assignments/<int:pk>/extension/", views.extension_create, name="extension_create"),
    path("reports/<int:pk>/", views.report_detail, name="report_detail"),
    path("extensions/<int:pk>/", views.extension_detail, name="extension_detail"),
    path("attachments/<int:pk>/", views.attachment_download, name="attachment_download"),
    path("language/", views.set_language, name="set_language"),
    path("login/", views.PortalLoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "password-reset/",
        auth_views.PasswordResetView.as_view(
            form_class=PortalPasswordResetForm,
            template_name="portal/password_reset_form.html",
            email_template_name="email/password_reset.txt",
            html_email_template_name="email/password_reset.html",
            subject_template_name="email/password_reset_subject.txt",
            success_url=reverse_lazy("portal:password_reset_done"),
        ),
        name="password_reset",
    ),
    path(
        "password-reset/sent/",
        auth_views.PasswordResetDoneView.as_view(template_name="portal/password_reset_done.html"),
        name="password_reset_done",
    ),
    path(
        "password-reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(
            template_name="portal/password_reset_confirm.html",
            success_url=reverse_lazy("portal:password_reset_complete"),
        ),
        name="password_reset_confirm",
    ),
    path(
        "password-reset/done/",
        auth_views.PasswordResetCompleteView.as_view(template_name="portal/password_reset_complete.html"),
        name="password_reset_complete",
    ),
    path("scorecard/", views_scorecard.scorecard, name="scorecard"),
]

from tracker.views_preferences import urlpatterns as preference_urls  # noqa: E402 (reminder choices)

urlpatterns += preference_urls
