"""The organization tree: what the cabinet's subordinates report and the reports' scope walk."""

import pytest
from django.utils import translation

from tests.factories import make_organization
from veche.organizations.models import Organization
from veche.organizations.queries import organization_tree

pytestmark = pytest.mark.django_db


@pytest.fixture
def tree():
    city = make_organization("city", en="City hall")
    district = make_organization("district", parent=city, en="District")
    return {
        "city": city,
        "district": district,
        "housing": make_organization("housing", parent=district, en="Housing"),
        "avenue": make_organization("avenue", parent=district, en="Avenue office"),
        "other": make_organization("other", en="Another city"),
    }


def shown(rows) -> list[tuple[str, int]]:
    return [(organization.slug, depth) for organization, depth in rows]


def test_the_whole_tree_in_order_with_depth_by_title_among_siblings(tree):
    with translation.override("en"):
        rows = organization_tree(Organization.objects.all())
    assert shown(rows) == [
        ("other", 0),
        ("city", 0),
        ("district", 1),
        ("avenue", 2),
        ("housing", 2),
    ]


def test_a_root_under_another_root_is_shown_once_inside_its_ancestor(tree):
    roots = {tree["city"].pk, tree["housing"].pk}
    with translation.override("en"):
        rows = organization_tree(Organization.objects.all(), roots=roots)
    assert shown(rows) == [("city", 0), ("district", 1), ("avenue", 2), ("housing", 2)]


def test_the_subtree_of_a_root_in_the_middle(tree):
    with translation.override("en"):
        rows = organization_tree(Organization.objects.all(), roots={tree["district"].pk})
    assert shown(rows) == [("district", 0), ("avenue", 1), ("housing", 1)]
