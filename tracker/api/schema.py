"""The OpenAPI schema: drf-spectacular's, with every operation's error answers described."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular import openapi
from drf_spectacular.utils import OpenApiResponse
from rest_framework.permissions import AllowAny

ERRORS = {
    "400": _("The request is not valid (bad field, filter or page size); `errors` says what, by field."),
    "401": _("No valid credentials: send `Authorization: Token <key>` or sign in."),
    "403": _("Signed in, but not allowed to do this."),
    "404": _("No such object, or it belongs to another mission; or no such page."),
    "415": _("The body is not JSON."),
    "429": _("Too many requests: wait for the number of seconds in Retry-After."),
}


class AutoSchema(openapi.AutoSchema):
    def _get_response_bodies(self, direction="response"):
        from tracker.api.serializers import ErrorSerializer

        responses = super()._get_response_bodies(direction)
        codes = ["400", "403", "404", "429"]
        if not any(isinstance(p, type) and issubclass(p, AllowAny) for p in self.view.permission_classes):
            codes.append("401")
        if self.method in ("POST", "PUT", "PATCH"):
            codes.append("415")
        for code in sorted(codes):
            responses.setdefault(
                code,
                self._get_response_for_code(
                    OpenApiResponse(response=ErrorSerializer, description=str(ERRORS[code])), code, direction=direction
                ),
            )
        return responses
