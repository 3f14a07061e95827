"""The demo city: Kazan, its seven districts, its administrations, committees and companies.

Facts are close to the real city (districts, the four joint district administrations) so that a
newcomer recognises it; contact e-mails are on reserved example domains.
"""

import os

TERRITORIES = [
    # code, parent code, kind, Russian, English, population
    ("ru", None, "country", "Россия", "Russia", None),
    ("ru-ta", "ru", "region", "Республика Татарстан", "Republic of Tatarstan", 4_004_000),
    ("kazan", "ru-ta", "city", "Казань", "Kazan", 1_318_600),
    (
        "kazan-aviastroitelny",
        "kazan",
        "district",
        "Авиастроительный район",
        "Aviastroitelny District",
        124_000,
    ),
    ("kazan-vakhitovsky", "kazan", "district", "Вахитовский район", "Vakhitovsky District", 88_000),
    ("kazan-kirovsky", "kazan", "district", "Кировский район", "Kirovsky District", 113_000),
    ("kazan-moskovsky", "kazan", "district", "Московский район", "Moskovsky District", 129_000),
    (
        "kazan-novo-savinovsky",
        "kazan",
        "district",
        "Ново-Савиновский район",
        "Novo-Savinovsky District",
        220_000,
    ),
    (
        "kazan-privolzhsky",
        "kazan",
        "district",
        "Приволжский район",
        "Privolzhsky District",
        262_000,
    ),
    ("kazan-sovetsky", "kazan", "district", "Советский район", "Sovetsky District", 337_000),
]

# Codes of official registers that identity providers (ESIA) give with an address; a residence is
# matched by them before any name (veche/identity/residence.py). Kazan's OKTMO (the city okrug) and
# the FIAS GUIDs of Tatarstan and Kazan are the real ones as we know them, not checked against the
# registers from here. Kazan's districts are not municipalities and have no OKTMO of their own: their
# 11-digit codes below are INVENTED (shaped as places inside the okrug, avoiding 92701000001, the
# city itself) so that the demo exercises matching by code.
TERRITORY_CODES = {
    "ru-ta": {"oktmo": "92000000", "fias_id": "0c089b04-099e-4e0e-955a-6bf1ce525f1a"},
    "kazan": {"oktmo": "92701000", "fias_id": "93b3df57-4c89-44df-ac42-96f05e9cd3b9"},
    "kazan-aviastroitelny": {"oktmo": "92701000101"},
    "kazan-vakhitovsky": {"oktmo": "92701000102"},
    "kazan-kirovsky": {"oktmo": "92701000103"},
    "kazan-moskovsky": {"oktmo": "92701000104"},
    "kazan-novo-savinovsky": {"oktmo": "92701000105"},
    "kazan-privolzhsky": {"oktmo": "92701000106"},
    "kazan-sovetsky": {"oktmo": "92701000107"},
}

