"""Complaints may be about any registered content: a generic target (content type and id) is
added beside the comment, empty until the next migration fills it from the comment."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("moderation", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="complaint",
            name="content_type",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="contenttypes.contenttype",
            ),
        ),
        migrations.AddField(
            model_name="complaint",
            name="object_id",
            field=models.PositiveBigIntegerField(null=True),
        ),
        # Nullable, so that going back can add it again to a table that has rows.
        migrations.AlterField(
            model_name="complaint",
            name="comment",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="complaints",
                to="appeals.comment",
            ),
        ),
    ]
