"""Who may moderate (`moderation.moderate`): the matrix of roles."""

import pytest
import rules
from django.contrib.auth.models import AnonymousUser

from tests.factories import make_organization, make_staff, make_user
from veche.organizations.models import Membership

pytestmark = pytest.mark.django_db
Role = Membership.Role


@pytest.mark.parametrize(
    ("person", "may"),
    [
        (lambda: AnonymousUser(), False),
        (lambda: make_user(), False),
        (lambda: make_user(is_staff=True), False),
        (lambda: make_staff(make_organization(), Role.OFFICIAL), False),
        (lambda: make_staff(make_organization(), Role.HEAD), False),
        (lambda: make_staff(make_organization(), Role.ORGANIZER), False),
        (lambda: make_staff(make_organization(), Role.MODERATOR), True),
        (lambda: make_user(is_superuser=True), True),
    ],
    ids=[
        "anonymous",
        "resident",
        "staff",
        "official",
        "head",
        "organizer",
        "moderator",
        "superuser",
    ],
)
def test_who_may_moderate(person, may):
    user = person()
    assert rules.has_perm("moderation.moderate", user) is may
    assert user.has_perm("moderation.moderate") is may
