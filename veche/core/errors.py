"""Veche's own answers to every refusal and failure: a page in the person's language with a way
back, or, for the API and for clients that ask for JSON, RFC 9457 problem details.

Django calls the `handler*` names of the root URLconf (`veche/urls.py`); allauth's sign-in rate
limit calls `handler429`; `CSRF_FAILURE_VIEW` points at `csrf_failure`; a 405 from
`require_POST` and friends has an empty body, which `ErrorPageMiddleware` fills. Pages for
failures of the server itself (500, 503) use a bare layout that asks the database nothing, since
the database may be what failed. An htmx request (the sign button, a mark, a recommendation)
gets a fragment instead of a page: `veche.js` shows it by the form that sent the request."""

import json
import sys
from dataclasses import dataclass

from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext_lazy as _
from django.views.decorators.csrf import requires_csrf_token


@dataclass(frozen=True)
class Problem:
    status: int
    title: str  # lazy translations
    text: str
    # Failures of the server itself: rendered without the header, which reads the database.
    bare: bool = False
    # Words for a refusal shown by the button or form that sent the request (`wants_fragment`),
    # where the page's own would speak of a page the person never left; None: the page's.
    action_title: str | None = None
    action_text: str | None = None


PROBLEMS = {
    400: Problem(
        400,
        _("The request could not be understood"),
        _("Something in the address or the form was malformed. Go back and try again."),
        action_text=_("Something in the form was malformed. Reload the page and try again."),
    ),
    403: Problem(
        403,
        _("You may not open this page"),
        _(
            "Your account does not have access to it. If you think it should, sign in with "
            "another account or ask the organization that runs this page."
        ),
        action_title=_("You may not do this"),
        action_text=_(
            "Your account does not have the right to do it. If you think it should, sign in "
            "with another account or ask the organization that runs this page."
        ),
    ),
    404: Problem(
        404,
        _("Page not found"),
        _("The address may be mistyped, or the page was removed or hidden."),
        action_title=_("Not found"),
        action_text=_(
            "What you acted on was removed or hidden meanwhile. Reload the page to see how it "
            "stands now."
        ),
    ),
    405: Problem(
        405,
        _("This action cannot be done this way"),
        _("The page does not accept this kind of request. Use the buttons on the page instead."),
    ),
    429: Problem(
        429,
        _("Too many attempts"),
        _("You tried this too often in a short time. Wait a few minutes and try again."),
    ),
    500: Problem(
        500,
        _("Something went wrong on our side"),
        _("It is not your fault: the error has been recorded. Try again in a few minutes."),
        bare=True,
    ),
    503: Problem(
        503,
        _("Veche is very busy right now"),
        _(
            "Too many people are using it at this moment. Nothing was saved from this request: "
            "wait a few seconds and try again."
        ),
        bare=True,
    ),
}

CSRF_TITLE = _("The form was not accepted")
CSRF_TEXT = _(
    "The form was open for too long or was sent from another site, so it was not accepted and "
    "nothing changed. Go back, reload the page and send the form again."
)
# The same, shown by the form on the page it was sent from.
CSRF_ACTION_TEXT = _(
    "The page was open for too long or the form came from another site; nothing changed. "
    "Reload the page and send the form again."
)


def wants_json(request) -> bool:
    """The API and programs that ask for JSON get problem details instead of a page."""
    if request.path.startswith("/api/"):
        return True
    accept = request.headers.get("Accept", "")
    return "json" in accept and "html" not in accept


def wants_fragment(request) -> bool:
    """An htmx request from a form or link of a page: its refusal is shown on that page, by the
    form that sent it, rather than as a page of its own (which htmx would not show at all)."""
    headers = request.headers
    return headers.get("HX-Request") == "true" and headers.get("HX-Boosted") != "true"


def problem_response(
    request, status: int, *, title=None, text=None, headers=None, resend_after=None
) -> HttpResponse:
    """The refusal for `request`: problem details, an htmx fragment or a page. `title` and
    `text` replace the status's own words for people (problem details keep the status's title,
    which names its kind). `resend_after` (seconds): nothing of the request was carried out,
    and the page may send it again by itself after that long, as the fragment tells the
    person."""
    problem = PROBLEMS[status]
    if wants_json(request):
        body = {"type": "about:blank", "title": str(problem.title), "status": status}
        body["detail"] = str(text or problem.text)
        response = HttpResponse(
            json.dumps(body, ensure_ascii=False),
            status=status,
            content_type="application/problem+json",
        )
    elif wants_fragment(request):
        context = {
            "title": title or problem.action_title or problem.title,
            "text": text or problem.action_text or problem.text,
            "resend_after": resend_after,
        }
        html = render_to_string("core/_request_error.html", context)
        response = HttpResponse(html, status=status)
    else:
        template = "core/error_bare.html" if problem.bare else "core/error.html"
        context = {
            "problem": problem,
            "title": title or problem.title,
            "text": text or problem.text,
            "request": request,
        }
        # The bare layout renders without context processors: no database, no session.
        if problem.bare:
            html = render_to_string(template, context)
        else:
            html = render_to_string(template, context, request=request)
        response = HttpResponse(html, status=status)
    for name, value in (headers or {}).items():
        response[name] = value
    # Problem details, a fragment or a page, by these headers: a cache in between must not give
    # one where another was asked for.
    patch_vary_headers(response, ["Accept", "HX-Request", "HX-Boosted"])
    return response


@requires_csrf_token
def bad_request(request, exception=None):
    return problem_response(request, 400)


@requires_csrf_token
def permission_denied(request, exception=None):
    retry_after = getattr(exception, "retry_after", None)
    if retry_after is not None:  # over a rate limit (veche.core.ratelimits.RateLimited)
        return problem_response(
            request, 429, text=str(exception), headers={"Retry-After": str(retry_after)}
        )
    return problem_response(request, 403)


@requires_csrf_token
def page_not_found(request, exception=None):
    return problem_response(request, 404)


DATABASE_TEXT = _(
    "Veche cannot reach its database for a moment. Wait a few seconds and try again; if you "
    "were sending something, reload the page first to see whether it was saved."
)


def server_error(request):
    """A database out of reach for a moment (a restart, a failover) is an outage to wait out,
    not a fault of the page: 503 with Retry-After, so that people and proxies try again."""
    from django.conf import settings
    from django.db import InterfaceError, OperationalError

    if isinstance(sys.exc_info()[1], (OperationalError, InterfaceError)):
        retry = {"Retry-After": str(settings.VECHE_RETRY_AFTER_SECONDS)}
        return problem_response(request, 503, text=DATABASE_TEXT, headers=retry)
    return problem_response(request, 500)


@requires_csrf_token
def too_many_requests(request, exception=None):
    return problem_response(request, 429, headers={"Retry-After": "60"})


@requires_csrf_token
def csrf_failure(request, reason=""):
    text = CSRF_ACTION_TEXT if wants_fragment(request) else CSRF_TEXT
    return problem_response(request, 403, title=CSRF_TITLE, text=text)


class ErrorPageMiddleware:
    """Gives bodiless refusals (a 405 from `require_POST`, a 429 or 503 answered without a page)
    Veche's page or problem details, keeping their headers (`Allow`, `Retry-After`)."""

    FILLED = (405, 429, 503)

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code in self.FILLED and not response.streaming and not response.content:
            filled = problem_response(request, response.status_code)
            for name in ("Allow", "Retry-After"):
                if name in response:
                    filled[name] = response[name]
            return filled
        return response
