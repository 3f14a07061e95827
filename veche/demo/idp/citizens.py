"""The people the demo identity provider knows: fixed records, so every demo and test sees the same.

Plain data without Django, so that tests of Veche can read what the provider will assert. Dates are
fixed on purpose: Галиева is 16 in late 2026 whatever day the tests run, and Николаев was born on
a leap day.
"""

PASSWORD = "demo"
EMAIL_DOMAIN = "citizen.demo.veche.example"

LOCALITY = "Казань"
REGION = "Республика Татарстан"
COUNTRY = "RU"

CITIZENS = (
    {
        "username": "safina",
        "sub": "1000100001",
        "family_name": "Сафина",
        "given_name": "Алсу",
        "middle_name": "Ринатовна",
        "birthdate": "1990-04-12",
        "district": "Вахитовский район",
        "street_address": "ул. Пушкина, 5, кв. 12",
        "postal_code": "420111",
        "trusted": True,
        "verified_at": "2019-03-14T09:30:00+00:00",
    },
    {
        "username": "kuznetsov",
        "sub": "1000100002",
        "family_name": "Кузнецов",
        "given_name": "Павел",
        "middle_name": "Андреевич",
        "birthdate": "1985-02-28",
        "district": "Советский район",
        "street_address": "ул. Академика Сахарова, 21, кв. 40",
        "postal_code": "420133",
        "trusted": True,
        "verified_at": "2017-11-02T12:05:00+00:00",
    },
    {
        "username": "galieva",
        "sub": "1000100003",
        "family_name": "Галиева",
        "given_name": "Диляра",
        "middle_name": "Ильдаровна",
        "birthdate": "2010-06-15",
        "district": "Вахитовский район",
        "street_address": "ул. Баумана, 44, кв. 7",
        "postal_code": "420111",
        "trusted": True,
        "verified_at": "2024-07-01T08:00:00+00:00",
    },
    {
        "username": "nikolaev",
        "sub": "1000100004",
        "family_name": "Николаев",
        "given_name": "Олег",
        "middle_name": "Викторович",
        "birthdate": "1960-02-29",
        "district": "Приволжский район",
        "street_address": "ул. Зорге, 10, кв. 3",
        "postal_code": "420101",
        "trusted": True,
        "verified_at": "2015-05-20T06:45:00+00:00",
    },
    {
        "username": "petrova",
        "sub": "1000100005",
        "family_name": "Петрова",
        "given_name": "Ирина",
        "middle_name": "Сергеевна",
        "birthdate": "1995-09-03",
        "district": "Ново-Савиновский район",
        "street_address": "пр. Ямашева, 45, кв. 101",
        "postal_code": "420124",
        # A simplified account: the person registered but never confirmed it at a service
        # centre, so the provider vouches for nothing (no verified_claims).
        "trusted": False,
        "verified_at": None,
    },
    {
        "username": "garipov",
        "sub": "1000100006",
        "family_name": "Гарипов",
        "given_name": "Тимур",
        "middle_name": "Рустемович",
        "birthdate": "1982-11-05",
        "district": "Вахитовский район",
        "street_address": "ул. Тази Гиззата, 6, кв. 18",
        "postal_code": "420111",
        "trusted": True,
        "verified_at": "2020-09-10T07:15:00+00:00",
        # The director of a developer: signs in as himself, and the provider also vouches for
        # the organization he represents (as ESIA does for an employee of a legal entity).
        "organization": {
            "name": "ООО «Казанский девелопмент»",
            "ogrn": "1161690058177",
            "address": "420107, Республика Татарстан, г. Казань, ул. Островского, 38, офис 412",
        },
    },
)


def email_of(username: str) -> str:
    return f"{username}@{EMAIL_DOMAIN}"


def citizen_records() -> list[dict]:
    """Every citizen with the e-mail and password filled in: what a test signs in with."""
    return [
        {**citizen, "email": email_of(citizen["username"]), "password": PASSWORD}
        for citizen in CITIZENS
    ]