ORGANIZATIONS = [
    {
        "slug": "kazan-executive-committee",
        "parent": None,
        "kind": "authority",
        "name": {
            "ru": "Исполнительный комитет муниципального образования города Казани",
            "en": "Executive Committee of the Municipality of Kazan",
        },
        "short_name": {"ru": "Исполком Казани", "en": "Kazan Executive Committee"},
        "description": {
            "ru": "Исполнительно-распорядительный орган местного самоуправления Казани.",
            "en": "The executive body of local self-government of Kazan.",
        },
        "jurisdiction": ["kazan"],
        "postal_address": "ул. Кремлёвская, 1, Казань, 420014",
        "dispatch_email": "ispolkom.kazan@example.org",
        "phone": "+7 843 299-15-00",
        "signatory_title": {
            "ru": "Руководитель Исполнительного комитета",
            "en": "Head of the Executive Committee",
        },
    },
    {
        "slug": "kazan-admin-aviastroitelny-novo-savinovsky",
        "parent": "kazan-executive-committee",
        "kind": "authority",
        "name": {
            "ru": "Администрация Авиастроительного и Ново-Савиновского районов",
            "en": "Administration of the Aviastroitelny and Novo-Savinovsky Districts",
        },
        "short_name": {
            "ru": "Администрация Авиастроительного и Ново-Савиновского р-нов",
            "en": "Aviastroitelny & Novo-Savinovsky Administration",
        },
        "jurisdiction": ["kazan-aviastroitelny", "kazan-novo-savinovsky"],
        "postal_address": "ул. Белинского, 6, Казань, 420036",
        "dispatch_email": "avia-nsav.kazan@example.org",
    },
    {
        "slug": "kazan-admin-vakhitovsky-privolzhsky",
        "parent": "kazan-executive-committee",
        "kind": "authority",
        "name": {
            "ru": "Администрация Вахитовского и Приволжского районов",
            "en": "Administration of the Vakhitovsky and Privolzhsky Districts",
        },
        "short_name": {
            "ru": "Администрация Вахитовского и Приволжского р-нов",
            "en": "Vakhitovsky & Privolzhsky Administration",
        },
        "jurisdiction": ["kazan-vakhitovsky", "kazan-privolzhsky"],
        "postal_address": "ул. Пушкина, 26, Казань, 420111",
        "dispatch_email": "vakh-priv.kazan@example.org",
    },
    {
        "slug": "kazan-admin-kirovsky-moskovsky",
        "parent": "kazan-executive-committee",
        "kind": "authority",
        "name": {
            "ru": "Администрация Кировского и Московского районов",
            "en": "Administration of the Kirovsky and Moskovsky Districts",
        },
        "short_name": {
            "ru": "Администрация Кировского и Московского р-нов",
            "en": "Kirovsky & Moskovsky Administration",
        },
        "jurisdiction": ["kazan-kirovsky", "kazan-moskovsky"],
        "postal_address": "ул. Восстания, 60, Казань, 420029",
        "dispatch_email": "kir-mos.kazan@example.org",
    },
    {
        "slug": "kazan-admin-sovetsky",
        "parent": "kazan-executive-committee",
        "kind": "authority",
        "name": {
            "ru": "Администрация Советского района",
            "en": "Administration of the Sovetsky District",
        },
        "short_name": {"ru": "Администрация Советского р-на", "en": "Sovetsky Administration"},
        "jurisdiction": ["kazan-sovetsky"],
        "postal_address": "ул. Красовского, 2, Казань, 420061",
        "dispatch_email": "sovetsky.kazan@example.org",
    },
    {
        "slug": "kazan-architecture",
        "parent": "kazan-executive-committee",
        "kind": "authority",
        "name": {
            "ru": "Управление архитектуры и градостроительства Исполнительного комитета г. Казани",
            "en": "Department of Architecture and Urban Planning of the Kazan Executive Committee",
        },
        "short_name": {
            "ru": "Управление архитектуры и градостроительства",
            "en": "Architecture and Urban Planning",
        },
        "description": {
            "ru": "Организует общественные обсуждения и публичные слушания по проектам градостроительной документации.",
            "en": "Organizes public discussions and hearings of urban-planning projects.",
        },
        "jurisdiction": ["kazan"],
        "postal_address": "ул. Кремлёвская, 1, Казань, 420014",
        "dispatch_email": "uag.kazan@example.org",
    },
    {
        "slug": "kazan-improvement-committee",
        "parent": "kazan-executive-committee",
        "kind": "authority",
        "name": {
            "ru": "Комитет внешнего благоустройства Исполнительного комитета г. Казани",
            "en": "Committee for Urban Improvement of the Kazan Executive Committee",
        },
        "short_name": {
            "ru": "Комитет внешнего благоустройства",
            "en": "Urban Improvement Committee",
        },
        "jurisdiction": ["kazan"],
        "postal_address": "ул. Кремлёвская, 1, Казань, 420014",
        "dispatch_email": "kvb.kazan@example.org",
    },
    {
        "slug": "kazan-housing-committee",
        "parent": "kazan-executive-committee",
        "kind": "authority",
        "name": {
            "ru": "Комитет жилищно-коммунального хозяйства Исполнительного комитета г. Казани",
            "en": "Housing and Utilities Committee of the Kazan Executive Committee",
        },
        "short_name": {"ru": "Комитет ЖКХ", "en": "Housing and Utilities Committee"},
        "jurisdiction": ["kazan"],
        "postal_address": "ул. Кремлёвская, 1, Казань, 420014",
        "dispatch_email": "zhkh.kazan@example.org",
    },
    {
        "slug": "kazan-transport-committee",
        "parent": "kazan-executive-committee",
        "kind": "authority",
        "name": {
            "ru": "Комитет транспорта Исполнительного комитета г. Казани",
            "en": "Transport Committee of the Kazan Executive Committee",
        },
        "short_name": {"ru": "Комитет транспорта", "en": "Transport Committee"},
        "jurisdiction": ["kazan"],
        "postal_address": "ул. Кремлёвская, 1, Казань, 420014",
        "dispatch_email": "transport.kazan@example.org",
    },
    {
        "slug": "kazan-vodokanal",
        "parent": "kazan-housing-committee",
        "kind": "municipal_company",
        "name": {"ru": "МУП «Водоканал»", "en": "Vodokanal municipal water company"},
        "short_name": {"ru": "Водоканал", "en": "Vodokanal"},
        "description": {
            "ru": "Водоснабжение и водоотведение Казани.",
            "en": "Water supply and sewerage of Kazan.",
        },
        "jurisdiction": ["kazan"],
        "postal_address": "ул. Горького, 34, Казань, 420015",
        "dispatch_email": "vodokanal.kazan@example.org",
    },
    {
        "slug": "kazan-metroelectrotrans",
        "parent": "kazan-transport-committee",
        "kind": "municipal_company",
        "name": {
            "ru": "МУП «Метроэлектротранс»",
            "en": "Metroelectrotrans municipal transport company",
        },
        "short_name": {"ru": "Метроэлектротранс", "en": "Metroelectrotrans"},
        "description": {
            "ru": "Метрополитен, трамваи и троллейбусы Казани.",
            "en": "Kazan's metro, trams and trolleybuses.",
        },
        "jurisdiction": ["kazan"],
        "postal_address": "ул. Тукая, 82, Казань, 420021",
        "dispatch_email": "met.kazan@example.org",
    },
    {
        # A deputy's office answers for no territory (appeals are never routed to it): it takes
        # problems up publicly (`veche.demo.take_ups`).
        "slug": "kazan-deputy-galiev",
        "parent": None,
        "kind": "deputy",
        "name": {
            "ru": "Депутат Казанской городской думы Галиев Р. М. (избирательный округ № 5)",
            "en": "Kazan City Duma deputy R. M. Galiev (constituency No. 5)",
        },
        "short_name": {"ru": "Депутат Галиев Р. М.", "en": "Deputy R. M. Galiev"},
        "jurisdiction": [],
        "postal_address": "ул. Кремлёвская, 1, Казань, 420014",
        "dispatch_email": "galiev.deputy@example.org",
        "public_email": "galiev.deputy@example.org",
        "letterhead_heading": {
            "ru": "ДЕПУТАТ КАЗАНСКОЙ ГОРОДСКОЙ ДУМЫ\nГалиев Ренат Маратович\nизбирательный округ № 5",
            "en": "DEPUTY OF THE KAZAN CITY DUMA\nRenat M. Galiev\nconstituency No. 5",
        },
        "signatory_title": {
            "ru": "Депутат Казанской городской думы",
            "en": "Kazan City Duma deputy",
        },
    },
]

