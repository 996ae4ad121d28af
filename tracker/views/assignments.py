"""My assignments, an assignment's page, reporting progress and asking for more time."""

import zoneinfo

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from tracker import permissions, selectors, services, transitions
from tracker.filters import AssignmentFilter
from tracker.forms import DateTextInput, ExtensionRequestForm, OptionsSelect, ReportForm
from tracker.models import Assignment, ExtensionRequest, Timeliness

PAGE_SIZE = 25
# Columns the list can be sorted by: (ordering value, label).
SORTABLE = ("deadline", "task", "status", "percent", "last_reported_at")


def display_zone(user, assignment: Assignment) -> zoneinfo.ZoneInfo:
    """Times are shown in the mission's own time zone to its members, in Ha Noi time to the committee."""
    if permissions.is_member(user, assignment.mission_id):
        return assignment.mission.zone
    return zoneinfo.ZoneInfo(settings.TIME_ZONE)


def _detail_url(assignment_id: int, anchor: str = "") -> str:
    url = reverse("portal:assignment_detail", args=[assignment_id])
    return f"{url}#{anchor}" if anchor else url


@login_required
def assignment_list(request):
    user = request.user
    committee = permissions.is_committee(user)
    mission_ids = [] if committee else permissions.mission_ids(user)  # the committee sees every mission's work
    if not committee and not mission_ids:
        return render(request, "portal/no_mission.html")

    # A member's work is in their own missions' time zones, read with the memberships; the committee's in every one.
    zones = permissions.visible_timezones(user)
    filterset = AssignmentFilter(
        request.GET or None, queryset=selectors.portal_assignment_list(user=user, zones=zones), zones=zones
    )
    mission_filter = committee or len(mission_ids) > 1
    # The choices a filter accepts (read only to check a chosen value) and the options it shows (one query).
    for name, queryset in selectors.assignment_filter_choices(user=user).items():
        filterset.filters[name].queryset = queryset
    options = selectors.assignment_filter_options(user=user, mission_filter=mission_filter)
    if not committee:
        del filterset.filters["region"]
    if not mission_filter:
        del filterset.filters["mission"]
    form = filterset.form
    for name in ("deadline_after", "deadline_before"):
        form.fields[name].widget = DateTextInput()
    form.fields["ordering"].widget = forms.MultipleHiddenInput()  # sorting is done by the column headings
    form.fields["status"].widget = forms.CheckboxSelectMultiple(choices=form.fields["status"].choices)
    for name, field in form.fields.items():  # "All" rather than dashes for a filter left open
        if getattr(field, "empty_label", None) is not None:
            field.empty_label = _("All")
            choices = [("", field.empty_label), *options[name]] if name in options else field.choices
            if isinstance(field.widget, forms.Select):
                field.widget = OptionsSelect(choices=choices)
            else:
                field.widget.choices = choices

    # The page's rows; their number comes with the counts by timeliness, in the same query.
    counts = selectors.timeliness_counts(user=user, zones=zones, matching=filterset.qs if filterset.is_bound else None)
    paginator = Paginator(filterset.qs, PAGE_SIZE)
    paginator.count = counts["matching"] if filterset.is_bound else counts["total"]
    page = paginator.get_page(request.GET.get("page"))
    summary = [{"value": value, "label": label, "count": counts[value]} for value, label in Timeliness.choices]
    ordering = request.GET.get("ordering", "")
    active_filters = [
        name
        for name, value in (form.cleaned_data if form.is_bound and form.is_valid() else {}).items()
        if value not in (None, "", [])
    ]
    return render(
        request,
        "portal/assignment_list.html",
        {
            "filter": filterset,
            "form": form,
            "page": page,
            "summary": summary,
            "total": counts["total"],
            "ordering": ordering,
            "sortable": SORTABLE,
            "committee": committee,
            "show_mission": mission_filter,
            "active_filters": active_filters,
            "selected_timeliness": request.GET.get("timeliness", ""),
        },
    )


