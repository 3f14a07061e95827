"""Every address of the site answers hostile input (huge and negative numbers, words for ids, null
bytes, control characters, 100 kB strings, direction marks, repeated parameters) with a 4xx or a
form error, never a server error.

The walker enumerates every URL pattern from the resolver, fills its path converters with ids of
real objects of a small seeded world and with hostile values, and sends GET and POST requests with
query strings and form fields drawn from a hostile corpus, as an anonymous visitor, a resident, an
official (who also organizes discussions) and a staff administrator. Each request runs in a
savepoint that is rolled back, so the world stays the same for the next one. All failures are
reported together, one line per URL, method and place in the code."""

import re
import traceback
import zlib
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import quote

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from django.http import HttpResponse
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, path
from django.urls.resolvers import LocalePrefixPattern, RegexPattern, RoutePattern
from django.views.generic import RedirectView
from django.views.static import serve

from tests.factories import (
    discussion_dates,
    make_discussion,
    make_organization,
    make_problem,
    make_resident,
    make_staff,
    make_territory,
    make_user,
    tiny_pdf,
)
from tests.sign_in import enter
from veche.organizations.models import Membership

CORPUS = [
    "99999999999999999999",
    "-1",
    "0",
    "1e309",
    "abc",
    "1;DROP TABLE x",
    "\r\nSet-Cookie: x=1",
    "\x01\x1b[31m",
    "A" * 100_000,
    "9" * 5000,
    "\u202e\u2066abc\u2069",
    "\U0001f600\u200d\U0001f525",
    "../../etc/passwd",
    "<script>alert(1)</script>",
    "%00",
    "NaN",
    "[]",
    "{}",
    "-99999999999999999999",
    "2147483648",
    "",
]
# Refused before any view runs (veche.core.middleware.RefuseNullCharactersMiddleware): mixed
# into the rows above, one of some forty parameters would hold one in nearly every request, and
# the rows would test that refusal alone. They get requests of their own.
NULLS = ["\x00", "a\x00b"]

# Names of parameters many views read, besides those found in the code and on the pages.
GENERIC_NAMES = [
    "page",
    "q",
    "sort",
    "territory",
    "organization",
    "category",
    "status",
    "comment",
    "next",
    "lang",
    "language",
    "kind",
    "year",
    "section",
    "code",
]

HOSTILE_PATH_VALUES = {
    "int": ["0", "99999999999999999999", "2147483648"],
    "other": ["abc", "\x00", "\u202e\u2066", "A" * 2000, "%00", "1;DROP TABLE x"],
}

