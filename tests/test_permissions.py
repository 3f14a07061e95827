"""The permission rules are the only door: every registered permission is asked somewhere, every
permission asked is registered, no code outside the `rules.py` files calls a predicate, staff
roles are read in one place, once per request, and each role is let through exactly the doors
of the matrix below (asked of the rules, as the views and services ask them).

Pages are checked against the same roles beside each app (cabinet/tests/test_authorization.py,
identity/tests/test_authorization.py, reporting/tests/test_dashboard_access.py, …).
"""

import ast
import importlib
import re
from pathlib import Path

import pytest
import rules
from django.apps import apps
from django.contrib.auth.models import AnonymousUser

from tests.factories import (
    make_discussion,
    make_organization,
    make_problem,
    make_resident,
    make_staff,
    make_territory,
    make_user,
)
from veche.api.models import WebhookSubscription
from veche.appeals import services
from veche.appeals.models import Answer
from veche.cabinet.actions import ACTIONS
from veche.core.navigation import workspace_links
from veche.discussions.models import Application
from veche.identity.models import PropertyClaim
from veche.moderation.models import Contest, Decision
from veche.organizations.models import CabinetApplication, Membership
from veche.organizations.rules import forget_roles, holds_role, holds_role_over

SOURCE = Path(__file__).resolve().parent.parent / "veche"
Role = Membership.Role


def _veche_app_labels() -> set[str]:
    return {config.label for config in apps.get_app_configs() if config.name.startswith("veche.")}


def registered() -> set[str]:
    """The django-rules permissions of Veche's apps."""
    labels = _veche_app_labels()
    return {name for name in rules.permissions.permissions if name.split(".")[0] in labels}


def _code_files(*suffixes: str) -> list[Path]:
    """Veche's own code, without its tests and migrations."""
    return [
        path
        for suffix in suffixes
        for path in SOURCE.rglob(f"*{suffix}")
        if "tests" not in path.parts and "migrations" not in path.parts
    ]


def _rules_file(path: Path) -> bool:
    return path.name == "rules.py"


# --- Every permission is asked, and every permission asked exists ----------------------------


def test_every_registered_permission_is_asked_somewhere():
    """A permission registered but asked nowhere is a rule nobody enforces."""
    code = "\n".join(
        path.read_text(encoding="utf-8")
        for path in _code_files(".py", ".html")
        if not _rules_file(path)
    )
    unasked = sorted(
        name for name in registered() if f'"{name}"' not in code and f"'{name}'" not in code
    )
    assert not unasked, f"registered in a rules.py but asked nowhere: {unasked}"


HAS_PERM = re.compile(r"(\w+)\.has_perm\(\s*\"([\w.]+)\"")


def _model_permissions() -> set[str]:
    """Django's model permissions (`app.add_model`, `Meta.permissions`), which `user.has_perm`
    answers through the model backend."""
    found = set()
    for model in apps.get_models():
        meta = model._meta
        found |= {
            f"{meta.app_label}.{action}_{meta.model_name}" for action in meta.default_permissions
        }
        found |= {f"{meta.app_label}.{codename}" for codename, _label in meta.permissions}
    return found


def test_every_permission_asked_is_registered():
    """`has_perm` with a misspelt name says no to everyone, silently."""
    rules_permissions, model_permissions = registered(), _model_permissions()
    unknown = []
    for path in _code_files(".py"):
        for asker, name in HAS_PERM.findall(path.read_text(encoding="utf-8")):
            # `rules.has_perm` asks the rules alone; `user.has_perm` asks Django's backends too.
            known = rules_permissions if asker == "rules" else rules_permissions | model_permissions
            if name not in known:
                unknown.append(f"{path.relative_to(SOURCE)}: {name}")
    assert not unknown


def test_the_registries_name_registered_permissions():
    """The header's workspaces and the cabinet's actions name the permission they are asked by."""
    named = {link.permission for link in workspace_links()}
    named |= {action.gate for action in ACTIONS.values()}
    named |= {action.permission for action in ACTIONS.values()}
    assert named - registered() == set()


# --- Predicates stay in the rules ------------------------------------------------------------


def _imports_of_rules(tree: ast.Module):
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            if node.module.startswith("veche.") and node.module.endswith(".rules"):
                for alias in node.names:
                    yield node.module, alias.name
            elif node.module.startswith("veche."):
                for alias in node.names:
                    if alias.name == "rules":
                        yield f"{node.module}.rules", "*"
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith("veche.") and alias.name.endswith(".rules"):
                    yield alias.name, "*"


