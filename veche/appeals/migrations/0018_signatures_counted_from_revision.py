"""An appeal counts signatures from a revision on (`signatures_from`): a change of substance
moves it, and the signatures of earlier texts stop counting until confirmed. Every appeal starts
at its first revision, so every signature counted today still counts and no count changes; the
column's default is the database's too, so adding it rewrites no row on PostgreSQL.

A revision records the share of words it changed (`changed_share`), empty for those before."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("appeals", "0017_signature_partial_indexes"),
    ]

    operations = [
        migrations.AddField(
            model_name="appeal",
            name="signatures_from",
            field=models.PositiveIntegerField(
                db_default=1, default=1, verbose_name="signatures counted from revision"
            ),
        ),
        migrations.AddField(
            model_name="revision",
            name="changed_share",
            field=models.FloatField(blank=True, null=True, verbose_name="share of words changed"),
        ),
    ]
