"""The cast of the tests of taking up a problem: a district office that answers the problem, a
deputy's office and a party branch whose staff may take it up."""

from dataclasses import dataclass

from tests.factories import make_organization, make_problem, make_staff, make_territory
from veche.organizations.models import Membership, Organization

LETTER = (
    "Фракция поддерживает жителей: яма во дворе опасна для детей и машин. Просим отремонтировать "
    "покрытие до конца месяца и сообщить жителям сроки работ."
)


@dataclass
class Cast:
    office: Organization
    deputy: Organization
    party: Organization
    problem: object
    deputy_head: object
    deputy_official: object
    office_official: object

    @property
    def appeal(self):
        return self.problem.current_appeal


def make_cast(*, threshold: int | None = None) -> Cast:
    district = make_territory("district", en="District")
    office = make_organization("office", jurisdiction=[district], en="District Office")
    deputy = make_organization(
        "deputy-ivanova",
        kind=Organization.Kind.DEPUTY,
        ru="Депутат Городской думы Иванова М. П.",
        en="City Duma deputy M. P. Ivanova",
    )
    deputy.letterhead_heading = {"ru": "ДЕПУТАТ КАЗАНСКОЙ ГОРОДСКОЙ ДУМЫ\nИванова Мария Петровна"}
    deputy.ogrn = ""
    deputy.save()
    party = make_organization("party-branch", kind=Organization.Kind.PARTY, en="Party Branch")
    problem = make_problem(organization=office, territory=district, threshold=threshold)
    deputy_head = make_staff(deputy, Membership.Role.HEAD, first_name="Мария", last_name="Иванова")
    Membership.objects.filter(user=deputy_head).update(position="Депутат Городской думы")
    return Cast(
        office=office,
        deputy=deputy,
        party=party,
        problem=problem,
        deputy_head=deputy_head,
        deputy_official=make_staff(
            deputy, Membership.Role.OFFICIAL, first_name="Пётр", last_name="Сидоров"
        ),
        office_official=make_staff(office, Membership.Role.OFFICIAL),
    )
