"""People around the operators' pages: an operator with the routing and dispatch permissions,
staff without them, and a resident and an official, who are no staff at all."""

from allauth.mfa.totp.internal.auth import TOTP
from django.contrib.auth.models import Group, Permission

from tests.factories import (
    make_organization,
    make_problem,
    make_resident,
    make_staff,
    make_territory,
    make_user,
)
from tests.sign_in import TOTP_SECRET
from veche.appeals.models import Dispatch
from veche.appeals.services import sign_appeal

ROUTING_MODELS = ("category", "responsibility", "appealpolicy", "dispatch")


def make_operator(*codenames: str, **fields):
    """Staff in a group holding `codenames` (default: every permission on the routing models)."""
    codenames = codenames or tuple(
        f"{action}_{model}"
        for model in ROUTING_MODELS
        for action in ("view", "add", "change", "delete")
    )
    group, _ = Group.objects.get_or_create(name=f"operators: {' '.join(sorted(codenames))}"[:150])
    group.permissions.set(
        Permission.objects.filter(content_type__app_label="appeals", codename__in=codenames)
    )
    user = make_user(is_staff=True, **fields)
    user.groups.add(group)
    TOTP.activate(user, TOTP_SECRET)
    return user


def people() -> dict:
    """Who asks for an operator's page: only the operator is let in."""
    office = make_organization()
    return {
        "resident": make_resident(make_territory()),
        "official": make_staff(office),
        "head": make_staff(office, "head"),
        "staff_without_powers": make_user(is_staff=True),
        "operator": make_operator(),
    }


def make_dispatch(*, district=None, **problem) -> Dispatch:
    """An appeal sent to its addressee at the threshold: a dispatch with its letter pending."""
    district = district or make_territory("kazan-vakhitovsky", en="Vakhitovsky District")
    appeal = make_problem(territory=district, threshold=2, **problem).current_appeal
    sign_appeal(user=make_resident(district), appeal=appeal)
    return Dispatch.objects.get(appeal=appeal)
