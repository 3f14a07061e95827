"""Every existing complaint is about an appeal comment: its target becomes that comment. Going
back, complaints about anything else have no place in the old table and are deleted."""

from django.db import migrations
from django.db.models import F


def comments_to_targets(apps, schema_editor):
    Complaint = apps.get_model("moderation", "Complaint")
    ContentType = apps.get_model("contenttypes", "ContentType")
    if not Complaint.objects.exists():
        return
    # The content type may not be created yet on a database migrated in one go.
    comment_type, _ = ContentType.objects.get_or_create(app_label="appeals", model="comment")
    Complaint.objects.filter(comment__isnull=False).update(
        content_type=comment_type, object_id=F("comment_id")
    )


def targets_to_comments(apps, schema_editor):
    Complaint = apps.get_model("moderation", "Complaint")
    ContentType = apps.get_model("contenttypes", "ContentType")
    comment_type = ContentType.objects.filter(app_label="appeals", model="comment").first()
    about_comments = Complaint.objects.filter(content_type=comment_type)
    about_comments.update(comment_id=F("object_id"))
    Complaint.objects.exclude(pk__in=about_comments.values("pk")).delete()


class Migration(migrations.Migration):
    dependencies = [("moderation", "0002_complaint_target")]

    operations = [migrations.RunPython(comments_to_targets, targets_to_comments)]
