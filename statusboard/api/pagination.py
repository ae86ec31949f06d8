"""Pagination of the v1 lists; v0.1 lists stay plain JSON arrays."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import pagination
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request


class PageNumberPagination(pagination.PageNumberPagination):
    """``?page=N`` and ``?page_size=N``, the size clamped to ``max_page_size``.

    A page past the end is a 404; a ``page_size`` that is not a whole number of
    at least 1 is a 400 naming it (DRF would silently use the default).
    """

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500
    page_size_query_description = _(
        "Number of results to return per page (at most 500; larger values are clamped)."
    )

    def get_page_size(self, request: Request) -> int:
        value = request.query_params.get(self.page_size_query_param)
        if value is None or value == "":
            return self.page_size
        if not value.isascii() or not value.isdigit() or not value.strip("0"):
            raise ValidationError(
                {self.page_size_query_param: [_("A whole number of at least 1 is required.")]}
            )
        # Compare lengths first: int() refuses strings of thousands of digits.
        if len(value.lstrip("0")) > len(str(self.max_page_size)):
            return self.max_page_size
        return min(int(value), self.max_page_size)

    def get_schema_operation_parameters(self, view: object) -> list[dict]:
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            parameter["schema"]["minimum"] = 1
        return parameters
