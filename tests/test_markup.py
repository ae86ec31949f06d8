from __future__ import annotations

from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from statusboard.markup import (
    ALLOWED_TAGS,
    markdown_to_text,
    render_markdown,
    without_control_characters,
)
from tests.factories import IncidentUpdateFactory, MaintenanceFactory

HOSTILE = [
    "<script>alert(1)</script>",
    '<img src=x onerror="alert(1)">',
    "[click](javascript:alert(1))",
    "[click](JaVaScRiPt:alert(1))",
    "[click](data:text/html;base64,PHNjcmlwdD4=)",
    '<a href="https://example.com" onclick="alert(1)">x</a>',
    "<iframe src=https://example.com></iframe>",
    '<svg onload="alert(1)">',
]


class Elements(HTMLParser):
    """Every element and attribute in a piece of HTML."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.elements: list[tuple[str, dict[str, str | None]]] = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, dict(attrs)))


def assert_harmless(html: str) -> None:
    for tag, attributes in Elements(html).elements:
        assert tag in ALLOWED_TAGS
        for name, value in attributes.items():
            assert not name.startswith("on")
            if name == "href":
                # A relative link is harmless; an absolute one must be http(s) or mail.
                assert urlsplit(value).scheme.lower() in {"", "http", "https", "mailto"}


@pytest.mark.parametrize("source", HOSTILE)
def test_hostile_markup_never_gets_through(source):
    assert_harmless(render_markdown(source))


@given(
    st.lists(
        st.sampled_from([*HOSTILE, "**bold**", "[a](", "https://x.org)", "\n\n", "<", ">", '"']),
        max_size=8,
    ).map("".join)
)
def test_any_mix_of_hostile_fragments_stays_harmless(source):
    assert_harmless(render_markdown(source))


def test_links_keep_http_urls_and_get_a_safe_rel():
    html = render_markdown("[status](https://example.com/status)")

    assert html == (
        '<p><a href="https://example.com/status" rel="nofollow noopener noreferrer">status</a></p>'
    )


def test_common_markdown_is_rendered():
    html = render_markdown("We are **on it**.\n\n- first\n- second\n\n`code`")

    assert "<strong>on it</strong>" in html
    assert "<li>first</li>" in html
    assert "<code>code</code>" in html


def test_raw_html_is_shown_as_text():
    assert render_markdown("<b>bold</b>") == "<p>&lt;b&gt;bold&lt;/b&gt;</p>"


def test_plain_text():
    assert markdown_to_text("**Fixed** in [v2](https://example.com)") == "Fixed in v2"


def test_plain_text_has_the_characters_not_their_entities():
    assert markdown_to_text("Fish & chips, <b>not bold</b>") == "Fish & chips, <b>not bold</b>"


def test_without_control_characters_keeps_tabs_and_line_breaks():
    assert without_control_characters("a\x00b\x0bc\x1bd\x7fe\tf\ng\rh") == "abcde\tf\ng\rh"


@pytest.mark.django_db
def test_pages_show_updates_and_maintenances_as_sanitised_markdown(client):
    payload = "**Bold** <script>alert(1)</script> [x](javascript:alert(1))"
    update = IncidentUpdateFactory(description=payload, incident__postmortem=payload)
    maintenance = MaintenanceFactory(description=payload, ongoing=True)

    for url in [
        reverse("statusboard:index"),
        update.incident.get_absolute_url(),
        maintenance.get_absolute_url(),
    ]:
        html = client.get(url).content.decode()
        assert "<strong>Bold</strong>" in html, url
        assert "<script>alert" not in html, url
        assert "javascript:" not in html, url


def test_fenced_code_blocks_are_rendered_and_escaped():
    html = render_markdown("```\n<script>alert(1)</script>\n```")

    assert html == "<pre><code>&lt;script&gt;alert(1)&lt;/script&gt;\n</code></pre>"
