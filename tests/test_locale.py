"""The Italian translation ships complete and compiled."""

from __future__ import annotations

import gettext
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import translation

import statusboard
from statusboard.models import ServiceStatus
from tests.factories import IncidentFactory, ServiceFactory, ServiceGroupFactory
from tests.htmlcheck import check_page

# The installed package, so that a file missing from the wheel fails here.
LC_MESSAGES = Path(statusboard.__file__).resolve().parent / "locale/it/LC_MESSAGES"


def _entries(po: str) -> list[str]:
    return [block for block in po.split("\n\n") if "msgid " in block]


def test_every_message_is_translated():
    po = (LC_MESSAGES / "django.po").read_text(encoding="utf-8")
    untranslated = []
    for block in _entries(po)[1:]:  # The first entry is the header.
        assert "#, fuzzy" not in block, block
        if re.search(r'^msgstr(\[\d\])? ""$', block, flags=re.MULTILINE) and not re.search(
            r'^msgstr(\[\d\])? ""\n"', block, flags=re.MULTILINE
        ):
            untranslated.append(block)
    assert not untranslated, "\n\n".join(untranslated)


@pytest.mark.skipif(shutil.which("msgfmt") is None, reason="needs GNU gettext's msgfmt")
def test_the_compiled_catalog_matches_the_po_file(tmp_path):
    compiled = tmp_path / "django.mo"
    subprocess.run(  # noqa: S603
        [shutil.which("msgfmt"), "--check", "-o", str(compiled), str(LC_MESSAGES / "django.po")],
        check=True,
    )
    with compiled.open("rb") as fresh, (LC_MESSAGES / "django.mo").open("rb") as shipped:
        assert gettext.GNUTranslations(fresh)._catalog == gettext.GNUTranslations(shipped)._catalog


@pytest.mark.django_db
def test_the_status_page_in_italian(client):
    group = ServiceGroupFactory(name="Rete")
    ServiceFactory(groups=[group], status=ServiceStatus.PARTIAL_OUTAGE)
    IncidentFactory()

    # LocaleMiddleware leaves Italian active in this thread: restore the language after.
    with translation.override(translation.get_language()):
        response = client.get(reverse("statusboard:index"), HTTP_ACCEPT_LANGUAGE="it")

    doc = check_page(response.content)
    assert doc.find("html").attrs["lang"] == "it"
    assert doc.find(id="statusboard-banner").text == "Alcuni sistemi hanno interruzioni parziali"
    assert doc.find(class_="statusboard-status-badge").text == "Interruzione parziale"
    assert doc.find(id="incidents-heading").text == "Incidenti recenti"
    assert doc.find(id="statusboard-nav-archive").text == "Storico degli incidenti"
