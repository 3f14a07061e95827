# An event may carry a key that makes announcing it idempotent: a periodic job (the daily
# reminder of a question waiting for the experts) announces the same event at most once per key.
# Existing events keep an empty key, which the constraint leaves out.

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("notifications", "0002_notification_subject_and_events"),
    ]

    operations = [
        migrations.AddField(
            model_name="event",
            name="key",
            field=models.CharField(blank=True, max_length=120),
        ),
        migrations.AddConstraint(
            model_name="event",
            constraint=models.UniqueConstraint(
                condition=models.Q(("key", ""), _negated=True),
                fields=("key",),
                name="event_key_unique",
            ),
        ),
    ]
