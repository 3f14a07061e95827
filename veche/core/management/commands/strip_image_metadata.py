"""`veche strip_image_metadata`: clean the pictures stored before uploads were cleaned.

Every ImageField of every model (problem photos, organizations' logos) is looked at; a picture
that still carries EXIF (GPS among it), XMP, a comment or text chunks is re-encoded by the same
function uploads pass through (`veche.core.images.strip_metadata`) and stored again under its
name. A clean picture is left untouched, so a second run changes nothing. Files of FileFields
(answers' attachments, materials, property documents) are left alone: a material's version keeps
the checksum of its bytes.
"""

import io

from django.apps import apps
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.management.base import BaseCommand
from django.db import models
from PIL import UnidentifiedImageError

from veche.core.images import carries_metadata, strip_metadata


class Command(BaseCommand):
    help = "Re-encode stored pictures that still carry EXIF/GPS, XMP or comments."

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="only count what would be cleaned"
        )

    def handle(self, *args, dry_run: bool = False, **options):
        counts = {"cleaned": 0, "clean already": 0, "missing": 0, "unreadable": 0}
        for model in apps.get_models():
            for field in model._meta.get_fields():
                if isinstance(field, models.ImageField):
                    self._clean_field(model, field, counts, dry_run=dry_run)
        verb = "would clean" if dry_run else "cleaned"
        self.stdout.write(
            f"{verb} {counts['cleaned']}, clean already {counts['clean already']}, "
            f"missing {counts['missing']}, unreadable {counts['unreadable']}"
        )

    def _clean_field(self, model, field, counts: dict, *, dry_run: bool) -> None:
        stored = model._default_manager.exclude(**{field.name: ""}).values_list("pk", field.name)
        for pk, name in stored.iterator():
            try:
                with field.storage.open(name, "rb") as handle:
                    content = handle.read()
            except FileNotFoundError:
                counts["missing"] += 1
                continue
            try:
                if not carries_metadata(content):
                    counts["clean already"] += 1
                    continue
                cleaned = strip_metadata(io.BytesIO(content), name=name).read()
            except (ValidationError, UnidentifiedImageError, OSError):
                counts["unreadable"] += 1
                self.stderr.write(f"{model._meta.label} {pk}: {name} is not a readable picture")
                continue
            counts["cleaned"] += 1
            if dry_run:
                continue
            field.storage.delete(name)
            saved = field.storage.save(name, ContentFile(cleaned))
            if saved != name:  # a file appeared under the name meanwhile: point at ours
                model._default_manager.filter(pk=pk).update(**{field.name: saved})
