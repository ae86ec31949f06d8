"""Signals sent by statusboard.

Each signal is sent from the single code path that makes the change, inside the
transaction that writes it. A receiver that talks to the outside world should
defer its work with ``transaction.on_commit``.
"""

from __future__ import annotations

from django.dispatch import Signal

# Sent once for every actual change of a service's status, whatever made it:
# ``Service.save()``, ``Service.set_status()``, ``ServiceQuerySet.set_status()``,
# forms, the admin and the API. Never sent when a service is created, nor for a
# save that leaves the status alone.
# kwargs: ``service`` (the Service), ``old_status`` and ``new_status`` (ints).
service_status_changed = Signal()

# Sent when an incident update is added or edited, after ``incident.closed``
# has been brought up to date.
# kwargs: ``incident`` (the Incident), ``update`` (the IncidentUpdate),
# ``created`` (True when the update is new).
incident_updated = Signal()
