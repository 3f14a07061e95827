"""The registry of moderated content: what the product apps register, found by key and model."""

import pytest
from django.core.exceptions import FieldDoesNotExist

from veche.appeals.models import Comment, Problem, ProblemPhoto
from veche.discussions.models import Submission
from veche.moderation import registry


def test_appeals_and_discussions_register_their_content():
    registered = {kind.key: kind.model for kind in registry.kinds()}
    assert {"comment": Comment, "problem": Problem, "submission": Submission}.items() <= (
        registered.items()
    )
    assert registry.kind_of(Comment).hidden_reason_field == "hidden_reason"
    assert registry.kind_of(Submission()).key == "submission"


def test_an_unregistered_model_has_no_kind():
    assert registry.kind_of(ProblemPhoto) is None


def test_a_mistyped_field_is_refused_when_registered_not_when_first_hidden():
    with pytest.raises(FieldDoesNotExist):
        registry.register(
            key="photo",
            model=ProblemPhoto,
            label="photo",
            text=lambda photo: photo.description,
            author=lambda photo: photo.problem.author,
            public_url=lambda photo: photo.problem.get_absolute_url(),
        )
    assert registry.kind_of(ProblemPhoto) is None
