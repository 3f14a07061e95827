"""The GeoReport v2 endpoints. Thin: parse the standard's parameters, ask the queries or the
services, answer in the format the path names (`.json` or `.xml`); every refusal is an
`<errors>` document (a JSON array) with its HTTP status, in the language of Accept-Language."""

import datetime
import re
from decimal import Decimal, InvalidOperation

from django.core.exceptions import (
    PermissionDenied,
    RequestDataTooBig,
    TooManyFieldsSent,
    TooManyFilesSent,
    ValidationError,
)
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.text import Truncator
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from rest_framework import exceptions
from rest_framework.negotiation import BaseContentNegotiation, DefaultContentNegotiation
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser

from veche.api.base import ApiView
from veche.api.open311 import queries, services
from veche.api.open311.render import Open311Error, error_response, respond
from veche.api.throttles import AnonymousThrottle
from veche.appeals.forms import PLACE_KINDS, ProblemForm
from veche.appeals.models import Category, Problem
from veche.appeals.routing import route
from veche.core.ratelimits import RateLimited
from veche.territories.geo import territory_at
from veche.territories.models import Territory

SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"
CHANGESET = "2026-12-03T00:00:00Z"  # when this endpoint last changed what it answers
# The web form's fields by the names GeoReport v2 gives them, for the errors.
PARAMETERS = {
    "title": "attribute[title]",
    "appeal_text": "attribute[appeal_text]",
    "category": "service_code",
    "territory": "jurisdiction_id",
    "address": "address_string",
    "latitude": "lat",
    "longitude": "long",
    "photos": "media",
    "organization": "service_code",
}


class _FormatInPath(BaseContentNegotiation):
    """The format is the path's suffix, whatever the Accept header asks."""

    def select_parser(self, request, parsers):
        return DefaultContentNegotiation().select_parser(request, parsers)

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type


def _refusal(exc) -> Open311Error | None:
    if isinstance(exc, Open311Error):
        return exc
    if isinstance(exc, exceptions.Throttled):
        return Open311Error(429, exc.detail, headers={"Retry-After": str(int(exc.wait or 0) + 1)})
    if isinstance(exc, RateLimited):
        return Open311Error(429, str(exc), headers={"Retry-After": str(exc.retry_after)})
    if isinstance(exc, RequestDataTooBig):
        return Open311Error(413, _("The request is too large."))
    if isinstance(exc, TooManyFieldsSent | TooManyFilesSent):
        return Open311Error(400, _("The request has too many fields or files."))
    if isinstance(exc, PermissionDenied):
        return Open311Error(403, str(exc) or _("You may not do this."))
    if isinstance(exc, ValidationError):
        return Open311Error(400, *exc.messages)
    if isinstance(exc, Http404):
        return Open311Error(404, _("Not found."))
    if isinstance(exc, exceptions.APIException):
        return Open311Error(exc.status_code, str(exc.detail))
    return None


class Open311View(ApiView):
    authentication_classes = ()  # a POST names its resident by api_key
    permission_classes = ()
    throttle_classes = (AnonymousThrottle,)
    parser_classes = (FormParser, MultiPartParser, JSONParser)
    content_negotiation_class = _FormatInPath
    # GeoReport v2 is described by its own standard (docs/open311.md), not by API v1's schema.
    schema = None

    def handle_exception(self, exc):
        refusal = _refusal(exc)
        if refusal is None:
            return super().handle_exception(exc)
        return error_response(self.kwargs.get("fmt", "xml"), refusal)


def _territory(code: str) -> Territory:
    territory = Territory.objects.filter(code=code).first()
    if territory is None:
        raise Open311Error(404, _("jurisdiction_id “%(code)s” was not found.") % {"code": code})
    return territory


def _category(code: str, *, status: int) -> Category:
    if not code:
        raise Open311Error(400, _("service_code was not provided."))
    category = Category.objects.filter(slug=code).first()
    if category is None:
        raise Open311Error(status, _("service_code “%(code)s” was not found.") % {"code": code})
    return category


