"""The portal page where a person chooses which reminders they receive (the e-mails' unsubscribe link)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _

from tracker import permissions
from tracker.reminders import policy as rules
from tracker.reminders import services
from tracker.reminders.forms import ReminderPreferenceForm


@login_required
def preferences(request):
    member = bool(permissions.mission_ids(request.user))
    committee = permissions.is_committee(request.user)
    form = ReminderPreferenceForm(
        request.POST or None,
        initial=rules.user_choices(request.user),
        member=member or not committee,
        committee=committee,
    )
    if request.method == "POST" and form.is_valid():
        services.reminder_preference_update(user=request.user, **form.cleaned_data)
        messages.success(request, _("Your reminder choices are saved."))
        return redirect("portal:preferences")
    return render(request, "portal/preferences.html", {"form": form, "email": request.user.email})


urlpatterns = [path("preferences/", preferences, name="preferences")]