ROLES = ["anonymous", "resident", "official", "admin"]
PUBLIC = ("anonymous", "resident")
# The corpus is sampled, not crossed with every parameter: each request gives every parameter
# a different value, and the rows move on with the role, so that the four roles together try
# every value of the corpus on each parameter of each address (a Latin square, not a product).
GET_ROWS_PER_ROLE = -(-len(CORPUS) // 4)
POST_ROWS_PER_ROLE = 2
PATH_VALUES_PER_ROLE = 2
REPEATED = 1500  # more than Django's limit of form fields, to see it refused cleanly

_SOURCE = Path(__file__).resolve().parents[2] / "veche"
_READ = re.compile(r"""request\.(?:GET|POST)(?:\.get|\.getlist|\.pop)?[\[(]\s*["'](\w+)["']""")


def _names_read_by_views() -> list[str]:
    """Parameter names the code reads straight from the request."""
    names = set()
    for module in _SOURCE.rglob("*.py"):
        if "tests" in module.parts:
            continue
        names.update(_READ.findall(module.read_text(encoding="utf-8")))
    return sorted(names)


class _Fields(HTMLParser):
    """A page's form fields with a plausible value each (what is filled in or first offered), so
    that a POST can be valid but for the hostile values put in some of its fields."""

    def __init__(self):
        super().__init__()
        self.values: dict[str, str] = {}
        self._select: str | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        name = attrs.get("name")
        if tag == "option" and self._select and attrs.get("value"):
            self.values.setdefault(self._select, attrs["value"])
        if not name or name == "csrfmiddlewaretoken" or tag not in _FIELD_TAGS:
            return
        if tag == "select":
            self._select = name
        elif tag == "textarea":
            self.values.setdefault(name, "Текст для проверки.")
        elif attrs.get("type") != "file":
            self.values.setdefault(name, attrs.get("value") or "Проверка")

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None


_FIELD_TAGS = ("input", "select", "textarea", "button")


def _fields(response) -> dict[str, str]:
    if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
        return {}
    if getattr(response, "streaming", False):
        return {}
    parser = _Fields()
    parser.feed(response.content.decode("utf-8", "replace"))
    return parser.values


# --- the URL patterns --------------------------------------------------------------------------

_ROUTE_PART = re.compile(r"<(?:(?P<converter>\w+):)?(?P<name>\w+)>")
_REGEX_GROUP = re.compile(r"\(\?P<(?P<name>\w+)>(?P<body>[^()]*)\)")


class Address:
    """One URL pattern, flattened: its name, its pieces and what it calls."""

    def __init__(self, name, pieces, callback):
        self.name = name
        self.pieces = pieces  # (kind, text) where kind is "route" or "regex"
        self.callback = callback

    @property
    def kwargs(self) -> list[tuple[str, str]]:
        """(name, kind) of each value the address takes; kind is "int" or "other"."""
        found = []
        for kind, text in self.pieces:
            if kind == "route":
                for match in _ROUTE_PART.finditer(text):
                    converter = match["converter"] or "str"
                    found.append((match["name"], "int" if converter == "int" else "other"))
            else:
                for match in _REGEX_GROUP.finditer(text):
                    found.append((match["name"], "other"))
        return found

    def regex_choices(self, kwarg: str) -> list[str]:
        for kind, text in self.pieces:
            if kind == "regex":
                for match in _REGEX_GROUP.finditer(text):
                    if match["name"] == kwarg and "|" in match["body"]:
                        return match["body"].split("|")
        return []

    def path(self, values: dict[str, str]) -> str:
        out = "/"
        for kind, text in self.pieces:
            if kind == "route":
                out += _ROUTE_PART.sub(lambda m: quote(values[m["name"]], safe=""), text)
            else:
                text = _REGEX_GROUP.sub(lambda m: quote(values[m["name"]], safe=""), text)
                out += text.lstrip("^").rstrip("$").replace("\\", "")
        return out

    def __repr__(self):
        return f"{self.name} {self.path({name: '…' for name, _ in self.kwargs})}"


def _addresses() -> list[Address]:
    found = []

    def walk(patterns, pieces, namespace):
        for pattern in patterns:
            here = pattern.pattern
            if isinstance(here, LocalePrefixPattern):
                piece = ("route", here.language_prefix)
            elif isinstance(here, RoutePattern):
                piece = ("route", str(here))
            elif isinstance(here, RegexPattern):
                piece = ("regex", here._regex)
            else:  # pragma: no cover - a new kind of pattern must be taught to the walker
                raise AssertionError(f"Unknown pattern {here!r}")
            if isinstance(pattern, URLResolver):
                inner = namespace
                if pattern.namespace:
                    inner = f"{namespace}:{pattern.namespace}" if namespace else pattern.namespace
                walk(pattern.url_patterns, [*pieces, piece], inner)
            elif isinstance(pattern, URLPattern):
                name = pattern.name or f"(unnamed {pattern.lookup_str})"
                name = f"{namespace}:{name}" if namespace else name
                found.append(Address(name, [*pieces, piece], pattern.callback))

    walk(get_resolver().url_patterns, [], "")
    return found


# --- the world ---------------------------------------------------------------------------------


def _seed_world() -> dict:
    """A small world with one of everything the addresses take an id of."""

    from tests.sign_in import with_second_factor
    from veche.appeals import services as appeals
    from veche.appeals.documents import appeal_pdf
    from veche.appeals.models import Answer
    from veche.discussions import services as discussions
    from veche.discussions.models import Discussion, Material
    from veche.discussions.tests.organizer_cast import (
        file_application,
        make_legal_entity_representative,
    )
    from veche.documents.models import IssuedDocument
    from veche.identity.models import PropertyClaim
    from veche.notifications.models import Notification
    from veche.notifications.services import unsubscribe_token

    city = make_territory("hostile-city", kind="city")
    district = make_territory("hostile-district", parent=city)
    organization = make_organization("hostile-authority", jurisdiction=[city, district])
    make_organization("hostile-department", parent=organization, jurisdiction=[district])
    official = make_staff(organization, Membership.Role.OFFICIAL)
    for role in (Membership.Role.HEAD, Membership.Role.ORGANIZER, Membership.Role.MODERATOR):
        Membership.objects.create(user=official, organization=organization, role=role)
    with_second_factor(official)
    admin = make_user(is_staff=True, is_superuser=True)
    with_second_factor(admin)
    resident = make_resident(district)
    neighbour = make_resident(district)

    problem = make_problem(author=resident, organization=organization, territory=district)
    appeal = problem.current_appeal
    appeals.sign_appeal(user=neighbour, appeal=appeal)
    proposal = appeals.propose_edit(
        user=neighbour, appeal=appeal, text=appeal.revisions.get().text + " Срочно."
    )
    comment = appeals.add_comment(author=neighbour, problem=problem, text="Поддерживаю.")
    sent = make_problem(organization=organization, territory=district).current_appeal
    appeals.send_appeal_now(author=sent.problem.author, appeal=sent)
    appeals.register_appeal(official=official, appeal=sent, registration_number="ВХ-1/26")
    sent.refresh_from_db()
    appeals.answer_appeal(
        official=official,
        appeal=sent,
        kind=Answer.Kind.INTERIM,
        text="Работы запланированы.",
        attachments=[SimpleUploadedFile("plan.pdf", tiny_pdf(1), "application/pdf")],
    )
    answer = sent.answers.get()

    discussion = make_discussion(
        territory=district, organizer=organization, organizer_user=official
    )
    submission = discussions.submit(
        user=resident, discussion=discussion, kind="proposal", text="Сохранить деревья во дворе."
    )
    # A second discussion whose intake has closed: the organizer's review pages act on it.
    reviewed = make_discussion(territory=district, organizer=organization, organizer_user=official)
    under_review = discussions.submit(
        user=neighbour, discussion=reviewed, kind="remark", text="Мало парковок."
    )
    Discussion.objects.filter(pk=reviewed.pk).update(**discussion_dates("review"))
    applicant = make_legal_entity_representative()
    application = file_application(applicant, organization, district)
    claim = PropertyClaim.objects.create(
        user=neighbour,
        territory=district,
        kind=PropertyClaim.Kind.BUILDING,
        cadastral_number="16:50:011101:123",
        document=SimpleUploadedFile("deed.pdf", tiny_pdf(1), "application/pdf"),
    )
    appeal_pdf(sent, for_addressee=False)  # issues a document with a code to verify
    document = IssuedDocument.objects.order_by("pk").first()
    notification = Notification.objects.filter(user=resident).order_by("pk").first()
    attachment = answer.attachments.first()
    return {
        "users": {"resident": resident, "official": official, "admin": admin},
        "problem": problem,
        "appeal": appeal,
        "sent": sent,
        "answer": answer,
        "proposal": proposal,
        "comment": comment,
        "discussion": discussion,
        "submission": submission,
        "reviewed": reviewed,
        "under_review": under_review,
        "material": Material.objects.filter(discussion=discussion).first(),
        "application": application,
        "claim": claim,
        "document": document,
        "notification": notification,
        "token": unsubscribe_token(resident),
        "territory": district,
        "organization": organization,
        "attachment": attachment,
    }


_REVIEW_ADDRESSES = [
    f"discussions:{name}"
    for name in (
        "review",
        "sign_protocol",
        "publish_conclusion",
        "progress",
        "protocol_pdf",
        "protocol_draft_pdf",
        "annex_pdf",
        "protocol_docx",
        "extract_pdf",
    )
]


def _real_values(address: Address, world: dict) -> dict[str, str]:
    """Valid values for the address's path: ids of the seeded world's objects."""
    name = address.name
    by_name = {
        "identity:": {"pk": world["claim"].pk},
        "appeals:photo": {"pk": 1},
        "appeals:answer_attachment": {"pk": world["attachment"].pk},
        "appeals:answer_pdf": {"answer_id": world["answer"].pk},
        "appeals:appeal_": {"appeal_id": world["sent"].pk},
        "appeals:": {"pk": world["problem"].pk, "proposal_id": world["proposal"].pk},
        "discussions:submission": {"pk": world["submission"].pk},
        "discussions:answer": {"pk": world["submission"].pk},
        "discussions:recommend": {"pk": world["under_review"].pk},
        "discussions:material_file": {"pk": world["material"].pk},
        "discussions:add_material_version": {"pk": world["material"].pk},
        "discussions:decide_application": {"pk": world["application"].pk},
        "discussions:application_document": {"pk": world["application"].pk},
        **{name: {"pk": world["reviewed"].pk} for name in _REVIEW_ADDRESSES},
        "discussions:": {"pk": world["discussion"].pk},
        "cabinet:": {"pk": world["sent"].pk},
        "documents:": {"code": world["document"].code},
        "notifications:": {"token": world["token"]},
        "territories:": {"code": world["territory"].code},
        "organizations:": {"slug": world["organization"].slug},
    }
    known = next((values for prefix, values in by_name.items() if name.startswith(prefix)), {})
    model_admin = getattr(address.callback, "model_admin", None)
    values = {}
    for kwarg, _kind in address.kwargs:
        if kwarg in known:
            values[kwarg] = str(known[kwarg])
        elif choices := address.regex_choices(kwarg):
            values[kwarg] = choices[0]
        elif kwarg == "object_id" and model_admin is not None:
            first = model_admin.model._default_manager.order_by("pk").first()
            values[kwarg] = str(first.pk) if first else "1"
        elif kwarg == "content_type_id":
            from django.contrib.contenttypes.models import ContentType

            values[kwarg] = str(ContentType.objects.get_for_model(world["problem"]).pk)
        elif kwarg == "object_id":
            values[kwarg] = str(world["problem"].pk)
        elif kwarg == "provider_id":
            values[kwarg] = "esia"
        else:
            values[kwarg] = "1"
    return values


def _send(client, method: str, path: str, data):
    """One request in a savepoint rolled back afterwards: the world stays as seeded."""
    with transaction.atomic():
        response = getattr(client, method)(path, data)
        transaction.set_rollback(True)
    return response.status_code, getattr(response, "exc_info", None), response


def _where(exc_info) -> tuple[str, str]:
    """The exception with the last frame of our code (or the last frame at all) it came from,
    and its message."""
    if not exc_info:
        return "no exception recorded", ""
    kind, error, trace = exc_info
    frames = traceback.extract_tb(trace)
    ours = [frame for frame in frames if "/veche/" in frame.filename] or frames
    frame = ours[-1]
    return f"{kind.__name__} at {frame.filename}:{frame.lineno} {frame.name}", str(error)[:160]


def _short(value) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "…"


def _seed(name: str) -> int:
    return zlib.crc32(name.encode())


def _hostile(name: str, row: int) -> str:
    """The corpus value for parameter `name` in request `row`: for one name, consecutive rows
    give consecutive values; in one row, names get different ones."""
    return CORPUS[(_seed(name) + row) % len(CORPUS)]


def _walk(role: str, world: dict, reached: dict | None = None, hostile: bool = True) -> list[str]:
    """Every address with hostile values, as `role`; one line per distinct failure. The status
    of each address's plain GET is put in `reached`, by name; `hostile=False` sends only that."""
    user = world["users"].get(role)
    read = _names_read_by_views()
    failures: dict[tuple, str] = {}
    role_index = ROLES.index(role)

    def check(client, address, method, path, data):
        status, exc_info, response = _send(client, method, path, data)
        if status >= 500:
            place, message = _where(exc_info)
            key = (address.name, method, place)
            if key not in failures:
                hostile = {k: _short(v) for k, v in dict(data).items() if v in CORPUS + NULLS}
                failures[key] = (
                    f"{address.name} {method.upper()} {_short(path)} → {status}: {place}: "
                    f"{message!r} with {hostile}"
                )
        return response

    for index, address in enumerate(_addresses()):
        if address.callback is serve:
            continue  # Django's development view for media, routed only when DEBUG is on
        if address.name.startswith("admin:") and role not in ("anonymous", "admin"):
            continue  # the admin's sign-in page for the signed-in non-staff, as for anonymous
        cache.clear()  # rate limits would hide what lies behind them
        client = Client(raise_request_exception=False)
        if user is not None:
            enter(client, user)
        real = _real_values(address, world)
        path = address.path(real)
        baseline = check(client, address, "get", path, {})
        if reached is not None:
            reached[address.name] = baseline.status_code
        if not hostile:
            continue
        if address.name.startswith("admin:") and role != "admin":
            continue  # the admin only sends everyone else to its sign-in page, as tried above
        if address.name.startswith("admin:") and _view_class(address) is RedirectView:
            continue  # the admin's old change addresses: Django's redirect, nothing of ours
        fields = _fields(baseline)
        names = sorted(set(GENERIC_NAMES) | set(read) | set(fields))
        first = role_index * GET_ROWS_PER_ROLE
        # The admin's history and deletion pages are Django's views, which read no parameter
        # Veche's code sees: they get the hostile form fields and path values, not the queries.
        reads_queries = not address.name.endswith(("_history", "_delete"))
        for row in range(first, first + GET_ROWS_PER_ROLE if reads_queries else first):
            data = {name: _hostile(name, row) for name in names}
            check(client, address, "get", path, data)
        first = index + role_index * POST_ROWS_PER_ROLE
        for row in range(first, first + POST_ROWS_PER_ROLE):
            # Half the fields hostile, the rest as the page offered them, to get past the
            # first refusal into the code behind it.
            data = {
                name: _hostile(name, row) if (_seed(name) + row) % 2 else fields.get(name, "1")
                for name in names
            }
            check(client, address, "post", path, data)
        for kwarg, kind in address.kwargs:
            values = HOSTILE_PATH_VALUES[kind]
            for row in range(PATH_VALUES_PER_ROLE):
                value = values[(index + role_index * PATH_VALUES_PER_ROLE + row) % len(values)]
                hostile = address.path({**real, kwarg: value})
                check(client, address, "get", hostile, {})
                check(client, address, "post", hostile, {})
        if index % len(ROLES) == role_index:
            check(client, address, "get", path, {"page": ["1"] * REPEATED})
            check(client, address, "post", path, {"page": ["1"] * REPEATED})
        else:
            data = {name: NULLS[(_seed(name) + index) % len(NULLS)] for name in names}
            check(client, address, "get", path, data)
            check(client, address, "post", path, data)
    return sorted(failures.values())


def _view_class(address: Address):
    return getattr(address.callback, "view_class", None)


@pytest.fixture
def _site_url(settings):
    settings.SITE_URL = "https://veche.example.org"


# The staff's walks are the longest (the admin's 200 addresses, the cabinets) and go through the
# same views on either database: they run on PostgreSQL, the production database, whose refusals
# (a null character, an integer out of range) are the stricter; the public's run on both.
STAFF_ON_POSTGRESQL = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="the staff's walks run on PostgreSQL (the production database) to keep the suite short",
)


