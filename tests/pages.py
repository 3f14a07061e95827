"""Checking a rendered page for page tests: what it shows, and in which order."""


def assert_in_order(html: str, texts: list[str]) -> None:
    """Every text is on the page, each after the one before it."""
    assert [text for text in texts if text not in html] == [], "missing from the page"
    positions = [html.index(text) for text in texts]
    assert positions == sorted(positions), "out of order"
