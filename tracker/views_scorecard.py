"""The mission portal's scorecard: a head sees their own mission's record over a period (others get 404)."""

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from tracker import charts, dashboard, permissions, tables
from tracker.dashboard_forms import DashboardFilterForm


@login_required
@require_GET
def scorecard(request):
    code = request.GET.get("mission")
    if not code and permissions.is_committee(request.user):
        return redirect("admin:index")  # the committee has every mission's scorecard on its dashboard
    if code:
        mission = permissions.get_scorecard_mission(request.user, code=code)
    else:
        mission = permissions.scorecard_missions(request.user).order_by("code").first()
        if mission is None:
            raise Http404
    committee = permissions.is_committee(request.user)
    choices = [] if committee else list(permissions.scorecard_missions(request.user).order_by("code"))
    now = timezone.now()
    form = DashboardFilterForm(request.GET or None, with_region=False)
    scope = form.scope(dashboard.committee_today(now))
    card = dashboard.scorecard(mission, scope, now=now)
    context = {
        "card": card,
        "form": form,
        "period": tables.scope_phrase(scope),
        "trend": tables.trend_table(card.trend),
        "trend_chart": charts.month_columns(card.trend, title=_("The mission's months"), reports=True),
        "choices": choices,
        "hidden": [("mission", mission.code)],
        "links": None,
        "admin": False,
    }
    return render(request, "portal/scorecard.html", context)
