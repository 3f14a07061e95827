"""Log lines are JSON objects that carry the request id and extra fields."""

import json
import logging

from veche.core.logging import JsonFormatter, RequestIdFilter, request_id_var


def test_json_log_line_has_request_id_and_extra_fields():
    record = logging.makeLogRecord(
        {
            "name": "veche.test",
            "levelname": "INFO",
            "msg": "signed %s",
            "args": ("ok",),
            "appeal": 42,
        }
    )
    token = request_id_var.set("req-7")
    try:
        RequestIdFilter().filter(record)
    finally:
        request_id_var.reset(token)
    entry = json.loads(JsonFormatter().format(record))
    assert entry["message"] == "signed ok"
    assert entry["request_id"] == "req-7"
    assert entry["appeal"] == 42
    assert entry["level"] == "INFO"
