"""The migration to generic targets carries every existing complaint over to the comment it was
about, and going back restores the comment column."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from tests.factories import make_user
from veche.moderation.models import Complaint
from veche.moderation.services import report_content

BEFORE = ("moderation", "0001_initial")
# Back to the latest migration, so that the tables added after the targets are there again.
AFTER = ("moderation", "0006_premoderation_and_lifting_blocks")


def migrate(target):
    executor = MigrationExecutor(connection)
    executor.migrate([target])
    return executor.loader.project_state([target]).apps


@pytest.mark.django_db(transaction=True)
def test_existing_complaints_become_complaints_about_their_comment(comment, submission):
    reporter = make_user()
    old_apps = migrate(BEFORE)
    try:
        old = old_apps.get_model("moderation", "Complaint")
        old.objects.create(comment_id=comment.pk, reporter_id=reporter.pk, reason="abuse")
    finally:
        migrate(AFTER)
    complaint = Complaint.objects.get()
    assert (complaint.target, complaint.reporter, complaint.reason) == (comment, reporter, "abuse")


@pytest.mark.django_db(transaction=True)
def test_going_back_keeps_the_complaints_about_comments(comment, submission):
    reporter = make_user()
    report_content(reporter=reporter, target=comment, reason="spam")
    report_content(reporter=reporter, target=submission, reason="spam")
    try:
        old = migrate(BEFORE).get_model("moderation", "Complaint")
        assert list(old.objects.values_list("comment_id", "reason")) == [(comment.pk, "spam")]
    finally:
        migrate(AFTER)
    assert Complaint.objects.get().target == comment
