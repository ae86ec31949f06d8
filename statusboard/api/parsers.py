"""Reading request bodies: JSON only."""

from __future__ import annotations

from typing import IO, Any

from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions, parsers, status


class JSONParser(parsers.JSONParser):
    """DRF's JSONParser, refusing documents nested deeper than ``max_depth``.

    No valid body nests deeper than a few levels; a deeper one would only
    exhaust Python's recursion limit somewhere later (a 500).
    """

    max_depth = 32

    def parse(
        self, stream: IO[bytes], media_type: str | None = None, parser_context: Any = None
    ) -> Any:
        try:
            data = super().parse(stream, media_type, parser_context)
            too_deep = _depth_exceeds(data, self.max_depth)
        except RecursionError:
            too_deep = True
        if too_deep:
            raise exceptions.ParseError(
                _("JSON parse error - nested deeper than %(depth)d levels.")
                % {"depth": self.max_depth}
            )
        return data


def _depth_exceeds(data: Any, limit: int) -> bool:
    stack = [(data, 1)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, dict):
            children = value.values()
        elif isinstance(value, list):
            children = value
        else:
            continue
        if depth > limit:
            return True
        stack.extend((child, depth + 1) for child in children)
    return False


class PayloadTooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_detail = _("The request body is too large.")
    default_code = "payload_too_large"