def test_no_code_outside_the_rules_calls_a_predicate():
    """Views, services and queries ask `has_perm`; only rules (and other predicates) call
    predicates. Constants and plain helpers of a rules module may be imported."""
    offenders = []
    for path in _code_files(".py"):
        if _rules_file(path):
            continue
        for module, name in _imports_of_rules(ast.parse(path.read_text(encoding="utf-8"))):
            target = getattr(importlib.import_module(module), name, None) if name != "*" else None
            if name == "*" or isinstance(target, rules.Predicate):
                offenders.append(f"{path.relative_to(SOURCE)}: {module}.{name}")
    assert not offenders


def test_staff_roles_are_read_only_by_the_organizations_rules():
    """Every other app's rules ask `holds_role` and its family instead of querying memberships."""
    readers = []
    for path in _code_files(".py"):
        if not _rules_file(path) or path.parent.name == "organizations":
            continue
        text = path.read_text(encoding="utf-8")
        if "Membership.objects" in text or "memberships__" in text or ".memberships" in text:
            readers.append(str(path.relative_to(SOURCE)))
    assert not readers


# --- One query answers every role question of a request ---------------------------------------


@pytest.mark.django_db
def test_one_query_answers_every_role_question_about_a_person(django_assert_num_queries):
    office = make_organization("office")
    official = make_staff(office, Role.OFFICIAL)
    Membership.objects.create(user=official, organization=make_organization(), role=Role.EXPERT)
    forget_roles(official)
    holds_role(make_user(), roles=Role.HEAD)  # the shared set of members, as a server holds it
    with django_assert_num_queries(1):
        assert rules.has_perm("cabinet.enter", official)
        assert not rules.has_perm("cabinet.see_subordinates", official)
        assert not rules.has_perm("discussions.organize", official)
        assert not rules.has_perm("reporting.view_dashboard", official)
        assert holds_role(official, office, roles=Role.OFFICIAL)
        assert holds_role(official, roles=[Role.EXPERT, Role.HEAD])
        assert not holds_role(official, office.pk, roles=Role.EXPERT)


@pytest.mark.django_db
def test_a_role_granted_or_taken_is_seen_by_the_same_user_object():
    office = make_organization("office")
    person = make_user()
    assert not rules.has_perm("cabinet.enter", person)
    membership = Membership.objects.create(user=person, organization=office, role=Role.OFFICIAL)
    assert rules.has_perm("cabinet.enter", person)
    membership.delete()
    assert not rules.has_perm("cabinet.enter", person)


@pytest.mark.django_db
def test_a_role_over_an_organization_is_held_in_it_or_above_it():
    city = make_organization("city")
    district = make_organization("district", parent=city)
    office = make_organization("office", parent=district)
    head_of_district = make_staff(district, Role.HEAD)
    assert holds_role_over(head_of_district, office, roles=Role.HEAD)
    assert holds_role_over(head_of_district, district, roles=Role.HEAD)
    assert not holds_role_over(head_of_district, city, roles=Role.HEAD)
    assert not holds_role_over(head_of_district, office, roles=Role.OFFICIAL)


def test_visitors_hold_no_role():
    assert not holds_role(AnonymousUser(), roles=list(Role))


# --- The matrix: who is let through which door -------------------------------------------------

PEOPLE = [
    "anonymous",
    "resident",
    "author",
    "signatory",
    "official_of_office",
    "head_of_office",
    "head_above",
    "official_elsewhere",
    "organizer_of_office",
    "expert_of_discussion",
    "moderator",
    "staff",
    "superuser",
]
OFFICE_STAFF = {"official_of_office", "head_of_office"}
HEADS = {"head_of_office", "head_above"}
ORGANIZERS = {"organizer_of_office", "head_of_office"}  # heads organize too

