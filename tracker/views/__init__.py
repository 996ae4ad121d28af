"""The mission portal's views: thin HTTP around selectors, one service call and `tracker.permissions`."""

from tracker.views.accounts import PortalLoginView, set_language
from tracker.views.assignments import (
    assignment_detail,
    assignment_list,
    extension_create,
    extension_detail,
    report_create,
    report_detail,
)
from tracker.views.attachments import attachment_download

__all__ = [
    "PortalLoginView",
    "assignment_detail",
    "assignment_list",
    "attachment_download",
    "extension_create",
    "extension_detail",
    "report_create",
    "report_detail",
    "set_language",
]
