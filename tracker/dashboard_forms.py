"""Forms of the committee's pages: the dashboard's filters and the task import's upload."""

import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from missions.models import Mission
from tracker import dashboard
from tracker.models import Commitment, Theme

DATE_INPUTS = ["%Y-%m-%d", "%d/%m/%Y"]


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class ListedThemeField(forms.ModelChoiceField):
    """A theme chosen from a list already read (the dashboard reads the themes once for its figures and this)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.listed: dict[str, Theme] | None = None

    def use(self, themes: list[Theme]) -> None:
        self.listed = {str(theme.pk): theme for theme in themes}
        self.choices = [("", self.empty_label), *[(theme.pk, self.label_from_instance(theme)) for theme in themes]]

    def to_python(self, value):
        if self.listed is None or value in self.empty_values:
            return super().to_python(value)
        theme = self.listed.get(str(value).strip())
        if theme is None:
            raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice", params={"value": value})
        return theme


class DashboardFilterForm(forms.Form):
    """Period, region and theme; they apply to every figure of the dashboard, the report and the exports."""

    PERIOD_CHOICES = [
        ("", _("All time")),
        ("month", _("This month")),
        ("last_month", _("Last month")),
        ("quarter", _("This quarter")),
        ("last_quarter", _("Last quarter")),
        ("half", _("This half-year")),
        ("last_half", _("Last half-year")),
        ("year", _("This year")),
        ("last_year", _("Last year")),
        ("custom", _("From–to dates")),
    ]

    period = forms.ChoiceField(label=_("Period"), choices=PERIOD_CHOICES, required=False)
    start = forms.DateField(label=_("Deadline from"), required=False, input_formats=DATE_INPUTS, widget=DateInput())
    end = forms.DateField(label=_("Deadline to"), required=False, input_formats=DATE_INPUTS, widget=DateInput())
    region = forms.ChoiceField(
        label=_("Region"), choices=[("", _("All regions")), *Mission.Region.choices], required=False
    )
    theme = ListedThemeField(
        label=_("Theme"), queryset=Theme.objects.all(), required=False, empty_label=_("All themes")
    )

    def __init__(self, data=None, *args, with_region: bool = True, themes: list[Theme] | None = None, **kwargs):
        if data is not None and not data.get("period") and (data.get("start") or data.get("end")):
            data = data.copy()
            data["period"] = "custom"  # dates without a named period: show "from–to dates" as chosen
        super().__init__(data, *args, **kwargs)
        if not with_region:  # a scorecard's mission has its region
            del self.fields["region"]
        if themes is not None:
            self.fields["theme"].use(themes)

    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and end and start > end:
            raise ValidationError(_("The period's first day must not be after its last day."))
        return data

    def scope(self, today: datetime.date) -> dashboard.Scope:
        """The scope the filters describe (everything when the form is invalid: the page says so)."""
        if not self.is_valid():
            return dashboard.Scope()
        data = self.cleaned_data
        start, end = data.get("start"), data.get("end")
        period = data.get("period")
        if period in dashboard.PERIODS:  # a named period wins over dates left in the form
            start, end = dashboard.period_dates(period, today)
        theme = data.get("theme")
        return dashboard.Scope(
            start=start, end=end, region=data.get("region") or None, theme_id=theme.pk if theme else None
        )


class CommitmentFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    status = forms.ChoiceField(
        label=_("Status"), choices=[("", _("All statuses")), *Commitment.Status.choices], required=False
    )
    kind = forms.ChoiceField(label=_("Kind"), choices=[("", _("All kinds")), *Commitment.Kind.choices], required=False)
    theme = forms.ModelChoiceField(
        label=_("Theme"), queryset=Theme.objects.all(), required=False, empty_label=_("All themes")
    )
    without_tasks = forms.BooleanField(label=_("Only those with no task yet"), required=False)

    def filters(self) -> dict:
        data = self.cleaned_data
        return {
            "search": data.get("q") or "",
            "status": data.get("status") or None,
            "kind": data.get("kind") or None,
            "theme_id": data["theme"].pk if data.get("theme") else None,
            "without_tasks": bool(data.get("without_tasks")),
        }


class ImportUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Filled-in template (.xlsx)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"}),
    )

    MAX_BYTES = 5 * 1024 * 1024

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith(".xlsx"):
            raise ValidationError(_("Upload the template as an .xlsx file."))
        if upload.size > self.MAX_BYTES:
            raise ValidationError(_("The file is larger than 5 MB."))
        return upload
