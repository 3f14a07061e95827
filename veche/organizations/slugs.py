"""Codes of organizations (their addresses, `/organizations/<code>/`) made from their names: the
English name as it is, a Russian one transliterated, and a number added when the code is taken."""

from django.utils.text import slugify

from veche.organizations.models import Organization

# Russian letters in Latin as Russian passports write them (ICAO 9303, order 2018/889), which
# is what people recognise.
_LATIN = {
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "e", "ж": "zh", "з": "z",
    "и": "i", "й": "i", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o", "п": "p", "р": "r",
    "с": "s", "т": "t", "у": "u", "ф": "f", "х": "kh", "ц": "ts", "ч": "ch", "ш": "sh",
    "щ": "shch", "ъ": "ie", "ы": "y", "ь": "", "э": "e", "ю": "iu", "я": "ia",
}  # fmt: skip
MAX_LENGTH = 50


def transliterate(text: str) -> str:
    return "".join(_LATIN.get(char, char) for char in text.lower())


def slug_from(name: dict) -> str:
    for text in (name.get("en", ""), transliterate(name.get("ru", ""))):
        slug = slugify(text)[:MAX_LENGTH].strip("-")
        if slug:
            return slug
    return "organization"


def free_slug(name: dict) -> str:
    """A code no organization has yet, made from the name."""
    base = slug_from(name)
    taken = set(Organization.objects.filter(slug__startswith=base).values_list("slug", flat=True))
    slug, number = base, 1
    while slug in taken:
        number += 1
        slug = f"{base}-{number}"
    return slug
