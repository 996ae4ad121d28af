import html

from django import forms
from django.conf import settings
from django.contrib.auth.forms import PasswordResetForm
from django.forms.utils import flatatt
from django.template.defaultfilters import filesizeformat
from django.utils import translation
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from missions.models import Mission
from tracker.models import Assignment, ObstacleCause, Status


class AssignMissionsForm(forms.Form):
    """The committee assigns one task to many missions: all, a region, a kind, or a chosen set."""

    SCOPE_ALL = "all"
    SCOPE_REGION = "region"
    SCOPE_KIND = "kind"
    SCOPE_CHOSEN = "chosen"
    scope = forms.ChoiceField(
        label=_("Assign to"),
        choices=[
            (SCOPE_ALL, _("All active missions")),
            (SCOPE_REGION, _("The active missions of a region")),
            (SCOPE_KIND, _("The active missions of a kind")),
            (SCOPE_CHOSEN, _("The missions I choose")),
        ],
        widget=forms.RadioSelect,
        initial=SCOPE_CHOSEN,
    )
    region = forms.ChoiceField(label=_("Region"), choices=[("", "—"), *Mission.Region.choices], required=False)
    kind = forms.ChoiceField(label=_("Kind of mission"), choices=[("", "—"), *Mission.Kind.choices], required=False)
    missions = forms.ModelMultipleChoiceField(
        label=_("Missions"),
        queryset=Mission.objects.active(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 16}),
    )
    deadline = forms.DateField(label=_("Deadline"), required=False, help_text=_("Empty: the task's default deadline."))
    role = forms.ChoiceField(label=_("Role"), choices=Assignment.Role.choices, initial=Assignment.Role.LEAD)

    def clean(self):
        data = super().clean()
        scope = data.get("scope")
        if scope == self.SCOPE_REGION and not data.get("region"):
            self.add_error("region", _("Choose a region."))
        if scope == self.SCOPE_KIND and not data.get("kind"):
            self.add_error("kind", _("Choose a kind of mission."))
        if scope == self.SCOPE_CHOSEN and not data.get("missions"):
            self.add_error("missions", _("Choose at least one mission."))
        return data

    def selected_missions(self):
        data = self.cleaned_data
        missions = Mission.objects.active()
        if data["scope"] == self.SCOPE_REGION:
            return missions.filter(region=data["region"])
        if data["scope"] == self.SCOPE_KIND:
            return missions.filter(kind=data["kind"])
        if data["scope"] == self.SCOPE_CHOSEN:
            return data["missions"]
        return missions


class DateTextInput(forms.DateInput):
    """A date typed as dd/mm/yyyy (the house format; a browser's date picker would follow its own locale)."""

    def __init__(self, attrs=None):
        defaults = {"placeholder": _("dd/mm/yyyy"), "inputmode": "numeric", "autocomplete": "off", "size": 10}
        super().__init__(attrs={**defaults, **(attrs or {})}, format="%d/%m/%Y")


def options_html(pairs, selected: set[str]) -> str:
    """`<option>`s for (value, label) pairs, written in one pass (a select of hundreds: a directive filter), each
    value and label escaped (html.escape: Django's escape() is it, behind a lazy-string wrapper that costs more
    than the work); the values in `selected` (as text) are marked selected."""
    escape = html.escape
    return mark_safe(  # noqa: S308 — every value and label is escaped
        "".join(
            f'<option value="{escape(value)}"{" selected" if value in selected else ""}>{escape(str(label))}</option>'
            for value, label in (("" if v is None else str(v), label) for v, label in pairs)
        )
    )


class OptionsSelect(forms.Select):
    """A select drawn in one pass: the same markup as Django's, without a template per option (a mission's
    directive filter offers hundreds). Choices are (value, label) pairs, kept as given (not normalised again)."""

    def __init__(self, attrs=None, choices=()):
        super().__init__(attrs)
        self.options = list(choices)

    def render(self, name, value, attrs=None, renderer=None):
        final_attrs = self.build_attrs(self.attrs, attrs)
        if self.allow_multiple_selected:
            final_attrs["multiple"] = True
        options = options_html(self.options, {str(v) for v in self.format_value(value)})
        return format_html('<select name="{}"{}>{}</select>', name, flatatt(final_attrs), options)


class StatusSelect(forms.Select):
    """A status select whose moves the rules forbid are shown but cannot be chosen."""

    def __init__(self, *args, allowed=(), **kwargs):
        self.allowed = set(allowed)
        super().__init__(*args, **kwargs)

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        if value and value not in self.allowed:
            option["attrs"]["disabled"] = True
        return option


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input; the attachment rule itself is `tracker.attachments`, applied by the service."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data if item]
        return [single(data, initial)] if data else []


class ReportForm(forms.Form):
    """A progress report. The transition rules and the attachment rule are checked by `report_submit`."""

    status = forms.ChoiceField(label=_("Status"), choices=Status.choices)
    percent = forms.IntegerField(
        label=_("Percent done"),
        widget=forms.NumberInput(attrs={"min": 0, "max": 100, "step": 5, "inputmode": "numeric"}),
        help_text=_("0 to 100. Completed work is 100%."),
    )
    results = forms.CharField(
        label=_("Results"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("What was done since the last report: meetings, agreements, figures."),
    )
    obstacles = forms.CharField(
        label=_("Obstacles"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required when the work is blocked."),
    )
    obstacle_cause = forms.ModelChoiceField(
        label=_("Main cause of the obstacles"),
        queryset=ObstacleCause.objects.filter(is_active=True),
        required=False,
        empty_label=_("— none —"),
    )
    proposals = forms.CharField(
        label=_("Proposals"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What you ask of the committee or of ministries at home."),
    )
    attachments = MultipleFileField(label=_("Attachments"), required=False)
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, assignment: Assignment, **kwargs):
        from tracker import attachments, transitions

        allowed = transitions.allowed_moves(assignment.status, by_committee=False)
        initial = {
            "status": assignment.status if assignment.status in allowed else Status.IN_PROGRESS,
            "percent": assignment.percent,
            "version": assignment.version,
        }
        super().__init__(*args, initial={**initial, **kwargs.pop("initial", {})}, **kwargs)
        self.fields["status"].widget = StatusSelect(choices=Status.choices, allowed=allowed)
        self.fields["attachments"].widget.attrs["accept"] = attachments.ACCEPT
        self.fields["attachments"].help_text = _(
            "Up to %(count)d files, each at most %(limit)s: %(kinds)s."
        ) % {
            "count": attachments.MAX_FILES_PER_REPORT,
            "limit": filesizeformat(attachments.max_bytes()),
            "kinds": attachments.accepted_kinds_text(),
        }

    def set_version(self, version: int) -> None:
        """After a stale submission: the next submission is measured against what the person has now seen."""
        self.data = self.data.copy()
        self.data["version"] = str(version)


class ExtensionRequestForm(forms.Form):
    requested_deadline = forms.DateField(
        label=_("New deadline"),
        widget=DateTextInput(),
        help_text=_("dd/mm/yyyy, a day in the mission's time zone."),
    )
    reason = forms.CharField(
        label=_("Reason"),
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Why more time is needed and what will be done by the new date."),
    )


class PortalPasswordResetForm(PasswordResetForm):
    """Django's reset form, writing to each person in the language they chose."""

    def send_mail(self, subject_template_name, email_template_name, context, *args, **kwargs):
        user = context.get("user")
        with translation.override(getattr(user, "language", "") or settings.LANGUAGE_CODE):
            super().send_mail(subject_template_name, email_template_name, context, *args, **kwargs)
