"""Vietnamese first: the language is the one the person chose, else Vietnamese, never the browser's guess."""

from django.conf import settings
from django.middleware.locale import LocaleMiddleware
from django.utils import translation


class ChosenLanguageMiddleware(LocaleMiddleware):
    """Like Django's LocaleMiddleware, but Accept-Language is not consulted.

    Mission staff abroad often have phones set to the host country's language; the product is Vietnamese
    unless the person chose otherwise (the portal's language switch, or their profile at log-in, sets the
    language cookie). The API, used by other systems, honours their Accept-Language header.
    """

    def process_request(self, request):
        code = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME) or settings.LANGUAGE_CODE
        if request.path_info.startswith("/api/") and request.META.get("HTTP_ACCEPT_LANGUAGE"):
            # Other systems say which language they want their messages in.
            code = translation.get_language_from_request(request)
        try:
            code = translation.get_supported_language_variant(code)
        except LookupError:
            code = settings.LANGUAGE_CODE
        translation.activate(code)
        request.LANGUAGE_CODE = translation.get_language()
