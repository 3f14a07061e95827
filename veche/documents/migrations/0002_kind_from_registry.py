"""The kind of an issued document is a code the issuing app registers (documents/registry.py),
no longer a fixed list of choices: only the field's choices go, the stored codes stay as they are."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('documents', '0001_issued_document'),
    ]

    operations = [
        migrations.AlterField(
            model_name='issueddocument',
            name='kind',
            field=models.CharField(max_length=16, verbose_name='kind'),
        ),
    ]
