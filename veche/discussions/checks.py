"""System checks of the discussions' settings (veche.core.checks)."""

from veche.core.checks import outside_choices
from veche.discussions.models import Discussion


def limited_subjects(app_configs=None, **kwargs):
    return outside_choices(
        "VECHE_DISCUSSION_LIMITED_SUBJECTS", Discussion.Subject.values, id="discussions.E001"
    )
