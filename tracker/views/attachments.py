"""Attachments are downloaded only here, after the permission check; never from a public media URL."""

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404

from tracker import permissions


@login_required
def attachment_download(request, pk: int):
    attachment = permissions.get_visible_attachment(request.user, pk)
    try:
        handle = attachment.file.open("rb")
    except (FileNotFoundError, ValueError):
        raise Http404 from None
    response = FileResponse(
        handle, as_attachment=True, filename=attachment.original_name, content_type=attachment.content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response
