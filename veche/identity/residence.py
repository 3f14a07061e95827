"""Which territory a provider's address claims place a person in.

Providers describe an address in their own shapes: ESIA gives register codes (FIAS/GAR, OKTMO)
with each address, the standard OpenID Connect `address` claim gives a formatted line and the
city as `locality`, banks and city sign-on services give components of their own. The residence
is found most specific first: by register code; then by the district components the claim mapping
names; then by a district named inside the formatted address; then by the locality. A name found
by words never leaves the territory a code placed the person in, and a district is looked for
inside the locality first, so that two cities' "Soviet districts" are not confused.

Names are compared as whole words, ignoring case, ё/е, spacing and punctuation, and the word for
the kind of place ("район", "р-н", "г."), which providers write before, after or not at all.
"""

import re
import uuid

from veche.territories.models import Territory

# Our fact → where the provider puts it, unless the provider's claim mapping says otherwise.
# A fact may name several paths, most specific first; every value found is tried in that order.
RESIDENCE_MAPPING: dict[str, list[str]] = {
    "fias_id": ["address.fias_id"],
    "oktmo": ["address.oktmo"],
    "district": ["address.district", "address.sub_locality"],
    "formatted": ["address.formatted"],
    "locality": ["address.locality"],
}

KIND_WORDS = {
    Territory.Kind.COUNTRY: {"страна", "country"},
    Territory.Kind.REGION: {"республика", "респ", "область", "обл", "край", "region", "republic"},
    Territory.Kind.CITY: {"город", "гор", "г", "city"},
    Territory.Kind.DISTRICT: {"район", "р-н", "district"},
    Territory.Kind.SETTLEMENT: {"поселок", "пос", "пгт", "село", "деревня", "settlement"},
    Territory.Kind.NEIGHBOURHOOD: {"микрорайон", "мкр", "квартал", "neighbourhood"},
}

_FILTERED = re.compile(r"^(?P<name>[^\[]+)\[(?P<key>[^=\]]+)=(?P<value>[^\]]*)\]$")
# A word keeps its inner hyphens: "Ново-Савиновский" is one word, and "Кировский-2" is not
# "Кировский".
_WORD = re.compile(r"[^\W_]+(?:-[^\W_]+)*")
_PARTS = re.compile(r"[,;\n]")


def claim_at(data, path: str | list[str]):
    """The value at a dotted path, or None. A part may index a list ("addresses.0") or pick the
    first element with a field's value ("addresses[type=PRG].fiasCode", ESIA's registration
    address). Several paths: the first that holds a value."""
    if not isinstance(path, str):
        values = (claim_at(data, one) for one in path)
        return next((value for value in values if value not in (None, "")), None)
    value = data
    for part in path.split("."):
        filtered = _FILTERED.match(part)
        if filtered:
            value = value.get(filtered["name"]) if isinstance(value, dict) else None
            if not isinstance(value, list):
                return None
            value = next(
                (
                    item
                    for item in value
                    if isinstance(item, dict)
                    and str(item.get(filtered["key"])) == filtered["value"]
                ),
                None,
            )
        elif isinstance(value, list) and part.isdigit():
            value = value[int(part)] if int(part) < len(value) else None
        elif isinstance(value, dict):
            value = value.get(part)
        else:
            return None
    return value


def residence_claims(claim_mapping: dict, data: dict) -> dict[str, list]:
    """Every value the provider gave for each residence fact, in the order to try them;
    verified_claims first, as for the other facts."""
    verified = data.get("verified_claims") or {}
    sources = [verified.get("claims") or {}] if isinstance(verified, dict) else []
    sources.append(data)
    found: dict[str, list] = {}
    for fact, default in RESIDENCE_MAPPING.items():
        paths = claim_mapping.get(fact, default)
        paths = [paths] if isinstance(paths, str) else list(paths)
        values = []
        for path in paths:
            for source in sources:
                value = claim_at(source, path)
                for item in value if isinstance(value, list) else [value]:
                    if item not in (None, "") and item not in values:
                        values.append(item)
        found[fact] = values
    return found


