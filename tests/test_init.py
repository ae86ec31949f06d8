from __future__ import annotations

import subprocess
import sys

import pytest

import statusboard


def test_models_are_importable_from_the_package():
    from statusboard import Incident, Service
    from statusboard.models import Incident as ModelIncident
    from statusboard.models import Service as ModelService

    assert Service is ModelService
    assert Incident is ModelIncident


def test_unknown_attribute_raises_attribute_error():
    with pytest.raises(AttributeError):
        statusboard.Nothing  # noqa: B018


def test_importing_the_package_does_not_import_the_models():
    code = "import sys, statusboard; print('statusboard.models' in sys.modules)"
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )

    assert result.stdout.strip() == "False"