# permission → (the object it is asked about, the people it lets through)
MATRIX = {
    "appeals.view_problem": ("problem", set(PEOPLE)),
    "appeals.view_answer": ("answer", set(PEOPLE)),
    # A problem held for pre-moderation or refused there: its author and the moderators.
    "appeals.view_unpublished_problem": ("problem", {"author", "moderator", "superuser"}),
    "appeals.edit_appeal": ("appeal", {"author"}),
    "appeals.send_appeal": ("appeal", {"author"}),
    "appeals.close_appeal": ("appeal", {"author"}),
    "appeals.escalate_appeal": ("appeal", {"author"}),
    # The author signs the appeal on publishing it.
    "appeals.propose_edit": ("appeal", {"author", "signatory"}),
    "appeals.rate_answer": ("appeal", {"author", "signatory"}),
    "appeals.act_as_addressee": ("appeal", OFFICE_STAFF),
    # Once, and only while the due date has not passed (appeals/tests/test_extension_rules.py).
    "appeals.extend_deadline": ("registered_appeal", OFFICE_STAFF),
    "appeals.see_signatories_data": ("appeal", OFFICE_STAFF),
    # The author of this appeal, who sends it himself; never its signatory.
    "appeals.take_full_copy": ("self_sent_appeal", {"author"} | OFFICE_STAFF),
    "appeals.correspond": ("appeal", {"author"} | OFFICE_STAFF),
    "appeals.message_signatories": ("appeal", OFFICE_STAFF),
    "appeals.take_under_control": ("appeal", HEADS),
    # Heads of the organization that took control, or above it (here: nobody took it, so the
    # addressee's heads and those above it).
    "appeals.lift_control": ("appeal", HEADS),
    # Heads and officials of any organization but the addressee take a problem up publicly.
    "appeals.take_up_problem": ("problem", {"head_above", "official_elsewhere"}),
    "cabinet.enter": (None, OFFICE_STAFF | HEADS | {"official_elsewhere"}),
    "cabinet.see_subordinates": (None, HEADS),
    "cabinet.view_appeal": ("sent_appeal", OFFICE_STAFF | HEADS),
    "cabinet.see_applicants": ("sent_appeal", OFFICE_STAFF | HEADS),
    "cabinet.act_on_appeal": ("sent_appeal", OFFICE_STAFF),
    "cabinet.register_appeal": ("sent_appeal", OFFICE_STAFF),
    "cabinet.message_author": ("sent_appeal", OFFICE_STAFF),
    "cabinet.message_signatories": ("sent_appeal", OFFICE_STAFF),
    "cabinet.answer_appeal": ("registered_appeal", OFFICE_STAFF),
    "cabinet.extend_deadline": ("registered_appeal", OFFICE_STAFF),
    "cabinet.forward_appeal": ("registered_appeal", OFFICE_STAFF),
    "cabinet.take_under_control": ("sent_appeal", HEADS),
    "discussions.organize": (None, ORGANIZERS | {"head_above"}),
    "discussions.organize_for": ("office", ORGANIZERS),
    "discussions.manage_discussion": ("discussion", ORGANIZERS),
    "discussions.register_submission": ("discussion", ORGANIZERS | {"official_of_office"}),
    "discussions.answer_question": ("discussion", ORGANIZERS | {"expert_of_discussion"}),
    "discussions.view_application": ("application", ORGANIZERS | {"resident"}),
    "discussions.decide_application": ("application", ORGANIZERS),
    "moderation.moderate": (None, {"moderator", "superuser"}),
    # Where signatures come from, and counting out those that are not genuine: moderators.
    "appeals.watch_signing": (None, {"moderator", "superuser"}),
    "appeals.invalidate_signatures": (None, {"moderator", "superuser"}),
    # The author of the hidden comment contests; a moderator other than the one who hid it
    # decides (test_contests.py: the one who hid it may not).
    "moderation.contest_decision": ("decision", {"author"}),
    "moderation.decide_contest": ("contest", {"moderator", "superuser"}),
    "reporting.view_dashboard": (None, HEADS | {"organizer_of_office", "staff", "superuser"}),
    "identity.review_property_claims": (None, {"organizer_of_office"}),
    "identity.review_property_claim": ("claim", {"organizer_of_office", "superuser"}),
    "identity.view_claim_document": ("claim", {"organizer_of_office", "superuser", "resident"}),
    # Residents are census-verified; staff made by the factories are not verified at all.
    "cabinet.apply_for_cabinet": (None, {"resident", "author", "signatory"}),
    "cabinet.manage_staff": (None, HEADS),
    "cabinet.manage_staff_of": ("office", {"head_of_office"}),
    # API clients act as officials; only the head issues and revokes them.
    "api.manage_clients": (None, HEADS),
    "api.manage_clients_of": ("office", {"head_of_office"}),
    "api.manage_webhooks_of": ("office", {"head_of_office"}),
    # Anyone signed in may give an app an Open311 key; eligibility is asked when it files.
    "api.hold_open311_keys": (None, set(PEOPLE) - {"anonymous"}),
    # Subscribers: anyone signed in with a confirmed e-mail (everyone here has one).
    "api.hold_webhooks": (None, set(PEOPLE) - {"anonymous"}),
    # One endpoint: the head of its organization, or its person (a subscriber's own).
    "api.manage_webhook": ("office_webhook", {"head_of_office"}),
    "api.manage_webhook@person": ("person_webhook", {"resident"}),
    # Staff without the granted permission review nothing; nobody decides their own.
    "organizations.review_applications": (None, {"superuser"}),
    "organizations.review_application": ("cabinet_application", {"superuser"}),
    "organizations.view_application": ("cabinet_application", {"resident", "superuser"}),
    # The sites that may embed the widgets: staff granted the model permission (superusers hold it).
    "embeds.manage_origins": (None, {"superuser"}),
    "discussions.manage_broadcast_origins": (None, {"superuser"}),
}


