"""The REST API: the only part of statusboard that imports DRF and django-filter."""
