"""Property-based tests of the eligibility decision: ages, leap days, territories, levels."""

import calendar
import datetime

from django.utils import translation
from hypothesis import assume, given
from hypothesis import strategies as st

from veche.identity.eligibility import Facts, Requirement, age_on, decide
from veche.identity.models import Level

dates = st.dates(min_value=datetime.date(1900, 1, 1), max_value=datetime.date(2100, 12, 31))
levels = st.sampled_from(Level.values)
codes = st.text(alphabet="abcdefgh-", min_size=1, max_size=6).filter(lambda c: c[0] != "-")


def birthday_in(year: int, birthdate: datetime.date) -> datetime.date:
    """The day a year of age is complete in `year` (29 February → 28 February in common years)."""
    if (birthdate.month, birthdate.day) == (2, 29) and not calendar.isleap(year):
        return datetime.date(year, 2, 28)
    return birthdate.replace(year=year)


@given(birthdate=dates, years=st.integers(min_value=1, max_value=100))
def test_age_is_complete_exactly_on_the_birthday(birthdate, years):
    assume(birthdate.year + years <= 2100)
    birthday = birthday_in(birthdate.year + years, birthdate)
    assert age_on(birthdate, birthday) == years
    assert age_on(birthdate, birthday - datetime.timedelta(days=1)) == years - 1


@given(birthdate=dates, day=dates)
def test_age_never_decreases_with_time(birthdate, day):
    assume(day >= birthdate and day < datetime.date(2100, 12, 31))
    assert age_on(birthdate, day + datetime.timedelta(days=1)) >= age_on(birthdate, day)


@given(year=st.integers(min_value=1901, max_value=2099).filter(lambda y: not calendar.isleap(y)))
def test_leap_day_births_come_of_age_on_28_february_in_common_years(year):
    born = datetime.date(1896, 2, 29)
    assert age_on(born, datetime.date(year, 2, 28)) == year - 1896
    assert age_on(born, datetime.date(year, 2, 27)) == year - 1897


@given(year=st.integers(min_value=1901, max_value=2099).filter(calendar.isleap))
def test_leap_day_births_come_of_age_on_29_february_in_leap_years(year):
    born = datetime.date(1896, 2, 29)
    assert age_on(born, datetime.date(year, 2, 28)) == year - 1897
    assert age_on(born, datetime.date(year, 2, 29)) == year - 1896


@given(birthdate=dates, min_age=st.integers(min_value=1, max_value=99))
def test_minimum_age_admits_from_the_birthday_and_not_a_day_before(birthdate, min_age):
    assume(birthdate.year + min_age <= 2100)
    requirement = Requirement(min_level=Level.NONE, min_age=min_age)
    facts = Facts(level=Level.PROVIDER, birthdate=birthdate)
    birthday = birthday_in(birthdate.year + min_age, birthdate)
    assert decide(requirement, facts, birthday).allowed
    before = decide(requirement, facts, birthday - datetime.timedelta(days=1))
    assert not before.allowed
    assert len(before.reasons) == 1


@given(required=levels, held=levels)
def test_a_level_satisfies_every_level_at_or_below_it(required, held):
    decision = decide(Requirement(min_level=required), Facts(level=held), datetime.date(2026, 1, 1))
    assert decision.allowed == (held >= required)


@given(
    path=st.lists(codes, min_size=1, max_size=5),
    extra=st.lists(codes, max_size=3),
    cut=st.integers(min_value=0, max_value=4),
)
def test_residents_of_any_territory_inside_an_allowed_one_qualify(path, extra, cut):
    allowed_path = "/" + "/".join(path[: cut + 1]) + "/"
    home = "/" + "/".join(path + extra) + "/"
    requirement = Requirement(min_level=Level.NONE, territories=((allowed_path, "A"),))
    decision = decide(
        requirement, Facts(residence_path=home, residence_name="H"), datetime.date(2026, 1, 1)
    )
    assert decision.allowed
    assert decision.basis == "resident"


@given(parent=st.lists(codes, min_size=1, max_size=3), mine=codes, other=codes)
def test_residents_of_a_neighbouring_territory_do_not_qualify(parent, mine, other):
    assume(mine != other and not mine.startswith(other))
    base = "/" + "/".join(parent) + "/"
    requirement = Requirement(min_level=Level.NONE, territories=((f"{base}{other}/", "Other"),))
    facts = Facts(residence_path=f"{base}{mine}/", residence_name="Mine")
    with translation.override("en"):
        decision = decide(requirement, facts, datetime.date(2026, 1, 1))
    assert not decision.allowed
    assert decision.reasons == ("You must live in Other; your verified address is in Mine.",)


@given(owned_inside=st.booleans(), owners_qualify=st.booleans())
def test_owners_qualify_only_when_the_rule_says_so(owned_inside, owners_qualify):
    requirement = Requirement(
        min_level=Level.NONE, territories=(("/ru/kazan/", "Kazan"),), owners_qualify=owners_qualify
    )
    facts = Facts(
        residence_path="/ru/moscow/",
        residence_name="Moscow",
        owned_paths=("/ru/kazan/sovetsky/",) if owned_inside else (),
    )
    decision = decide(requirement, facts, datetime.date(2026, 1, 1))
    assert decision.allowed == (owned_inside and owners_qualify)
    if decision.allowed:
        assert decision.basis == "owner"
