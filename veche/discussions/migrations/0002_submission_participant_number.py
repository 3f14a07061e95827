"""Give every submission its participant's number within the discussion (the same for all of one
person's submissions there), so that the public no longer sees account numbers."""

from django.db import migrations, models


def number_participants(apps, schema_editor):
    Submission = apps.get_model("discussions", "Submission")
    numbers: dict[tuple, int] = {}
    counters: dict[int, int] = {}
    for submission in Submission.objects.order_by("discussion_id", "number"):
        participant = submission.participant or {}
        if submission.author_id:
            who = ("account", submission.author_id)
        elif participant.get("ogrn"):
            who = ("entity", participant["ogrn"])
        else:
            who = ("person", participant.get("full_name"), participant.get("birthdate"))
        key = (submission.discussion_id, *who)
        if key not in numbers:
            counters[submission.discussion_id] = counters.get(submission.discussion_id, 0) + 1
            numbers[key] = counters[submission.discussion_id]
        submission.participant_number = numbers[key]
        submission.save(update_fields=["participant_number"])


class Migration(migrations.Migration):
    dependencies = [
        ("discussions", "0001_discussions"),
    ]

    operations = [
        migrations.AddField(
            model_name="submission",
            name="participant_number",
            field=models.PositiveIntegerField(null=True, verbose_name="participant number"),
        ),
        migrations.RunPython(number_participants, migrations.RunPython.noop),
    ]
