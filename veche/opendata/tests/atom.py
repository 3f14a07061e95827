"""Reading an Atom feed as a reader would: parsed with the standard library, its required
elements checked (RFC 4287: the feed's id, title and updated; each entry's id, title, updated
and link)."""

import xml.etree.ElementTree as ET

ATOM = "{http://www.w3.org/2005/Atom}"


def entries(response) -> list[ET.Element]:
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    feed = ET.fromstring(response.content)  # noqa: S314 -- our own feed, in a test
    assert feed.tag == f"{ATOM}feed"
    for name in ("id", "title", "updated"):
        assert (feed.findtext(f"{ATOM}{name}") or "").strip(), name
    assert feed.find(f"{ATOM}author/{ATOM}name") is not None
    found = feed.findall(f"{ATOM}entry")
    for entry in found:
        for name in ("id", "title", "updated"):
            assert (entry.findtext(f"{ATOM}{name}") or "").strip(), name
        assert entry.find(f"{ATOM}link[@rel='alternate']").get("href").startswith("http")
    return found


def titles(response) -> set[str]:
    return {entry.findtext(f"{ATOM}title") for entry in entries(response)}
