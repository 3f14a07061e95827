"""`{% public_name person number %}`: a person as a problem's pages name them."""

from django import template

from veche.appeals import participants

register = template.Library()


@register.simple_tag
def public_name(person, number) -> str:
    """The published name, else "Participant No. N" with the person's number on this problem
    (annotated on the row by `participants.number_here`)."""
    return participants.public_name(person, number)
