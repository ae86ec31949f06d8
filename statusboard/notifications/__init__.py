"""Notifications: email and webhook subscribers, told about incidents, service
status changes and maintenances through Django's tasks framework.

- ``models``: the subscribers, the events and the log of webhook deliveries.
- ``receivers``: turn statusboard's signals into events after each commit.
- ``events``: build an event's versioned payload and publish it.
- ``tasks``: the tasks that fan an event out and deliver it.
- ``webhooks`` and ``ssrf``: signed POSTs to addresses that are safe to reach.
- ``email`` and ``tokens``: the messages and their signed links.
- ``tick``: what ``manage.py statusboard_tick`` does on every run.
"""
