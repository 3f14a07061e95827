"""What a moderator hides leaves the stored dumps too: a problem's rows go from the problems and
answers of every day kept, a submission's text is emptied, the manifest's checksums and counts
follow the new files and say what was withdrawn, and the rest stays byte for byte."""

import datetime
import hashlib
import json

import pytest
from django.utils import timezone

from tests.factories import make_organization, make_staff
from tests.outbox import deliver_everything
from veche.core.audit import publish_head
from veche.core.models import OutboxMessage
from veche.moderation.models import Ground
from veche.moderation.services import hide_content
from veche.opendata import dumps, withdrawal
from veche.organizations.models import Membership

pytestmark = pytest.mark.django_db


@pytest.fixture
def moderator():
    return make_staff(make_organization(), Membership.Role.MODERATOR)


@pytest.fixture
def stored(city):
    """Two days of dumps on disk: yesterday's and today's, both written before the hiding."""
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    publish_head(day=yesterday)  # as yesterday's run did, before today's events
    dumps.dump_day(yesterday)
    return [dumps.dump_day().day, yesterday]


def files(day) -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in dumps.folder(day).iterdir()}


def json_rows(day, slug) -> list[dict]:
    return json.loads((dumps.folder(day) / f"{slug}.json").read_text())["rows"]


def csv_text(day, slug) -> str:
    return (dumps.folder(day) / f"{slug}.csv").read_text()


def test_a_problem_hidden_later_leaves_every_stored_day(city, stored, moderator):
    problem = city.problems["district"]
    before = {day: files(day) for day in stored}
    assert problem.title in csv_text(stored[0], "problems")
    hide_content(moderator=moderator, target=problem, ground=Ground.PERSONAL_DATA)
    assert OutboxMessage.objects.filter(kind=withdrawal.KIND).exists()  # queued, not done inline
    deliver_everything()
    for day in stored:
        assert problem.title not in csv_text(day, "problems")
        assert problem.pk not in {row["id"] for row in json_rows(day, "problems")}
        assert problem.pk not in {row["problem"] for row in json_rows(day, "answers")}
        manifest = dumps.manifest(day)
        for name in ("problems.csv", "problems.json", "answers.csv", "answers.json"):
            path = dumps.folder(day) / name
            assert manifest["sha256"][name] == hashlib.sha256(path.read_bytes()).hexdigest()
        assert manifest["rows"]["problems"] == len(json_rows(day, "problems"))
        [withdrawn] = manifest["withdrawn"]
        assert withdrawn["datasets"]["problems"]["rows_removed"] == 1
        # Everything else is as it was written.
        after = files(day)
        untouched = set(after) - {
            "problems.csv",
            "problems.json",
            "answers.csv",
            "answers.json",
            dumps.MANIFEST,
        }
        assert untouched and all(after[name] == before[day][name] for name in untouched)


def test_a_submission_hidden_later_keeps_its_place_without_its_text(city, stored, moderator):
    submission = city.submissions[0]
    assert submission.text in csv_text(stored[0], "submissions")
    hide_content(moderator=moderator, target=submission, ground=Ground.PERSONAL_DATA)
    deliver_everything()
    for day in stored:
        assert submission.text not in csv_text(day, "submissions")
        rows = {row["number"]: row for row in json_rows(day, "submissions")}
        assert (rows[submission.number]["text"], rows[submission.number]["hidden"]) == ("", True)
        assert len(rows) == len(city.submissions)  # its place stays
        sums = dumps.manifest(day)["sha256"]
        for name in ("submissions.csv", "submissions.json"):
            path = dumps.folder(day) / name
            assert sums[name] == hashlib.sha256(path.read_bytes()).hexdigest()


def test_a_second_pass_changes_nothing(city, stored, moderator):
    hide_content(moderator=moderator, target=city.problems["district"], ground=Ground.SPAM)
    deliver_everything()
    before = {day: files(day) for day in stored}
    assert withdrawal.withdraw_hidden() == {}
    assert {day: files(day) for day in stored} == before


def test_a_hiding_while_the_day_is_being_written_is_withdrawn_once_it_is_in_place(
    city, moderator, monkeypatch
):
    """The hiding's own withdrawal ran while today's folder was still a temporary one, so it
    found nothing to rewrite; the run that wrote the folder withdraws it once in place."""
    problem = city.problems["district"]
    write = dumps._write_folder

    def hidden_meanwhile(day, target, head):
        rows = write(day, target, head)  # read while the problem was public
        hide_content(moderator=moderator, target=problem, ground=Ground.PERSONAL_DATA)
        deliver_everything()  # the hiding's withdrawal: no stored day holds it yet
        return rows

    monkeypatch.setattr(dumps, "_write_folder", hidden_meanwhile)
    day = dumps.dump_day().day
    assert problem.title not in csv_text(day, "problems")
    assert dumps.manifest(day)["rows"]["problems"] == len(json_rows(day, "problems"))