@pytest.fixture
def world(db):
    district = make_territory("district")
    city_hall = make_organization("city-hall")
    office = make_organization("office", parent=city_hall, jurisdiction=[district])
    resident = make_resident(district)
    people = {
        "anonymous": AnonymousUser(),
        "resident": resident,
        "author": make_resident(district),
        "signatory": make_resident(district),
        "official_of_office": make_staff(office, Role.OFFICIAL),
        "head_of_office": make_staff(office, Role.HEAD),
        "head_above": make_staff(city_hall, Role.HEAD),
        "official_elsewhere": make_staff(make_organization("elsewhere"), Role.OFFICIAL),
        "organizer_of_office": make_staff(office, Role.ORGANIZER),
        "expert_of_discussion": make_staff(office, Role.EXPERT),
        "moderator": make_staff(make_organization("forum"), Role.MODERATOR),
        "staff": make_user(is_staff=True),
        "superuser": make_user(is_staff=True, is_superuser=True),
    }
    problem = make_problem(author=people["author"], organization=office, territory=district)
    appeal = problem.current_appeal
    services.sign_appeal(user=people["signatory"], appeal=appeal)
    sent = make_problem(organization=office, territory=district).current_appeal
    services.send_appeal_now(author=sent.problem.author, appeal=sent)
    sent.refresh_from_db()
    self_sent = make_problem(
        author=people["author"], organization=office, territory=district
    ).current_appeal
    services.sign_appeal(user=people["signatory"], appeal=self_sent)
    services.record_sent_by_author(author=people["author"], appeal=self_sent)
    self_sent.refresh_from_db()
    registered = make_problem(organization=office, territory=district).current_appeal
    services.send_appeal_now(author=registered.problem.author, appeal=registered)
    services.register_appeal(
        official=people["official_of_office"], appeal=registered, registration_number="ВХ-1"
    )
    registered.refresh_from_db()
    answer = Answer.objects.create(
        appeal=appeal,
        organization=office,
        official=people["official_of_office"],
        kind="interim",
        text="Отремонтируем.",
    )
    discussion = make_discussion(
        territory=district,
        organizer=office,
        organizer_user=people["organizer_of_office"],
        experts=[people["expert_of_discussion"]],
    )
    decision = Decision(
        action=Decision.Action.HIDE,
        ground="spam",
        author=people["author"],
        moderator=make_staff(make_organization("another-forum"), Role.MODERATOR),
    )
    objects = {
        "problem": problem,
        "appeal": appeal,
        "sent_appeal": sent,
        "self_sent_appeal": self_sent,
        "registered_appeal": registered,
        "answer": answer,
        "office": office,
        "office_webhook": WebhookSubscription(organization=office),
        "person_webhook": WebhookSubscription(person=resident),
        "discussion": discussion,
        "application": Application(applicant=resident, organization=office, territory=district),
        "claim": PropertyClaim(user=resident, territory=district),
        "cabinet_application": CabinetApplication(applicant=resident, kind="ngo"),
        "decision": decision,
        "contest": Contest(decision=decision, author=people["author"], text="Нет."),
    }
    return people, objects


def test_the_matrix_names_every_registered_permission_with_a_role_rule():
    """Census uploads and rebinding follow Django's model permissions an administrator grants;
    identity/tests/test_authorization.py walks them. Every other permission is in the matrix."""
    assert registered() - {name.split("@")[0] for name in MATRIX} == {
        "identity.upload_census",
        "identity.rebind",
    }


@pytest.mark.parametrize("permission", list(MATRIX))
def test_each_permission_lets_through_exactly_its_people(world, permission):
    people, objects = world
    asked_about, allowed = MATRIX[permission]
    target = () if asked_about is None else (objects[asked_about],)
    let_through = {
        name
        for name, person in people.items()
        if rules.has_perm(permission.split("@")[0], person, *target)
    }
    assert let_through == allowed
