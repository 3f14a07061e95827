"""What every API view shares: the call log of clients, strong ETags on reads, and pages."""

import hashlib

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import HttpResponseNotModified
from rest_framework.exceptions import NotFound
from rest_framework.pagination import CursorPagination
from rest_framework.views import APIView

from veche.api import services


class ApiView(APIView):
    """Logs every call of a client, whatever its answer; answers a read with a strong ETag and
    a repeated read whose ETag the client holds with 304 Not Modified. A body past the upload
    limits is refused in the API's own format, not with the site's HTML page."""

    answers_bad_bodies = True

    def initial(self, request, *args, **kwargs):
        refusal = getattr(request._request, "refused_body", None)
        if refusal is not None:
            raise refusal
        super().initial(request, *args, **kwargs)

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        client = getattr(request._request, "api_client", None)
        if client is not None:
            services.record_call(
                client=client,
                method=request.method,
                path=request.get_full_path(),
                status=response.status_code,
            )
        if request.method in ("GET", "HEAD") and response.status_code == 200:
            response = self._conditional(request, response)
        return response

    def _conditional(self, request, response):
        if getattr(response, "streaming", False):
            return response
        if hasattr(response, "render") and not response.is_rendered:
            response.render()
        etag = '"' + hashlib.sha256(response.content).hexdigest()[:40] + '"'
        response["ETag"] = etag
        response["Vary"] = "Accept, Accept-Language, Authorization"
        asked = request.headers.get("If-None-Match", "")
        if etag in [tag.strip().removeprefix("W/") for tag in asked.split(",")]:
            not_modified = HttpResponseNotModified()
            not_modified["ETag"] = etag
            not_modified["Vary"] = response["Vary"]
            return not_modified
        return response


class Cursor(CursorPagination):
    """Pages by cursor: a page deep in a long list costs what the first does, and rows added
    meanwhile neither repeat nor vanish between pages."""

    ordering = ("-id",)

    def get_page_size(self, request) -> int:
        return settings.VECHE_API_PAGE_SIZE

    def paginate_queryset(self, queryset, request, view=None):
        self.queryset = queryset  # the cursor's position is read as its ordering field's value
        return super().paginate_queryset(queryset, request, view)

    def decode_cursor(self, request):
        """The cursor, whose position (a value of the first ordering field, as the client sent
        it back) must be one the database can compare: anything else is 404, like a cursor
        that does not decode, never a server error."""
        cursor = super().decode_cursor(request)
        if cursor is None or cursor.position is None:
            return cursor
        name = self.ordering[0].lstrip("-")
        annotation = self.queryset.query.annotations.get(name)
        field = (
            annotation.output_field
            if annotation is not None
            else self.queryset.model._meta.get_field(name)
        )
        try:
            value = field.to_python(cursor.position)
            field.run_validators(value)  # an integer's range in this database, among others
        except ValidationError:
            raise NotFound(self.invalid_cursor_message) from None
        if value is None:
            raise NotFound(self.invalid_cursor_message)
        return cursor


class NewestFirst(Cursor):
    ordering = ("-published_at", "-id")


class MostSupported(Cursor):
    """Problems by their current appeal's signatures (annotated `support`), most first. The
    support moves while a reader pages: a problem signed meanwhile may show on two pages."""

    ordering = ("-support", "-id")


class ByNumber(Cursor):
    ordering = ("number",)
