"""The project's materials and their versions."""

import rules
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from veche.core.audit import record_event
from veche.discussions.materials import check_upload
from veche.discussions.models import (
    Discussion,
    Material,
    MaterialVersion,
)

from ._common import _lock, _require


def _store_version(*, user, material: Material, upload, note: str) -> MaterialVersion:
    checked = check_upload(upload)
    number = (material.versions.aggregate(last=Max("number"))["last"] or 0) + 1
    version = MaterialVersion(
        material=material,
        number=number,
        original_name=(getattr(upload, "name", "") or "document")[-255:],
        content_type=checked.content_type,
        size=len(checked.content),
        sha256=checked.sha256,
        pages=checked.pages,
        note=note,
        uploaded_by=user,
    )
    version.file.save("upload", ContentFile(checked.content), save=False)
    version.save()
    return version


@transaction.atomic
def add_material(*, user, discussion: Discussion, title: str, upload) -> MaterialVersion:
    discussion = _lock(discussion)
    _require(rules.has_perm("discussions.manage_discussion", user, discussion))
    if discussion.protocol_signed_at or discussion.status == Discussion.Status.CANCELLED:
        raise ValidationError(_("The materials of a finished discussion cannot change."))
    if not title.strip():
        raise ValidationError({"title": _("Name the document.")})
    position = discussion.materials.count()
    material = Material.objects.create(
        discussion=discussion, title=title.strip(), position=position
    )
    version = _store_version(user=user, material=material, upload=upload, note="")
    record_event(
        actor=user,
        action="discussion.material_added",
        target=discussion,
        data={"material": material.pk, "sha256": version.sha256},
    )
    return version


@transaction.atomic
def add_material_version(*, user, material: Material, upload, note: str) -> MaterialVersion:
    """A new version of a material; every earlier version stays available."""
    discussion = _lock(material.discussion)
    _require(rules.has_perm("discussions.manage_discussion", user, discussion))
    if discussion.protocol_signed_at or discussion.status == Discussion.Status.CANCELLED:
        raise ValidationError(_("The materials of a finished discussion cannot change."))
    if discussion.status == Discussion.Status.PUBLISHED and not note.strip():
        raise ValidationError({"note": _("Say what changed: participants see it.")})
    version = _store_version(user=user, material=material, upload=upload, note=note.strip())
    record_event(
        actor=user,
        action="discussion.material_revised",
        target=discussion,
        data={"material": material.pk, "version": version.number, "sha256": version.sha256},
    )
    return version


@transaction.atomic
def assign_material_experts(*, user, material: Material, experts) -> list[int]:
    """Which of the discussion's experts answer the questions about `material` (none: all of
    them). Other experts may still answer any question; returns the assigned experts' ids."""
    discussion = _lock(material.discussion)
    _require(rules.has_perm("discussions.manage_discussion", user, discussion))
    chosen = {expert.pk for expert in experts}
    if chosen - set(discussion.experts.values_list("pk", flat=True)):
        raise ValidationError({"experts": _("Choose among the experts of this discussion.")})
    before = set(material.experts.values_list("pk", flat=True))
    material.experts.set(chosen)
    record_event(
        actor=user,
        action="discussion.material_experts",
        target=discussion,
        data={"material": material.pk, "experts": sorted(chosen), "before": sorted(before)},
    )
    return sorted(chosen)
