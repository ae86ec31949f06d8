"""The templates as a host sees them: overridable, self-contained, served from
the package's own static files."""

from __future__ import annotations

import copy
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.management import call_command
from django.template import engines
from django.test import override_settings
from django.urls import reverse

import statusboard
from statusboard.conf import DEFAULTS
from tests.factories import IncidentFactory, ServiceFactory
from tests.htmlcheck import check_page

pytestmark = pytest.mark.django_db

# The installed package, so that a file missing from the wheel fails here.
STATIC = Path(statusboard.__file__).resolve().parent / "static" / "statusboard"

# The host override from the issue, verbatim.
ACME_BASE = """{% extends "statusboard/base.html" %}
{% block title %}ACME, Inc.{% endblock %}
{% block branding %}<a class="navbar-brand" href="{% url 'statusboard:index' %}">ACME status</a>{% endblock %}
"""  # noqa: E501

BLOCKS = (
    "meta_extra",
    "title",
    "favicon",
    "bootstrap_theme",
    "style",
    "header",
    "branding",
    "userlinks",
    "footer",
    "script",
)


def host_templates(tmp_path: Path, source: str) -> dict:
    """Settings whose template DIRS hold ``statusboard/base.html`` = ``source``."""
    (tmp_path / "statusboard").mkdir()
    (tmp_path / "statusboard" / "base.html").write_text(source)
    templates = copy.deepcopy(settings.TEMPLATES)
    templates[0]["DIRS"] = [str(tmp_path)]
    return {"TEMPLATES": templates}


def test_the_host_override_from_the_docs_works_verbatim(client, tmp_path):
    incident = IncidentFactory(name="Mail down")

    with override_settings(**host_templates(tmp_path, ACME_BASE)):
        index = check_page(client.get(reverse("statusboard:index")).content)
        page = check_page(client.get(incident.get_absolute_url()).content)

    assert index.find("title").text == "ACME, Inc."
    assert index.find("a", class_="navbar-brand").text == "ACME status"
    assert page.find("title").text == "Mail down – ACME, Inc."
    assert page.find("a", class_="navbar-brand").text == "ACME status"
    # The rest of the page is still statusboard's.
    assert page.find("h1").text == "Mail down"


@pytest.mark.parametrize("block", BLOCKS)
def test_every_documented_block_can_be_overridden(client, tmp_path, block):
    ServiceFactory()
    source = '{% extends "statusboard/base.html" %}'
    source += f"{{% block {block} %}}<span>HOST-{block}</span>{{% endblock %}}"

    with override_settings(**host_templates(tmp_path, source)):
        response = client.get(reverse("statusboard:incident:archive-index"))

    assert f"<span>HOST-{block}</span>".encode() in response.content


def test_the_content_block_fills_the_main_landmark(rf):
    template = engines["django"].from_string(
        '{% extends "statusboard/base.html" %}{% block content %}<h1>Host</h1>{% endblock %}'
    )
    doc = check_page(template.render({}, rf.get("/")))
    assert doc.find("main").find("h1").text == "Host"


def test_pages_use_only_the_packages_static_files(client):
    ServiceFactory()
    doc = check_page(client.get(reverse("statusboard:index")).content)

    links = [n for n in doc.find_all("link") if n.attrs["rel"] in ("icon", "stylesheet")]
    assets = [n.attrs["href"] for n in links] + [n.attrs["src"] for n in doc.find_all("script")]
    assert len(assets) == 7
    for url in assets:
        assert url.startswith(settings.STATIC_URL), url  # No CDN.
        assert finders.find(url.removeprefix(settings.STATIC_URL)), url


def test_the_default_favicons_ship_as_svg():
    paths = [DEFAULTS["FAVICON_DEFAULT"], *DEFAULTS["FAVICON_INDEX_DICT"].values()]
    for path in paths:
        found = finders.find(path)
        assert found, path
        root = ET.parse(found).getroot()  # noqa: S314 (the package's own file)
        assert root.tag == "{http://www.w3.org/2000/svg}svg"


def test_vendored_assets_keep_their_licences():
    vendor = STATIC / "vendor"
    assert (vendor / "bootstrap-5.3.9" / "LICENSE").is_file()
    assert (vendor / "bootstrap-5.3.9" / "LICENSE-popper.md").is_file()
    assert (vendor / "bootstrap-icons-1.13.2" / "LICENSE").is_file()


def test_collectstatic_with_hashed_names_finds_every_referenced_file(tmp_path):
    """ManifestStaticFilesStorage fails on a url() or source map that is missing."""
    storages = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"},
    }
    with override_settings(STATIC_ROOT=tmp_path, STORAGES=storages):
        call_command("collectstatic", interactive=False, verbosity=0)
    assert list(tmp_path.glob("statusboard/css/statusboard.*.css"))


def test_no_data_uri_images_for_a_strict_csp():
    """statusboard.css replaces Bootstrap's data: images of the controls it uses."""
    css = (STATIC / "css" / "statusboard.css").read_text()
    for selector, image in [
        (".form-select", "chevron-down-light.svg"),
        ('[data-bs-theme="dark"] .form-select', "chevron-down-dark.svg"),
        ('.form-check-input:checked[type="checkbox"]', "check.svg"),
        (".btn-close", "close.svg"),
    ]:
        rule = f'{selector} {{\n  background-image: url("../icons/ui/{image}");\n}}'
        assert rule in css, selector
        assert finders.find(f"statusboard/icons/ui/{image}"), image
    for url in css.split("url(")[1:]:
        assert not url.startswith(('"data:', "data:"))


def test_own_scripts_are_files_not_inline():
    for name in ("theme.js", "statusboard.js"):
        source = (STATIC / "js" / name).read_text()
        assert '"use strict"' in source
        assert "eval(" not in source


def test_the_incident_form_adds_updates_from_a_template(client, superuser):
    client.force_login(superuser)
    doc = check_page(client.get(reverse("statusboard:incident:create")).content)

    button = doc.find(id="statusboard-add-update")
    prefix = button.attrs["data-statusboard-add-form"]
    template = doc.find("template", id=f"{prefix}-empty-form")
    assert "hidden" in button.attrs  # Shown by the script, which needs the template.
    assert template.find("select", name=f"{prefix}-__prefix__-status") is not None
    assert doc.find(id=f"{prefix}-forms") is not None
    assert doc.find("input", id=f"id_{prefix}-TOTAL_FORMS") is not None