class Discovery(Open311View):
    def get(self, request, fmt: str):
        root = request.build_absolute_uri(reverse("open311:discovery", args=[fmt]))
        keys = request.build_absolute_uri(reverse("open311_keys:list"))
        return respond(
            fmt,
            "discovery",
            {
                "changeset": CHANGESET,
                "contact": _("The site's operators, through its contact page."),
                "key_service": _("Residents issue keys for their apps at %(url)s") % {"url": keys},
                "endpoints": [
                    {
                        "specification": SPECIFICATION,
                        "url": root.rsplit("/", 1)[0] + "/",
                        "changeset": CHANGESET,
                        "type": "production",
                        "formats": ["text/xml", "application/json"],
                    }
                ],
            },
        )


class Services(Open311View):
    def get(self, request, fmt: str):
        code = request.query_params.get("jurisdiction_id", "").strip()
        territory = _territory(code) if code else None
        return respond(fmt, "services", queries.services(territory))


class ServiceDefinition(Open311View):
    def get(self, request, fmt: str, code: str):
        category = _category(code, status=404)
        return respond(fmt, "service_definition", queries.service_definition(category))


def _list(params, name: str) -> list[str]:
    return [part.strip() for part in params.get(name, "").split(",") if part.strip()]


def _moment(params, name: str):
    value = params.get(name, "").strip()
    if not value:
        return None
    moment = parse_datetime(value)
    if moment is None and (day := parse_date(value)) is not None:
        moment = datetime.datetime.combine(day, datetime.time())
    if moment is None:
        raise Open311Error(400, _("%(name)s must be a date and time (ISO 8601).") % {"name": name})
    return timezone.make_aware(moment) if timezone.is_naive(moment) else moment


def _absolute(request):
    return request.build_absolute_uri


class Requests(Open311View):
    def get(self, request, fmt: str):
        params = request.query_params
        ids = _list(params, "service_request_id")
        if not all(part.isdigit() and len(part) < 12 for part in ids):
            raise Open311Error(400, _("service_request_id must be numbers, separated by commas."))
        statuses = _list(params, "status")
        if set(statuses) - {"open", "closed"}:
            raise Open311Error(400, _("status must be open or closed."))
        jurisdiction = params.get("jurisdiction_id", "").strip()
        if jurisdiction:
            _territory(jurisdiction)
        problems = queries.requests(
            ids=[int(part) for part in ids],
            codes=_list(params, "service_code"),
            statuses=statuses,
            start=_moment(params, "start_date"),
            end=_moment(params, "end_date"),
            territory=jurisdiction,
        )
        rows = [queries.as_request(problem, _absolute(request)) for problem in problems]
        return respond(fmt, "service_requests", rows)

    def post(self, request, fmt: str):
        data = request.data
        raw = str(data.get("api_key", "")).strip()
        if not raw:
            raise Open311Error(403, _("api_key was not provided."))
        key = services.key_for(raw)
        if key is None:
            raise Open311Error(403, _("api_key is not valid or was revoked."))
        category = _category(str(data.get("service_code", "")).strip(), status=400)
        territory = _place(data)
        organization = route(category, territory)
        if organization is None:
            raise Open311Error(
                400,
                _("Nobody in %(place)s answers for “%(service)s”.")
                % {"place": territory.title, "service": category.title},
            )
        form = ProblemForm(_form_data(data, category, territory, organization), _media(request))
        if not form.is_valid():
            raise Open311Error(
                400,
                *(
                    f"{PARAMETERS.get(field, field)}: {message}"
                    for field, messages in form.errors.items()
                    for message in messages
                ),
            )
        problem = services.file_request(
            key=key,
            organization=form.cleaned_data["organization"],
            language=(get_language() or "ru")[:2],
            **form.problem_fields(),
        )
        if problem.status == Problem.Status.AWAITING:
            # Not public until a moderator approves it: GeoReport v2's token stands for the id,
            # and GET tokens/{token} gives the id once the request is published.
            answer = {
                "token": queries.token_for(problem),
                "service_notice": _(
                    "The request awaits moderation before it is published; its id comes "
                    "from tokens/{token} once it is."
                ),
                "account_id": None,
            }
        else:
            answer = {
                "service_request_id": str(problem.pk),
                "service_notice": queries.notice(problem.current_appeal),
                "account_id": None,
            }
        return respond(fmt, "service_requests", [answer], status=201)