@pytest.mark.django_db
@pytest.mark.usefixtures("_site_url")
@pytest.mark.parametrize(
    "role",
    [role if role in PUBLIC else pytest.param(role, marks=STAFF_ON_POSTGRESQL) for role in ROLES],
)
def test_no_address_answers_hostile_input_with_a_server_error(role):
    world = _seed_world()
    reached = {}
    failures = _walk(role, world, reached)
    assert not failures, f"{len(failures)} server errors as {role}:\n" + "\n".join(failures)


# --- the walker itself --------------------------------------------------------------------------


def _reads_the_page_carelessly(request, pk):
    int(request.GET.get("page", "1"))  # the bug the walker is there to find
    return HttpResponse("ok")


# Only this address: including veche.urls here would import it while the tests are collected,
# under the settings of development (DEBUG adds its media pattern) rather than of the tests.
urlpatterns = [path("careless/<int:pk>/", _reads_the_page_carelessly, name="careless")]


def test_the_walker_finds_every_app_and_the_admin():
    names = {address.name for address in _addresses()}
    assert {
        "core:home",
        "appeals:list",
        "discussions:detail",
        "cabinet:appeal",
        "moderation:report",
        "documents:document",
        "account_login",
        "admin:index",
        "admin:organizations_organization_change",
    } <= names


@pytest.mark.django_db
@pytest.mark.usefixtures("_site_url")
def test_the_walker_reports_a_view_that_fails_on_hostile_input(settings):
    world = _seed_world()  # with the site's addresses, which seeding links to
    settings.ROOT_URLCONF = __name__
    failures = _walk("anonymous", world)
    assert failures
    assert all(line.startswith("careless GET '/careless/") for line in failures)
    assert "ValueError at" in failures[0]
    assert "_reads_the_page_carelessly" in failures[0]


# Pages an official of the seeded world opens: the walker must reach each with real ids.
SEEDED_PAGES = {
    "appeals:problem",
    "cabinet:appeal",
    "discussions:detail",
    "discussions:review",
    "discussions:submission",
    "identity:claim_document",
    "documents:document",
    "territories:detail",
    "organizations:detail",
}


@pytest.mark.django_db
@pytest.mark.usefixtures("_site_url")
def test_the_walker_reaches_the_pages_of_the_seeded_world():
    """The ids it fills in are real: an official's pages open, so hostile values reach them."""
    reached = {}
    _walk("official", _seed_world(), reached, hostile=False)
    assert {name for name in SEEDED_PAGES if reached.get(name) == 200} == SEEDED_PAGES
