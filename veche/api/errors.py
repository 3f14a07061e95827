"""Every refusal of the API as RFC 9457 problem details, in the client's language: DRF's own
exceptions, and the services' refusals (PermissionDenied, ValidationError) said as they are."""

import json

from django.core.exceptions import (
    PermissionDenied,
    RequestDataTooBig,
    TooManyFieldsSent,
    TooManyFilesSent,
    ValidationError,
)
from django.http import Http404, HttpResponse
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions

from veche.core.errors import PROBLEMS
from veche.core.ratelimits import RateLimited

TITLES = {
    401: _("Authentication required"),
    406: _("This representation is not available"),
    409: _("This cannot be done now"),
    413: _("The request is too large"),
    415: _("This kind of content is not accepted"),
    422: _("The request was refused"),
}


def problem(status: int, detail, *, errors: dict | None = None, headers=None) -> HttpResponse:
    title = TITLES.get(status) or (PROBLEMS[status].title if status in PROBLEMS else "")
    body = {"type": "about:blank", "title": str(title), "status": status, "detail": str(detail)}
    if errors:
        body["errors"] = errors
    response = HttpResponse(
        json.dumps(body, ensure_ascii=False),
        status=status,
        content_type="application/problem+json",
    )
    for name, value in (headers or {}).items():
        response[name] = value
    return response


def _flatten(detail) -> dict:
    """DRF's error tree as {"field": ["message", …]}, messages as plain text."""
    if isinstance(detail, dict):
        return {str(key): [str(item) for item in _as_list(value)] for key, value in detail.items()}
    return {"non_field_errors": [str(item) for item in _as_list(detail)]}


def _as_list(value) -> list:
    if isinstance(value, dict):
        return [f"{key}: {item}" for key, items in value.items() for item in _as_list(items)]
    if isinstance(value, list):
        return [item for part in value for item in _as_list(part)]
    return [value]


def problem_details(exc, context):
    """DRF's EXCEPTION_HANDLER."""
    if isinstance(exc, Http404):
        return problem(404, PROBLEMS[404].text)
    if isinstance(exc, RequestDataTooBig):
        return problem(413, _("The request is too large."))
    if isinstance(exc, TooManyFieldsSent | TooManyFilesSent):
        return problem(400, _("The request has too many fields or files."))
    if isinstance(exc, RateLimited):  # a service's rate limit: wait, then try again
        return problem(429, str(exc), headers={"Retry-After": str(exc.retry_after)})
    if isinstance(exc, PermissionDenied):
        return problem(403, str(exc) or PROBLEMS[403].text)
    if isinstance(exc, ValidationError):
        if hasattr(exc, "error_dict"):
            errors = {
                key: [str(m) for m in ValidationError(v).messages]
                for key, v in exc.error_dict.items()
            }
            return problem(422, " ".join(m for ms in errors.values() for m in ms), errors=errors)
        return problem(422, " ".join(exc.messages))
    if isinstance(exc, exceptions.ValidationError):
        errors = _flatten(exc.detail)
        return problem(400, " ".join(m for ms in errors.values() for m in ms), errors=errors)
    if isinstance(exc, exceptions.APIException):
        headers = {}
        if isinstance(exc, exceptions.Throttled) and exc.wait is not None:
            headers["Retry-After"] = str(int(exc.wait) + 1)
        if isinstance(exc, exceptions.NotAuthenticated | exceptions.AuthenticationFailed):
            headers["WWW-Authenticate"] = 'Bearer realm="api"'
            return problem(401, exc.detail, headers=headers)
        detail = exc.detail if isinstance(exc.detail, str) else " ".join(_as_list(exc.detail))
        return problem(exc.status_code, detail, headers=headers)
    return None
