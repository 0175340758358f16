"""Signals accounting sends to the apps that read it, so that accounting imports none of them.

``kpis_changed`` is sent once the transaction that replaced a site's KPI buckets commits, with
``site_id``, the span refreshed (``start``, ``end``: aware datetimes, [start, end)) and the calendar
``years`` (in the site's time zone) that span touches. A receiver only queues its own work, e.g.
certifications refreshing the site's green-factory evaluations of those years; the stored KPIs and
their ``computed_at``, not the signal, are the record of the change, so a receiver that fails or a
message that is lost is caught by that app's periodic sweep.
"""

from __future__ import annotations

from django.dispatch import Signal

kpis_changed = Signal()
