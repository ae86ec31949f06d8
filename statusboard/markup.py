"""Markdown for incident updates and maintenance descriptions.

The text is rendered with python-markdown, then cleaned with nh3 against an
allow-list: no script, no event handler attributes, no ``javascript:`` or
``data:`` URLs get through, whatever the author typed. Raw HTML in the source
is escaped, not interpreted.
"""

from __future__ import annotations

import markdown
import nh3
from django.utils.html import strip_tags
from django.utils.safestring import SafeString, mark_safe

ALLOWED_TAGS = {
    "a",
    "blockquote",
    "br",
    "code",
    "em",
    "h3",
    "h4",
    "h5",
    "h6",
    "hr",
    "li",
    "ol",
    "p",
    "pre",
    "strong",
    "table",
    "tbody",
    "td",
    "th",
    "thead",
    "tr",
    "ul",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "td": {"align"}, "th": {"align"}}
ALLOWED_URL_SCHEMES = {"http", "https", "mailto"}


class _EscapeHtml(markdown.Extension):
    """Treat raw HTML in the source as text."""

    def extendMarkdown(self, md: markdown.Markdown) -> None:  # noqa: N802 (python-markdown's API)
        md.preprocessors.deregister("html_block")
        md.inlinePatterns.deregister("html")


def render_markdown(text: str) -> SafeString:
    """Markdown source to sanitised HTML, safe to put in a page or a feed."""
    html = markdown.markdown(text or "", extensions=["fenced_code", "tables", "sane_lists", _EscapeHtml()])
    cleaned = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_URL_SCHEMES,
        link_rel="nofollow noopener noreferrer",
    )
    return mark_safe(cleaned)  # noqa: S308 (cleaned by nh3 against the allow-list above)


def markdown_to_text(text: str) -> str:
    """The words of a Markdown text without markup, for plain-text contexts."""
    return strip_tags(render_markdown(text)).strip()
