"""The migration that gave notices a generic subject keeps each existing notice's appeal."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from tests.factories import make_appeal
from veche.notifications.models import Notification

from .builders import make_notification, person

BEFORE = ("notifications", "0001_initial")
AFTER = ("notifications", "0002_notification_subject_and_events")


@pytest.mark.django_db(transaction=True)
def test_notices_keep_their_appeal_as_subject_and_back():
    reader = person()
    appeal = make_appeal()
    about_appeal = make_notification(reader, subject=appeal)
    unrelated = make_notification(reader)
    executor = MigrationExecutor(connection)
    executor.migrate([BEFORE])
    try:
        old = executor.loader.project_state([BEFORE]).apps.get_model(
            "notifications", "Notification"
        )
        row = old.objects.get(pk=about_appeal.pk)
        assert (row.appeal_id, row.problem_id) == (appeal.pk, appeal.problem_id)
        assert old.objects.get(pk=unrelated.pk).appeal_id is None
        # A notice from before the migration, about a problem only.
        only_problem = old.objects.create(
            user_id=reader.pk, kind="appeal_registered", title="Old", problem_id=appeal.problem_id
        )
    finally:
        # Back to the latest state of every app, not to AFTER: a later migration left unapplied
        # would break every test that runs after this one.
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())
    assert Notification.objects.get(pk=about_appeal.pk).subject == appeal
    assert Notification.objects.get(pk=only_problem.pk).subject == appeal.problem
    assert Notification.objects.get(pk=unrelated.pk).subject is None
