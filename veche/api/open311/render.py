"""Open311 answers as JSON or XML, and its errors.

XML is built with ElementTree, which escapes every text it writes, so nothing a resident typed
can open or close an element; characters XML 1.0 cannot carry at all are dropped. A list is
written as its plural element holding one singular element per item, as GeoReport v2 names them
(`<services><service>…`, `<service_requests><request>…`, `<errors><error>…`)."""

import json
import re
from xml.etree import ElementTree

from django.http import HttpResponse

CONTENT_TYPES = {"json": "application/json; charset=utf-8", "xml": "text/xml; charset=utf-8"}

# The element of one item of each list GeoReport v2 answers with.
ITEM = {
    "services": "service",
    "service_requests": "request",
    "errors": "error",
    "endpoints": "endpoint",
    "formats": "format",
    "attributes": "attribute",
    "values": "value",
}

# Everything outside XML 1.0's Char production (control characters, lone surrogates, U+FFFE/F).
_NOT_XML = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


class Open311Error(Exception):
    """A refusal in GeoReport v2's shape: an HTTP status and one or more descriptions."""

    def __init__(self, status: int, *descriptions: str, headers: dict | None = None):
        super().__init__(*descriptions)
        self.status = status
        self.descriptions = [str(text) for text in descriptions]
        self.headers = headers or {}


def _text(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return _NOT_XML.sub("", str(value))


def _fill(element, name: str, value) -> None:
    if isinstance(value, dict):
        for key, item in value.items():
            _fill(ElementTree.SubElement(element, key), key, item)
    elif isinstance(value, list):
        for item in value:
            _fill(ElementTree.SubElement(element, ITEM[name]), ITEM[name], item)
    elif value is not None:
        element.text = _text(value)


def to_xml(root: str, value) -> bytes:
    element = ElementTree.Element(root)
    _fill(element, root, value)
    return ElementTree.tostring(element, encoding="UTF-8", xml_declaration=True)


def respond(fmt: str, root: str, value, *, status: int = 200, headers=None) -> HttpResponse:
    """`value` (a dict or a list of dicts) as `fmt`; `root` names the XML document's element."""
    body = to_xml(root, value) if fmt == "xml" else json.dumps(value, ensure_ascii=False).encode()
    response = HttpResponse(body, status=status, content_type=CONTENT_TYPES[fmt])
    for name, header in (headers or {}).items():
        response[name] = header
    return response


def error_response(fmt: str, error: Open311Error) -> HttpResponse:
    errors = [{"code": error.status, "description": text} for text in error.descriptions]
    return respond(fmt, "errors", errors, status=error.status, headers=error.headers)
