"""The complaint form finds its comment by the id in the address; a forged id is a 404."""

import pytest

from tests.factories import make_problem, make_user
from veche.appeals.services import add_comment

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("comment", ["abc", "-1", "99999999999999999999", "1e3", "²", "1 OR 1=1"])
def test_a_forged_comment_id_is_not_found(client, comment):
    client.force_login(make_user())
    assert client.get("/moderation/report/", {"comment": comment}).status_code == 404
    assert client.post("/moderation/report/", {"comment": comment}).status_code == 404


def test_a_comment_is_found_by_its_id(client):
    problem = make_problem()
    comment = add_comment(author=problem.author, problem=problem, text="Поддерживаю.")
    client.force_login(make_user())
    assert client.get("/moderation/report/", {"comment": str(comment.pk)}).status_code == 200
