"""The demo city loads, and loads again without duplicates (never in production:
test_demo_production.py)."""

import pytest
from allauth.account.models import EmailAddress
from django.core.management import call_command

from veche.accounts.models import User
from veche.appeals.models import Appeal, Problem, Signature
from veche.demo.city import ORGANIZATIONS, TERRITORIES, USERS
from veche.identity.models import Verification
from veche.opendata import dumps
from veche.organizations.models import Membership, Organization
from veche.territories.models import Territory

# One demo for the module (conftest.py, `demo_city`): a test that loads it again checks that a
# second load duplicates nothing.
pytestmark = [
    pytest.mark.django_db,
    pytest.mark.usefixtures("demo_city"),
    pytest.mark.xdist_group("demo"),
]


def test_demo_loads_kazan_with_its_seven_districts():
    kazan = Territory.objects.get(code="kazan")
    districts = kazan.children.filter(kind=Territory.Kind.DISTRICT)
    assert districts.count() == 7
    assert kazan.ancestors().first().code == "ru"


def test_demo_loads_organizations_in_a_tree_with_jurisdiction():
    vakhitovsky = Territory.objects.get(code="kazan-vakhitovsky")
    office = Organization.objects.get(slug="kazan-admin-vakhitovsky-privolzhsky")
    assert office.parent.slug == "kazan-executive-committee"
    assert vakhitovsky in office.jurisdiction.all()
    assert Organization.objects.filter(kind="municipal_company").count() >= 2


def test_demo_has_a_verified_account_for_every_role():
    roles = set(Membership.objects.values_list("role", flat=True))
    assert roles == {choice for choice, _label in Membership.Role.choices}
    assert User.objects.filter(is_superuser=True, email="admin@demo.veche.example").exists()
    emails = [spec[0] for spec in USERS]
    assert EmailAddress.objects.filter(verified=True, email__in=emails).count() == len(USERS)


def test_the_demo_is_on_the_database_a_fresh_install_has_whatever_ran_before():
    # A test that empties the database, if one ran before in this worker, took the rows the
    # migrations add with it (as the deletion below does); `demo_city` puts them back first, so
    # every module finds the same demo.
    from tests.migration_rows import migrations_with_rows, restore_migration_rows
    from veche.core.models import RateLimit

    defaults = {
        (action, scope)
        for module in migrations_with_rows()
        for action, scope, *_limits in module.DEFAULTS
    }
    assert {("census", "network"), ("replay", "account")} <= defaults  # found, not listed
    assert set(RateLimit.objects.values_list("action", "scope")) == defaults
    RateLimit.objects.all().delete()
    restore_migration_rows()
    assert set(RateLimit.objects.values_list("action", "scope")) == defaults


def test_loading_the_demo_twice_duplicates_nothing():
    counts = (
        User.objects.count(),
        EmailAddress.objects.count(),
        Problem.objects.count(),
        Signature.objects.count(),
        Verification.objects.count(),
    )
    call_command("demo")
    assert Territory.objects.count() == len(TERRITORIES)
    assert Organization.objects.count() == len(ORGANIZATIONS)
    assert (
        User.objects.count(),
        EmailAddress.objects.count(),
        Problem.objects.count(),
        Signature.objects.count(),
        Verification.objects.count(),
    ) == counts


def test_demo_shows_appeals_in_every_state():
    states = set(Appeal.objects.values_list("status", flat=True))
    assert {"collecting", "sent", "registered", "answered", "closed", "escalated"} <= states
    assert any(appeal.is_overdue for appeal in Appeal.objects.filter(status="registered"))
    assert any(appeal.rating_open for appeal in Appeal.objects.filter(status="answered"))
    assert Problem.objects.filter(status="solved").exists()
    escalated = Appeal.objects.get(status="escalated", missed_deadline="")
    assert escalated.escalation.organization == escalated.organization.parent


def test_demo_shows_an_appeal_escalated_as_overdue_and_one_under_control():
    late = Appeal.objects.get(status="escalated", missed_deadline="registration")
    assert late.registered_at is None
    assert late.escalation.organization == late.organization.parent
    assert late.escalation.signature_count > 1
    watched = Appeal.objects.get(under_control=True)
    assert watched.is_overdue
    assert watched.control_periods.get().lifted_at is None
    assert watched.messages.filter(audience="signatories", public=True).exists()


def test_demo_shows_support_after_dispatch_with_a_supplementary_list():
    from veche.appeals.models_support import SupplementaryList

    sent = Appeal.objects.get(problem__title="Остановка без навеса на проспекте Ямашева")
    assert sent.signature_count == 100
    [supplementary] = SupplementaryList.objects.filter(appeal=sent)
    assert (supplementary.first_number, supplementary.count) == (51, 50)


def test_demo_problems_have_a_place_inside_their_district_inside_kazan():
    from veche.territories.geo import boundary_contains

    kazan = Territory.objects.get(code="kazan")
    problems = list(Problem.objects.select_related("territory"))
    assert problems
    for problem in problems:
        assert problem.address
        assert boundary_contains(kazan.boundary, problem.latitude, problem.longitude), problem
        district = problem.territory.boundary
        assert boundary_contains(district, problem.latitude, problem.longitude), problem
    assert len({(p.latitude, p.longitude) for p in problems}) == len(problems)


