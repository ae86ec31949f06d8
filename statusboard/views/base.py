"""What every statusboard page needs in its template context."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.context_processors import PermWrapper
from django.contrib.messages import get_messages

from statusboard.conf import app_settings


class StatusboardContextMixin:
    """Put ``user``, ``perms``, ``messages`` and the page's favicon in the context.

    The templates need them to show the user's links and the flash messages,
    and a host may lack the context processors that usually provide them.
    """

    # Whether the menu's "Sign in" link brings the user back to this page;
    # not for the pages of signing in and out themselves.
    come_back_after_login = True

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        request = self.request
        context.update(
            {
                "request": request,
                "user": request.user,
                "perms": PermWrapper(request.user),
                "messages": get_messages(request),
                "login_next": request.get_full_path() if self.come_back_after_login else None,
            }
        )
        context.setdefault("favicon", app_settings.FAVICON_DEFAULT)
        return context
