"""One error body for every error the API answers:

    {"status": 400, "code": "invalid", "message": "…", "errors": {"percent": ["…"], "non_field_errors": ["…"]}}

`errors` holds messages by field (empty for errors that are not about fields). A report based on a stale view
(409, code "stale") also carries `current_version` and `latest_report`; an extension request decided
already (409, code "already_decided") carries its `state`.
"""

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import exception_handler as drf_exception_handler

from tracker.services import AlreadyDecided, StaleReport

NON_FIELD = api_settings.NON_FIELD_ERRORS_KEY


def _field_errors(exc: DjangoValidationError) -> dict[str, list[str]]:
    if hasattr(exc, "error_dict"):
        return {(NON_FIELD if field == "__all__" else field): msgs for field, msgs in exc.message_dict.items()}
    return {NON_FIELD: list(exc.messages)}


def body(*, status_code: int, code: str, message: str, errors: dict | None = None, **extra) -> dict:
    return {"status": status_code, "code": code, "message": str(message), "errors": errors or {}, **extra}


def _conflict(exc: DjangoValidationError) -> Response:
    if isinstance(exc, StaleReport):
        from tracker.api.serializers import LatestReportSerializer

        latest = exc.latest
        extra = {
            "current_version": latest.assignment.version if latest is not None else None,
            "latest_report": LatestReportSerializer(latest).data if latest is not None else None,
        }
        code = "stale"
    else:
        extra = {"state": exc.request.state}
        code = "already_decided"
    return Response(
        body(status_code=status.HTTP_409_CONFLICT, code=code, message=exc.messages[0], **extra),
        status=status.HTTP_409_CONFLICT,
    )


def exception_handler(exc, context):
    """DRF's handler, with the services' errors mapped and every body in the shape above."""
    if isinstance(exc, StaleReport | AlreadyDecided):
        return _conflict(exc)
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(_field_errors(exc))
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    response = drf_exception_handler(exc, context)
    if response is None:
        return None  # a programming error: Django's 500 handling, logged and mailed to the admins
    if isinstance(exc, exceptions.ValidationError):
        errors = response.data if isinstance(response.data, dict) else {NON_FIELD: response.data}
        response.data = body(
            status_code=response.status_code,
            code="invalid",
            message=_("The request is not valid: see the errors by field."),
            errors=errors,
        )
    else:
        codes = exc.get_codes()
        response.data = body(
            status_code=response.status_code,
            code=codes if isinstance(codes, str) else exc.default_code,
            message=exc.detail if isinstance(exc.detail, str) else exc.default_detail,
        )
    return response