def test_every_demo_district_is_drawn_inside_kazan_without_overlapping_another():
    """Maps without a tile server draw these outlines: the city must show as its districts."""
    from veche.territories.geo import boundary_contains

    districts = list(Territory.objects.filter(parent__code="kazan"))
    assert len(districts) == 7 and all(d.boundary for d in districts)
    kazan = Territory.objects.get(code="kazan").boundary
    # A grid of points over the city (off the corners' round numbers): each lies in one district.
    for step_lat in range(1, 28):
        for step_lon in range(1, 51):
            lat, lon = 55.6437 + step_lat * 0.01, 48.8537 + step_lon * 0.01
            if not boundary_contains(kazan, lat, lon):
                continue
            holders = [d.code for d in districts if boundary_contains(d.boundary, lat, lon)]
            assert len(holders) == 1, (lat, lon, holders)


def test_demo_shows_discussions_in_every_stage():
    from veche.discussions.models import Application, Discussion

    stages = {discussion.stage for discussion in Discussion.objects.all()}
    assert {"announced", "exposition", "intake", "review", "conclusion"} <= stages
    concluded = next(d for d in Discussion.objects.all() if d.stage == "conclusion")
    assert concluded.protocol_code and concluded.conclusion_code
    assert concluded.milestones.exists()
    assert Discussion.objects.filter(kind="hearing").exists()
    assert Application.objects.filter(status="pending").exists()


def test_the_demo_intake_has_a_proposal_under_debate():
    from veche.discussions.models import Discussion, Mark, Reply

    intake = next(d for d in Discussion.objects.all() if d.stage == "intake")
    debated = intake.submissions.get(number=1)
    assert Reply.objects.filter(submission=debated, parent__isnull=False).count() == 2
    assert Mark.objects.filter(submission=debated, kind="support").count() == 4
    assert Mark.objects.filter(submission=debated, kind="object").count() == 1


def test_the_demo_intake_has_an_open_vote_and_the_concluded_one_its_results():
    from veche.discussions import queries_votes
    from veche.discussions.models import Discussion
    from veche.discussions.records.content import protocol_record

    intake = next(d for d in Discussion.objects.all() if d.stage == "intake")
    running = queries_votes.questions_of(intake)
    assert {q.kind for q in running} == {"single", "multiple", "scale", "rank"}
    assert all(q.state == "open" and queries_votes.results(q) is None for q in running)
    assert queries_votes.voters_count(running[0]) == 14
    concluded = next(d for d in Discussion.objects.all() if d.stage == "conclusion")
    closed = queries_votes.questions_of(concluded)
    assert [queries_votes.results(q).voters for q in closed] == [23, 23, 23]
    assert len(protocol_record(concluded).votes) == 3


def test_the_demo_has_reports_in_the_moderators_queue_and_a_contest_to_decide():
    from veche.moderation import queries
    from veche.moderation.models import Contest

    call_command("demo")  # loads once
    kinds = {item.kind.key for item in queries.open_queue()}
    assert len(queries.open_queue()) == 4 and kinds == {"comment", "submission"}
    (contest,) = queries.pending_contests()
    moderator = User.objects.get(email="moderator@demo.veche.example")
    assert moderator.has_perm("moderation.decide_contest", contest)
    assert Contest.objects.count() == 1


def test_the_demo_administration_has_one_webhook_and_the_demo_says_how_to_use_it():
    import io

    from veche.api import webhooks
    from veche.api.models import WebhookDelivery, WebhookSubscription
    from veche.demo.api_clients import DEMO_WEBHOOK_SECRET, DEMO_WEBHOOK_URL, OFFICE

    printed = io.StringIO()
    call_command("demo", stdout=printed)
    subscription = WebhookSubscription.objects.get()  # once, after two loads
    assert (subscription.url, subscription.organization.slug) == (DEMO_WEBHOOK_URL, OFFICE)
    assert "appeal.registered" in subscription.events
    assert subscription.secret == DEMO_WEBHOOK_SECRET
    text = printed.getvalue()
    assert DEMO_WEBHOOK_URL in text and f"--secret {DEMO_WEBHOOK_SECRET}" in text
    # The appeal the demo sends to the administration waits for the receiver.
    delivery = WebhookDelivery.objects.get(event_type="appeal.dispatched")
    body = b'{"type":"appeal.dispatched"}'
    headers = {"webhook-id": delivery.message_id, "webhook-timestamp": "1700000000"}
    headers["webhook-signature"] = webhooks.sign(
        DEMO_WEBHOOK_SECRET, delivery.message_id, 1700000000, body
    )
    assert webhooks.verify(DEMO_WEBHOOK_SECRET, headers, body)
    assert not webhooks.verify(DEMO_WEBHOOK_SECRET, headers, body + b" ")


def test_demo_shows_a_problem_taken_up_by_a_deputy():
    from veche.appeals.models import TakeUp

    call_command("demo")
    [take_up] = TakeUp.objects.all()
    assert take_up.organization.kind == "deputy"
    assert take_up.problem.current_appeal.status == "collecting"
    assert take_up.document is not None


def test_the_demo_writes_its_first_open_data_dump():
    [day] = dumps.stored_days()
    assert dumps.manifest(day)["rows"]["problems"] > 0
    assert dumps.manifest(day)["rows"]["discussions"] > 0


def test_the_demo_hearing_held_its_meeting_online_and_published_its_record():
    from veche.discussions.meeting import embedded_origin
    from veche.discussions.models import Discussion, Submission

    held = Discussion.objects.get(kind="hearing", conclusion_published_at__isnull=False)
    assert held.meeting_record_published_at and held.meeting_minutes and held.recording_url
    assert held.submissions.filter(channel=Submission.Channel.MEETING_ONLINE).count() == 2
    coming = Discussion.objects.get(kind="hearing", conclusion_published_at__isnull=True)
    assert embedded_origin(coming) == "https://rutube.ru"