def resolve_residence(claim_mapping: dict, data: dict, within: Territory | None):
    """The most specific territory (inside `within`, if given) the address claims place the
    person in, or None."""
    claims = residence_claims(claim_mapping, data)
    candidates = list(within.descendants(include_self=True) if within else Territory.objects.all())
    anchor = _by_code(candidates, claims["fias_id"], claims["oktmo"])
    scope = [t for t in candidates if anchor is None or anchor.contains(t)]
    locality = _by_name(scope, claims["locality"])
    if locality is not None:
        scope = [t for t in scope if locality.contains(t)]
    for texts in (claims["district"], claims["formatted"]):
        found = _by_name(scope, texts)
        if found is not None:
            return found
    return locality or anchor


def _by_code(candidates: list[Territory], fias_ids: list, oktmos: list) -> Territory | None:
    guids = set()
    for value in fias_ids:
        try:
            guids.add(uuid.UUID(str(value)))
        except ValueError:
            continue
    codes = {_oktmo(value) for value in oktmos} - {""}
    matches = [
        t
        for t in candidates
        if (t.fias_id and t.fias_id in guids)
        or (t.oktmo and any(_oktmo_within(code, t.oktmo) for code in codes))
    ]
    return _deepest_consistent(matches)


def _oktmo(value) -> str:
    text = str(value).strip()
    if isinstance(value, int):  # a number lost its leading zeros
        text = text.zfill(11 if len(text) > 8 else 8)
    return text if re.fullmatch(r"[0-9]{8}([0-9]{3})?", text) else ""


def _oktmo_within(code: str, territory_code: str) -> bool:
    """An 11-digit code names a place inside the municipality of its first eight digits."""
    return code == territory_code or (len(territory_code) == 8 and code[:8] == territory_code)


def _deepest_consistent(matches: list[Territory]) -> Territory | None:
    """The deepest match, when all matches lie on one line from the root; else None."""
    if not matches:
        return None
    deepest = max(matches, key=lambda t: t.depth)
    return deepest if all(t.contains(deepest) for t in matches) else None


def _by_name(scope: list[Territory], texts: list) -> Territory | None:
    """The territory the first text that names one names; ambiguous texts are passed over."""
    for text in texts:
        if not isinstance(text, str):
            continue
        matches = [t for t in scope if mentions(text, t)]
        if not matches:
            continue
        # The deepest place named; between equals, the one whose surroundings are named too
        # ("Казань, Советский район" is Kazan's Soviet district, not another city's).
        ranked = sorted(((t.depth, sum(o.contains(t) for o in matches)), t.pk, t) for t in matches)
        best_rank = ranked[-1][0]
        best = [t for rank, _pk, t in ranked if rank == best_rank]
        if len(best) == 1:
            return best[0]
    return None


def words(text: str) -> list[str]:
    return _WORD.findall(text.casefold().replace("ё", "е"))


def mentions(text: str, territory: Territory) -> bool:
    """Whether `text` names the territory: one of its comma-separated parts is the territory's
    name (with or without the kind word), or the name stands next to its kind word."""
    kind_words = KIND_WORDS.get(territory.kind, set())
    parts = [[w for w in words(part) if w not in kind_words] for part in _PARTS.split(text)]
    tokens = words(text)
    for name in territory.name.values():
        core = [w for w in words(str(name)) if w not in kind_words]
        if not core:
            continue
        if core in parts:
            return True
        size = len(core)
        for start in range(len(tokens) - size + 1):
            if tokens[start : start + size] != core:
                continue
            before = tokens[start - 1] if start else ""
            after = tokens[start + size] if start + size < len(tokens) else ""
            if before in kind_words or after in kind_words:
                return True
    return False
