"""The cast of the moderation tests: a comment on a problem, a submission to a discussion, a
moderator, and pages read in English."""

import pytest
from django.utils import translation

from tests.factories import (
    make_discussion,
    make_organization,
    make_problem,
    make_resident,
    make_staff,
)
from veche.appeals.services import add_comment
from veche.discussions import services as discussions
from veche.organizations.models import Membership

COMMENT_TEXT = "Яма на **Баумана** — это позор."
SUBMISSION_TEXT = "Сохранить деревья вдоль улицы при реконструкции квартала."


@pytest.fixture(autouse=True)
def _in_english(client, settings):
    # Messages are asserted as written in the code; the site's own language is Russian.
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def comment():
    problem = make_problem()
    return add_comment(author=problem.author, problem=problem, text=COMMENT_TEXT)


@pytest.fixture
def submission():
    discussion = make_discussion()
    return discussions.submit(
        user=make_resident(discussion.territory),
        discussion=discussion,
        kind="proposal",
        text=SUBMISSION_TEXT,
    )


@pytest.fixture
def moderator():
    return make_staff(make_organization(), Membership.Role.MODERATOR)


@pytest.fixture
def resident(comment):
    return make_resident(comment.problem.territory)
