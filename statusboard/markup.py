"""Markdown for incident updates and maintenance descriptions.

The text is rendered with python-markdown, then cleaned with nh3 against an
allow-list: no script, no event handler attributes, no ``javascript:`` or
``data:`` URLs get through, whatever the author typed. Raw HTML in the source
is escaped, not interpreted.
"""

from __future__ import annotations

import re
from html import unescape

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

# C0 control characters but tab, line feed and carriage return, and DEL: XML 1.0
# (feeds, SVG) cannot carry them, and neither can iCalendar's TEXT.
_CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


class _EscapeHtml(markdown.Extension):
    """Treat raw HTML in the source as text."""

    def extendMarkdown(self, md: markdown.Markdown) -> None:  # noqa: N802 (python-markdown's API)
        md.preprocessors.deregister("html_block")
        md.inlinePatterns.deregister("html")


def render_markdown(text: str) -> SafeString:
    """Markdown source to sanitised HTML, safe to put in a page or a feed."""
    html = markdown.markdown(
        text or "", extensions=["fenced_code", "tables", "sane_lists", _EscapeHtml()]
    )
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
    # strip_tags leaves the entities of the HTML: "&amp;" must be "&" again.
    return unescape(strip_tags(render_markdown(text))).strip()


def without_control_characters(text: str) -> str:
    """``text`` without the control characters that XML and iCalendar refuse
    (one in a name would otherwise make a feed fail with a 500)."""
    return _CONTROL_CHARACTERS.sub("", text)
