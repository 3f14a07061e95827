"""Facts of an escalation (when, and which deadline the addressee missed), periods of control
by a head, and officials' messages to all signatories (public or not). Appeals escalated before
this keep their history: their escalation time is taken from the appeal that continued them."""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


def escalation_times(apps, schema_editor):
    Appeal = apps.get_model("appeals", "Appeal")
    for continued in Appeal.objects.filter(previous__isnull=False).only("previous_id", "created_at"):
        Appeal.objects.filter(pk=continued.previous_id, escalated_at__isnull=True).update(
            escalated_at=continued.created_at
        )


class Migration(migrations.Migration):

    dependencies = [
        ('appeals', '0008_signatories_in_order'),
        ('organizations', '0001_initial'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='appeal',
            name='escalated_at',
            field=models.DateTimeField(blank=True, null=True, verbose_name='escalated'),
        ),
        migrations.AddField(
            model_name='appeal',
            name='missed_deadline',
            field=models.CharField(blank=True, choices=[('registration', 'registration'), ('answer', 'answer')], max_length=16, verbose_name='missed deadline'),
        ),
        migrations.AddField(
            model_name='appeal',
            name='missed_deadline_on',
            field=models.DateField(blank=True, null=True, verbose_name='missed deadline was'),
        ),
        migrations.AddField(
            model_name='message',
            name='audience',
            field=models.CharField(choices=[('author', 'the author'), ('signatories', 'all signatories')], default='author', max_length=16, verbose_name='to'),
        ),
        migrations.AddField(
            model_name='message',
            name='public',
            field=models.BooleanField(default=False, verbose_name="shown on the problem's page"),
        ),
        migrations.CreateModel(
            name='ControlPeriod',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('taken_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='taken under control')),
                ('lifted_at', models.DateTimeField(blank=True, null=True, verbose_name='control lifted')),
                ('appeal', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='control_periods', to='appeals.appeal')),
                ('head', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('lifted_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('organization', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='organizations.organization', verbose_name='by')),
            ],
            options={
                'ordering': ['taken_at', 'id'],
                'constraints': [models.UniqueConstraint(condition=models.Q(('lifted_at__isnull', True)), fields=('appeal',), name='one_open_control_period_per_appeal')],
            },
        ),
        migrations.RunPython(escalation_times, migrations.RunPython.noop),
    ]
