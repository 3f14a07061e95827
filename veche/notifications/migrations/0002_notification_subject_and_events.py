# A notice points at its subject (an appeal, a discussion…) through a generic key instead of
# foreign keys to appeals, so that notifications no longer depends on the appeals app: existing
# notices keep their appeal (or, without one, their problem) as subject. Events whose notices
# are made in the background (through the outbox) are stored in a table of their own.

import django.db.models.deletion
import django.utils.timezone
from django.db import migrations, models


def appeal_to_subject(apps, schema_editor):
    Notification = apps.get_model("notifications", "Notification")
    ContentType = apps.get_model("contenttypes", "ContentType")
    about_appeals = Notification.objects.filter(appeal__isnull=False)
    about_problems = Notification.objects.filter(appeal__isnull=True, problem__isnull=False)
    if about_appeals.exists():
        appeal_type, _ = ContentType.objects.get_or_create(app_label="appeals", model="appeal")
        about_appeals.update(subject_type=appeal_type, subject_id=models.F("appeal_id"))
    if about_problems.exists():
        problem_type, _ = ContentType.objects.get_or_create(app_label="appeals", model="problem")
        about_problems.update(subject_type=problem_type, subject_id=models.F("problem_id"))


def subject_to_appeal(apps, schema_editor):
    Notification = apps.get_model("notifications", "Notification")
    ContentType = apps.get_model("contenttypes", "ContentType")
    Appeal = apps.get_model("appeals", "Appeal")
    Problem = apps.get_model("appeals", "Problem")
    appeal_type = ContentType.objects.filter(app_label="appeals", model="appeal").first()
    problem_type = ContentType.objects.filter(app_label="appeals", model="problem").first()
    if appeal_type is not None:
        Notification.objects.filter(
            subject_type=appeal_type, subject_id__in=Appeal.objects.values("pk")
        ).update(
            appeal_id=models.F("subject_id"),
            problem_id=models.Subquery(
                Appeal.objects.filter(pk=models.OuterRef("subject_id")).values("problem_id")[:1]
            ),
        )
    if problem_type is not None:
        Notification.objects.filter(
            subject_type=problem_type, subject_id__in=Problem.objects.values("pk")
        ).update(problem_id=models.F("subject_id"))


class Migration(migrations.Migration):

    dependencies = [
        ("appeals", "0003_problem_current_appeal"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("notifications", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="notification",
            name="subject_type",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="contenttypes.contenttype",
            ),
        ),
        migrations.AddField(
            model_name="notification",
            name="subject_id",
            field=models.PositiveBigIntegerField(blank=True, null=True),
        ),
        migrations.RunPython(appeal_to_subject, subject_to_appeal, elidable=False),
        migrations.RemoveField(model_name="notification", name="appeal"),
        migrations.RemoveField(model_name="notification", name="problem"),
        migrations.AddIndex(
            model_name="notification",
            index=models.Index(fields=["subject_type", "subject_id"], name="notification_subject"),
        ),
        migrations.CreateModel(
            name="Event",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                (
                    "subject_type",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="contenttypes.contenttype",
                    ),
                ),
                ("subject_id", models.PositiveBigIntegerField()),
                ("name", models.CharField(max_length=40, verbose_name="event")),
                ("context", models.JSONField(blank=True, default=dict)),
                ("created_at", models.DateTimeField(default=django.utils.timezone.now, verbose_name="created")),
                ("notified_at", models.DateTimeField(blank=True, null=True, verbose_name="notifications made")),
            ],
            options={
                "verbose_name": "event to notify of",
                "verbose_name_plural": "events to notify of",
                "ordering": ["-id"],
            },
        ),
    ]
