"""The comment column goes: a complaint names its target by content type and id, and one
person complains about one item once."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("moderation", "0003_complaints_about_comments")]

    operations = [
        migrations.RemoveConstraint(model_name="complaint", name="one_complaint_per_person"),
        migrations.RemoveField(model_name="complaint", name="comment"),
        migrations.AlterField(
            model_name="complaint",
            name="content_type",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="contenttypes.contenttype",
            ),
        ),
        migrations.AlterField(
            model_name="complaint",
            name="object_id",
            field=models.PositiveBigIntegerField(),
        ),
        migrations.AddConstraint(
            model_name="complaint",
            constraint=models.UniqueConstraint(
                fields=("content_type", "object_id", "reporter"),
                name="one_complaint_per_person",
            ),
        ),
    ]
