"""The form of a person's reminder choices (only the kinds that concern them are shown)."""

from django import forms
from django.utils.translation import gettext_lazy as _

MEMBER_FIELDS = {
    "due_soon": (_("Due soon"), _("Some days before a deadline.")),
    "due_today": (_("Due today"), _("On the deadline day.")),
    "overdue": (_("Overdue"), _("After a missed deadline, until the work is done.")),
}
COMMITTEE_FIELDS = {
    "escalation": (_("Escalations"), _("Assignments long overdue, on the committee's working mornings.")),
    "weekly": (_("Weekly summary"), _("Totals, the week's changes, overdue work and extension requests, once a week.")),
}


class ReminderPreferenceForm(forms.Form):
    def __init__(self, *args, member: bool, committee: bool, **kwargs):
        super().__init__(*args, **kwargs)
        fields = {**(MEMBER_FIELDS if member else {}), **(COMMITTEE_FIELDS if committee else {})}
        for name, (label, help_text) in fields.items():
            self.fields[name] = forms.BooleanField(label=label, help_text=help_text, required=False)