@login_required
def assignment_detail(request, pk: int):
    assignment = selectors.assignment_detail(user=request.user, pk=pk)
    timeline = selectors.assignment_timeline(assignment=assignment)
    pending = next(
        (e.obj for e in timeline if e.kind == "extension_requested" and e.obj.state == ExtensionRequest.State.PENDING),
        None,
    )
    return render(
        request,
        "portal/assignment_detail.html",
        {
            "assignment": assignment,
            "timeline": timeline,
            "pending_extension": pending,
            "can_report": permissions.portal_can_report(request.user, assignment)
            and assignment.status not in transitions.CLOSED,
            "can_request_extension": permissions.can_request_extension(request.user, assignment)
            and assignment.status not in transitions.CLOSED
            and pending is None,
            "committee": permissions.is_committee(request.user),
            "zone": display_zone(request.user, assignment),
        },
    )


@login_required
def report_create(request, pk: int):
    assignment = selectors.assignment_for_action(user=request.user, pk=pk)
    if not permissions.portal_can_report(request.user, assignment):
        raise PermissionDenied(_("The committee reads the portal; it acts in the administration site."))
    posted = request.method == "POST"
    form = ReportForm(request.POST if posted else None, request.FILES if posted else None, assignment=assignment)
    stale_report = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            report = services.report_submit(
                assignment_id=assignment.pk,
                author=request.user,
                status=data["status"],
                percent=data["percent"],
                results=data["results"],
                obstacles=data["obstacles"],
                obstacle_cause=data["obstacle_cause"],
                proposals=data["proposals"],
                attachments=data["attachments"],
                expected_version=data["version"],
            )
        except services.StaleReport as exc:
            stale_report = exc.latest
            assignment = selectors.assignment_for_action(user=request.user, pk=pk)
            form = ReportForm(request.POST, assignment=assignment)  # keeps what was typed
            form.set_version(assignment.version)
            form.is_valid()
            form.add_error(None, exc.messages[0])
            if data["attachments"]:
                form.add_error(
                    "attachments",
                    _("Nothing was saved, so choose your files again: %(names)s.")
                    % {"names": ", ".join(f.name for f in data["attachments"])},
                )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Your report was saved."))
            return redirect(_detail_url(assignment.pk, f"report-{report.pk}"))
    return render(
        request,
        "portal/report_form.html",
        {
            "assignment": assignment,
            "form": form,
            "stale_report": stale_report,
            "closed": assignment.status in transitions.CLOSED,
            "zone": display_zone(request.user, assignment),
        },
    )


@login_required
def extension_create(request, pk: int):
    assignment = selectors.assignment_for_action(user=request.user, pk=pk)
    if not permissions.can_request_extension(request.user, assignment):
        raise PermissionDenied(_("Only the head or the deputy head of the mission can ask for an extension."))
    pending = selectors.pending_extension(assignment=assignment)
    form = ExtensionRequestForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and pending is None and form.is_valid():
        try:
            extension = services.extension_request_create(
                assignment_id=assignment.pk,
                requested_by=request.user,
                requested_deadline=form.cleaned_data["requested_deadline"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Your request was sent to the Steering Committee."))
            return redirect(_detail_url(assignment.pk, f"extension_requested-{extension.pk}"))
    return render(
        request,
        "portal/extension_form.html",
        {
            "assignment": assignment,
            "form": form,
            "pending": pending,
            "closed": assignment.status in transitions.CLOSED,
        },
    )


@login_required
def report_detail(request, pk: int):
    """A report's own address (for links and e-mails): its place in the assignment's timeline."""
    report = permissions.get_visible_report(request.user, pk)
    return redirect(_detail_url(report.assignment_id, f"report-{report.pk}"))


@login_required
def extension_detail(request, pk: int):
    """An extension request's own address (for links and e-mails): its place in the timeline."""
    extension = permissions.get_visible_extension_request(request.user, pk)
    anchor = "extension_decided" if extension.decided_at else "extension_requested"
    return redirect(_detail_url(extension.assignment_id, f"{anchor}-{extension.pk}"))