def _degrees(data, name: str, limit: int) -> Decimal | None:
    value = str(data.get(name, "")).strip().replace(",", ".")
    if not value:
        return None
    try:
        degrees = Decimal(value)
    except InvalidOperation:
        degrees = None
    if degrees is None or not degrees.is_finite() or abs(degrees) > limit:
        raise Open311Error(
            400,
            _("%(name)s must be a number of degrees between −%(limit)d and %(limit)d.")
            % {"name": name, "limit": limit},
        )
    return degrees


def _place(data) -> Territory:
    """The territory: jurisdiction_id, else the one whose boundary holds lat/long."""
    latitude, longitude = _degrees(data, "lat", 90), _degrees(data, "long", 180)
    if (latitude is None or longitude is None) and not str(data.get("address_string", "")).strip():
        raise Open311Error(400, _("Give lat and long, or address_string."))
    code = str(data.get("jurisdiction_id", "")).strip()
    if code:
        return _territory(code)
    territory = None
    if latitude is not None and longitude is not None:
        territory = territory_at(latitude, longitude, kinds=PLACE_KINDS)
    if territory is None:
        raise Open311Error(400, _("jurisdiction_id was not provided."))
    return territory


def _title(description: str) -> str:
    """The description's first line, or its first sentence when that says enough."""
    line = next((line.strip() for line in description.splitlines() if line.strip()), "")
    sentence = re.split(r"(?<=[.!?])\s", line, maxsplit=1)[0].rstrip(".")
    return Truncator(sentence if len(sentence) >= 10 else line).chars(200)


def _form_data(data, category, territory, organization) -> dict:
    """The web form's fields from GeoReport v2's parameters."""
    description = str(data.get("description", ""))
    title = str(data.get("attribute[title]", "")).strip() or _title(description)
    return {
        "title": title,
        "category": category.pk,
        "territory": territory.pk,
        "address": str(data.get("address_string", "")),
        "latitude": str(data.get("lat", "")),
        "longitude": str(data.get("long", "")),
        "description": description,
        "appeal_text": str(data.get("attribute[appeal_text]", "")).strip() or description,
        "organization": organization.pk,
    }


def _media(request) -> dict:
    """A photo sent along (multipart `media`), checked and stripped of EXIF by the form."""
    return {"photos": request.FILES.getlist("media")} if request.FILES else {}


class RequestDetail(Open311View):
    def get(self, request, fmt: str, pk: int):
        problems = list(queries.requests(ids=[int(pk)]))
        if not problems:
            raise Open311Error(404, _("service_request_id %(id)s was not found.") % {"id": pk})
        rows = [queries.as_request(problems[0], _absolute(request))]
        return respond(fmt, "service_requests", rows)


class Token(Open311View):
    def get(self, request, fmt: str, token: str):
        problem = queries.problem_of_token(token)
        if problem is None:
            raise Open311Error(404, _("token %(token)s was not found.") % {"token": token[:40]})
        if problem.status == Problem.Status.REFUSED:
            raise Open311Error(404, _("The request was refused publication by moderation."))
        published = problem.status != Problem.Status.AWAITING
        row = {"token": token, "service_request_id": str(problem.pk) if published else ""}
        return respond(fmt, "service_requests", [row])
