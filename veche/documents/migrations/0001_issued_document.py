"""The register of issued documents: code, what it documents, SHA-256 of the PDF."""

import django.utils.timezone
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
    ]

    operations = [
        migrations.CreateModel(
            name='IssuedDocument',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('kind', models.CharField(choices=[('appeal', 'collective appeal'), ('answer', 'answer to a collective appeal'), ('protocol', 'protocol of a public discussion'), ('conclusion', 'conclusion on the results of a public discussion')], max_length=16, verbose_name='kind')),
                ('code', models.CharField(max_length=32, unique=True, verbose_name='verification code')),
                ('object_type', models.CharField(max_length=100)),
                ('object_id', models.CharField(max_length=64)),
                ('title', models.TextField(verbose_name='title')),
                ('language', models.CharField(max_length=8, verbose_name='language')),
                ('for_addressee', models.BooleanField(default=False, help_text="Carries the applicants' personal data; never published.", verbose_name="addressee's copy")),
                ('sha256', models.CharField(db_index=True, max_length=64, verbose_name='SHA-256')),
                ('fingerprint', models.CharField(max_length=64)),
                ('created_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='issued')),
            ],
            options={
                'verbose_name': 'issued document',
                'verbose_name_plural': 'issued documents',
                'ordering': ['-created_at', '-id'],
                'indexes': [models.Index(fields=['object_type', 'object_id', 'kind', 'fingerprint'], name='issued_document_content')],
            },
        ),
    ]
