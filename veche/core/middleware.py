"""Request-wide middleware: request ids for logs, a strict Content Security Policy, and no null
characters in what a request carries."""

import re
import uuid
from collections.abc import Callable, Iterable

from django.conf import settings
from django.core.exceptions import (
    BadRequest,
    RequestDataTooBig,
    TooManyFieldsSent,
    TooManyFilesSent,
)
from django.db import DatabaseError

from veche.core.logging import request_id_var
from veche.core.maps import tile_origin

_SAFE_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")


class RequestIdMiddleware:
    """Tag each request with an id (the proxy's X-Request-ID when sane) for the logs."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.headers.get("X-Request-ID", "")
        request_id = incoming if _SAFE_REQUEST_ID.match(incoming) else uuid.uuid4().hex
        request.request_id = request_id
        token = request_id_var.set(request_id)
        try:
            response = self.get_response(request)
        finally:
            request_id_var.reset(token)
        response["X-Request-ID"] = request_id
        return response


# Where else a form of ours may be sent: an app whose forms are redirected to another origin
# (identity: sign-in at an identity provider) registers where, in its AppConfig.ready().
_form_action_sources: list[Callable[[], Iterable[str]]] = []


def register_form_action_origins(source: Callable[[], Iterable[str]]) -> None:
    """Add a callable that returns origins ("https://id.example") forms may be sent to; it is
    asked on every response, so it should be cached."""
    if source not in _form_action_sources:
        _form_action_sources.append(source)


def registered_form_action_origins() -> list[str]:
    return [origin for source in _form_action_sources for origin in source()]


def content_security_policy(
    form_action_origins: Iterable[str] = (), frame_ancestors: Iterable[str] = ()
) -> str:
    """The policy of every page; `frame_ancestors` are the origins that may frame it (the
    embeddable widgets' operator-managed list), none by default."""
    # A sign-in form posts to us and is redirected to the identity provider: Chromium applies
    # form-action to that redirect too, so the providers' origins must be allowed.
    form_action = " ".join(["'self'", *settings.CSP_FORM_ACTION_EXTRA, *form_action_origins])
    # Map tiles are images from the configured tile server (VECHE_MAP_TILE_URL).
    img_src = " ".join(source for source in ("'self' data:", tile_origin()) if source)
    directives = {
        "default-src": "'self'",
        "script-src": "'self'",
        "style-src": "'self'",
        "img-src": img_src,
        "font-src": "'self'",
        "connect-src": "'self'",
        "object-src": "'none'",
        "base-uri": "'self'",
        "form-action": form_action,
        "frame-ancestors": " ".join(frame_ancestors) or "'none'",
    }
    return "; ".join(f"{key} {value}" for key, value in directives.items())


class ContentSecurityPolicyMiddleware:
    """No inline scripts or styles, nothing from another origin but map tiles: the rest is ours."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        # The admin ships inline scripts of its own; it is for administrators only.
        if not request.path.startswith("/admin/"):
            try:
                origins = registered_form_action_origins()
            except DatabaseError:  # the page (a 500 or the health check) must still go out
                origins = []
            policy = content_security_policy(origins)
            response.setdefault("Content-Security-Policy", policy)
        response.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=(self)")
        return response


class RefuseNullCharactersMiddleware:
    """A null character in the address, a query or a form field is refused with a 400: no
    text of ours holds one, PostgreSQL refuses it in text (a server error wherever a value
    reaches a query unchecked), and it truncates strings in the tools that read our logs."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if "\x00" in request.path or _holds_null(request.GET):
            raise BadRequest("A null character in the request.")
        return self.get_response(request)

    def process_view(self, request, view, args, kwargs):
        """The form's fields once the view is known: a body past the upload limits is refused
        here with Django's page, unless the view answers such a body in its own format (the
        APIs: `answers_bad_bodies`), which then finds the refusal in `request.refused_body`."""
        try:
            holds = _holds_null(request.POST)
        except (RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent) as refusal:
            if not getattr(getattr(view, "cls", None), "answers_bad_bodies", False):
                raise
            request.refused_body = refusal
            return None
        if holds:
            raise BadRequest("A null character in the request.")
        return None


def _holds_null(query) -> bool:
    return any(
        "\x00" in key or any("\x00" in value for value in values) for key, values in query.lists()
    )
