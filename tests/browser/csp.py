"""A strict Content-Security-Policy for the pages served to the browser tests.

statusboard promises that its pages work under ``default-src 'self'`` (no
inline script or style, no data: images, no CDN). Django 5.2 has no CSP
middleware of its own, hence this one.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

POLICY = "default-src 'self'"


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers["Content-Security-Policy"] = POLICY
        return response
