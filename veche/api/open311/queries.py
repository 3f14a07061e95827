"""What Open311 reads show: categories as services, public problems as service requests.

A request carries exactly what the problem's public page shows — never the author, an e-mail or
an address of a person; hidden and draft problems are not there at all."""

import datetime

from django.core import signing
from django.db.models import Prefetch, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from veche.appeals import queries as appeals
from veche.appeals.models import Appeal, Category, Problem, ProblemPhoto
from veche.appeals.policy import policy_for
from veche.appeals.routing import route
from veche.territories.models import Territory

OPEN = [Problem.Status.PUBLISHED]
CLOSED = [Problem.Status.SOLVED, Problem.Status.PARTLY_SOLVED, Problem.Status.UNSOLVED]
# GeoReport v2: without dates, the last 90 days; never more than 1000 requests in one answer.
DEFAULT_DAYS = 90
MAX_REQUESTS = 1000

# The service definition: what a request may carry beside the standard fields.
ATTRIBUTES = (
    (
        "title",
        "string",
        1,
        gettext_lazy("A one-line title; the description's first line when not given."),
    ),
    (
        "appeal_text",
        "text",
        2,
        gettext_lazy(
            "The text of the collective appeal to the organization, at least 50 characters; "
            "the description when not given."
        ),
    ),
)


def _when(value) -> str | None:
    if value is None:
        return None
    return timezone.localtime(value).isoformat(timespec="seconds")


def _end_of(day: datetime.date | None) -> str | None:
    if day is None:
        return None
    moment = datetime.datetime.combine(day, datetime.time(23, 59, 59))
    return _when(timezone.make_aware(moment))


def services(territory: Territory | None) -> list[dict]:
    """Every category; in a territory, those somebody there answers for (routing)."""
    categories = list(Category.objects.all())
    if territory is not None:
        categories = [category for category in categories if route(category, territory)]
    return [
        {
            "service_code": category.slug,
            "service_name": category.title,
            "description": category.title,
            "metadata": True,
            "type": "realtime",
            "keywords": category.slug,
            "group": "",
        }
        for category in categories
    ]


def service_definition(category: Category) -> dict:
    return {
        "service_code": category.slug,
        "attributes": [
            {
                "variable": True,
                "code": code,
                "datatype": datatype,
                "required": False,
                "datatype_description": "",
                "order": order,
                "description": str(description),
            }
            for code, datatype, order, description in ATTRIBUTES
        ],
    }


def requests(
    *,
    ids: list[int] = (),
    codes: list[str] = (),
    statuses: list[str] = (),
    start=None,
    end=None,
    territory: str = "",
) -> QuerySet[Problem]:
    """Public problems as GeoReport v2 filters them, newest first. Ids alone ignore the rest."""
    queryset = appeals.filtered_problems(territory=territory)
    if ids:
        queryset = queryset.filter(pk__in=ids)
    else:
        if codes:
            queryset = queryset.filter(category__slug__in=codes)
        wanted = [s for status in statuses for s in (OPEN if status == "open" else CLOSED)]
        if wanted:
            queryset = queryset.filter(status__in=wanted)
        if start is None and end is None:
            start = timezone.now() - datetime.timedelta(days=DEFAULT_DAYS)
        if start is not None:
            queryset = queryset.filter(published_at__gte=start)
        if end is not None:
            queryset = queryset.filter(published_at__lte=end)
    return (
        queryset.select_related("category", "current_appeal__organization")
        .prefetch_related(Prefetch("photos", queryset=ProblemPhoto.objects.order_by("id")))
        .order_by("-published_at", "-id")[:MAX_REQUESTS]
    )


TOKEN_SALT = "veche.open311.token"  # noqa: S105 (a salt, not a secret)


def token_for(problem: Problem) -> str:
    """A request held by pre-moderation is named by a signed token, not by its id: nothing
    about it is public until a moderator approves it."""
    return signing.dumps(problem.pk, salt=TOKEN_SALT, compress=False)


def problem_of_token(token: str) -> Problem | None:
    """The problem a token of `token_for` names; None for a forged or mangled one."""
    try:
        pk = signing.loads(token, salt=TOKEN_SALT)
    except signing.BadSignature:
        return None
    if not isinstance(pk, int):
        return None
    return Problem.objects.filter(pk=pk).only("pk", "status").first()


def notice(appeal: Appeal | None) -> str:
    """What happens next, as the problem's page would say it."""
    if appeal is None:
        return ""
    if appeal.status == Appeal.Status.COLLECTING:
        return ngettext(
            "The appeal is sent to the organization once %(threshold)d resident signs it.",
            "The appeal is sent to the organization once %(threshold)d residents sign it.",
            appeal.signature_threshold,
        ) % {"threshold": appeal.signature_threshold}
    if appeal.status in (Appeal.Status.SENT, Appeal.Status.REGISTERED) and appeal.due_date:
        return _("The organization must answer by %(date)s.") % {
            "date": appeal.due_date.isoformat()
        }
    if appeal.status == Appeal.Status.SENT:
        days = policy_for(appeal.organization).answer_days
        return ngettext(
            "The organization must answer within %(days)d day.",
            "The organization must answer within %(days)d days.",
            days,
        ) % {"days": days}
    return ""


def _status_notes(problem: Problem, appeal: Appeal | None) -> str:
    if problem.status != Problem.Status.PUBLISHED or appeal is None:
        return capfirst(problem.get_status_display())
    notes = capfirst(appeal.get_status_display())
    if appeal.status == Appeal.Status.COLLECTING:
        return ngettext(
            "%(status)s: %(count)d of %(threshold)d signature.",
            "%(status)s: %(count)d of %(threshold)d signatures.",
            appeal.signature_threshold,
        ) % {
            "status": notes,
            "count": appeal.signature_count,
            "threshold": appeal.signature_threshold,
        }
    if appeal.registration_number:
        return _("%(status)s under No. %(number)s.") % {
            "status": notes,
            "number": appeal.registration_number,
        }
    return notes


def as_request(problem: Problem, build_url) -> dict:
    """One service request of GeoReport v2; `build_url` makes a path absolute."""
    appeal = problem.current_appeal
    moments = [problem.published_at, problem.closed_at]
    if appeal is not None:
        moments += [appeal.sent_at, appeal.registered_at, appeal.answered_at]
    photos = list(problem.photos.all())
    return {
        "service_request_id": str(problem.pk),
        "status": "open" if problem.status in OPEN else "closed",
        "status_notes": _status_notes(problem, appeal),
        "service_name": problem.category.title,
        "service_code": problem.category.slug,
        "description": problem.description,
        "agency_responsible": appeal.organization.title if appeal is not None else "",
        "service_notice": notice(appeal) if problem.status in OPEN else "",
        "requested_datetime": _when(problem.published_at),
        "updated_datetime": _when(max(moment for moment in moments if moment is not None)),
        "expected_datetime": _end_of(appeal.due_date if appeal is not None else None),
        "address": problem.address,
        "address_id": "",
        "zipcode": "",
        "lat": float(problem.latitude) if problem.latitude is not None else None,
        "long": float(problem.longitude) if problem.longitude is not None else None,
        "media_url": build_url(reverse("appeals:photo", args=[photos[0].pk])) if photos else "",
        "url": build_url(problem.get_absolute_url()),
    }
