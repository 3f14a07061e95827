"""Organizations apply for their cabinet and heads invite their staff: applications for a
cabinet, staff invitations, an organization's OGRN (unique when given) and the deputy kind."""

import django.db.models.deletion
import django.utils.timezone
import veche.core.i18n
import veche.organizations.ogrn
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('organizations', '0001_initial'),
        ('territories', '0002_territory_register_codes'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='CabinetApplication',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('name', models.JSONField(validators=[veche.core.i18n.validate_translations], verbose_name='name')),
                ('short_name', models.JSONField(blank=True, default=dict, verbose_name='short name')),
                ('kind', models.CharField(choices=[('authority', 'public authority'), ('municipal_company', 'municipal company'), ('party', 'political party'), ('deputy', 'deputy'), ('ngo', 'non-governmental organization'), ('business', 'business')], max_length=24, verbose_name='kind')),
                ('ogrn', models.CharField(blank=True, max_length=15, validators=[veche.organizations.ogrn.validate_ogrn], verbose_name='OGRN')),
                ('appeals_email', models.EmailField(max_length=254, verbose_name='e-mail for appeals')),
                ('head_name', models.CharField(max_length=200, verbose_name="head's full name")),
                ('head_position', models.CharField(max_length=200, verbose_name="head's position")),
                ('postal_address', models.TextField(verbose_name='postal address')),
                ('phone', models.CharField(blank=True, max_length=64, verbose_name='phone')),
                ('website', models.URLField(blank=True, verbose_name='website')),
                ('logo', models.ImageField(blank=True, upload_to='organizations/applications/', verbose_name='logo')),
                ('status', models.CharField(choices=[('pending', 'awaiting review'), ('approved', 'approved'), ('refused', 'refused')], default='pending', max_length=16, verbose_name='status')),
                ('reason', models.TextField(blank=True, verbose_name='reason')),
                ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='filed at')),
                ('decided_at', models.DateTimeField(blank=True, null=True, verbose_name='decided at')),
            ],
            options={
                'verbose_name': 'application for a cabinet',
                'verbose_name_plural': 'applications for a cabinet',
                'ordering': ['-created_at', '-id'],
            },
        ),
        migrations.CreateModel(
            name='Invitation',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('email', models.EmailField(max_length=254, verbose_name='e-mail')),
                ('role', models.CharField(choices=[('head', 'head'), ('official', 'official'), ('moderator', 'moderator'), ('organizer', 'organizer of discussions'), ('expert', 'expert')], max_length=16, verbose_name='role')),
                ('position', models.CharField(blank=True, max_length=200, verbose_name='position')),
                ('nonce', models.CharField(editable=False, max_length=64)),
                ('language', models.CharField(blank=True, max_length=8, verbose_name='language of the letter')),
                ('created_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='invited at')),
                ('expires_at', models.DateTimeField(verbose_name='expires at')),
                ('status', models.CharField(choices=[('pending', 'pending'), ('accepted', 'accepted'), ('revoked', 'revoked')], default='pending', max_length=16, verbose_name='status')),
                ('closed_at', models.DateTimeField(blank=True, null=True, verbose_name='accepted or revoked at')),
            ],
            options={
                'verbose_name': 'staff invitation',
                'verbose_name_plural': 'staff invitations',
                'ordering': ['-created_at', '-id'],
            },
        ),
        migrations.AddField(
            model_name='organization',
            name='ogrn',
            field=models.CharField(blank=True, help_text='Primary state registration number: 13 digits, or 15 for an OGRNIP.', max_length=15, validators=[veche.organizations.ogrn.validate_ogrn], verbose_name='OGRN'),
        ),
        migrations.AlterField(
            model_name='organization',
            name='kind',
            field=models.CharField(choices=[('authority', 'public authority'), ('municipal_company', 'municipal company'), ('party', 'political party'), ('deputy', 'deputy'), ('ngo', 'non-governmental organization'), ('business', 'business')], max_length=24, verbose_name='kind'),
        ),
        migrations.AddConstraint(
            model_name='organization',
            constraint=models.UniqueConstraint(condition=models.Q(('ogrn', ''), _negated=True), fields=('ogrn',), name='organization_unique_ogrn'),
        ),
        migrations.AddField(
            model_name='cabinetapplication',
            name='applicant',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='cabinet_applications', to=settings.AUTH_USER_MODEL, verbose_name='filed by'),
        ),
        migrations.AddField(
            model_name='cabinetapplication',
            name='decided_by',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='decided by'),
        ),
        migrations.AddField(
            model_name='cabinetapplication',
            name='jurisdiction',
            field=models.ManyToManyField(related_name='+', to='territories.territory', verbose_name='jurisdiction'),
        ),
        migrations.AddField(
            model_name='cabinetapplication',
            name='organization',
            field=models.OneToOneField(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='application', to='organizations.organization', verbose_name='organization'),
        ),
        migrations.AddField(
            model_name='invitation',
            name='accepted_by',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='accepted by'),
        ),
        migrations.AddField(
            model_name='invitation',
            name='invited_by',
            field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='invited by'),
        ),
        migrations.AddField(
            model_name='invitation',
            name='organization',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='invitations', to='organizations.organization', verbose_name='organization'),
        ),
        migrations.AddConstraint(
            model_name='cabinetapplication',
            constraint=models.UniqueConstraint(condition=models.Q(('status', 'pending'), models.Q(('ogrn', ''), _negated=True)), fields=('ogrn',), name='cabinet_application_one_pending_per_ogrn'),
        ),
        migrations.AddConstraint(
            model_name='invitation',
            constraint=models.CheckConstraint(condition=models.Q(('role__in', ['official', 'head', 'organizer', 'expert'])), name='invitation_invitable_role'),
        ),
    ]