# Every demo account shares this password; staff accounts share one TOTP secret (README).
DEMO_PASSWORD = "veche-demo-2026"
DEMO_TOTP_SECRET = "VECHEDEMOTOTPSECRETKAZAN"

USERS = [
    # e-mail, last name, first name, patronymic, name publication, superuser, roles
    ("admin@demo.veche.example", "Гарипов", "Ильдар", "Маратович", "none", True, []),
    ("resident@demo.veche.example", "Сафина", "Алсу", "Ринатовна", "initials", False, []),
    ("neighbour@demo.veche.example", "Кузнецов", "Павел", "Андреевич", "none", False, []),
    (
        "head@demo.veche.example",
        "Ахметов",
        "Рустам",
        "Ильдарович",
        "full",
        False,
        [("kazan-admin-vakhitovsky-privolzhsky", "head", "Глава администрации")],
    ),
    (
        "official@demo.veche.example",
        "Лебедева",
        "Марина",
        "Сергеевна",
        "full",
        False,
        [("kazan-admin-vakhitovsky-privolzhsky", "official", "Специалист по работе с обращениями")],
    ),
    (
        "organizer@demo.veche.example",
        "Хайруллин",
        "Тимур",
        "Рафаэлевич",
        "full",
        False,
        [("kazan-architecture", "organizer", "Начальник отдела общественных обсуждений")],
    ),
    (
        "expert@demo.veche.example",
        "Миронова",
        "Елена",
        "Викторовна",
        "full",
        False,
        [("kazan-architecture", "expert", "Главный архитектор проектов")],
    ),
    (
        "moderator@demo.veche.example",
        "Зарипов",
        "Айдар",
        "Фаридович",
        "none",
        False,
        [("kazan-executive-committee", "moderator", "Модератор портала")],
    ),
    (
        "deputy@demo.veche.example",
        "Галиев",
        "Ренат",
        "Маратович",
        "full",
        False,
        [("kazan-deputy-galiev", "head", "Депутат Казанской городской думы")],
    ),
]

# The demo identity provider, served by `python -m veche.demo.idp serve` on port 8001.
DEMO_IDP = {
    "slug": "demo-esia",
    "name": {"ru": "Демо-ЕСИА (Госуслуги)", "en": "Demo national ID (Gosuslugi)"},
    "issuer": os.environ.get("VECHE_DEMO_IDP_ISSUER", "http://127.0.0.1:8001/o"),
    "client_id": "veche-demo",
    "client_secret": os.environ.get("VECHE_DEMO_IDP_CLIENT_SECRET", "veche-demo-secret"),
    "scopes": "openid profile email address birthdate organization",
    # Beside the standard claims: the legal entity a representative signs in for.
    "claim_mapping": {
        "legal_name": "organization.name",
        "ogrn": "organization.ogrn",
        "legal_address": "organization.address",
    },
    "confirmed_claim": "trusted",
    "trust_framework": "demo_esia",
    "validity_days": 365,
}
