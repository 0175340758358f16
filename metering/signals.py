"""Signals metering sends to the apps that read it, so that metering imports none of them.

``rollups_changed`` is sent once the transaction that wrote rollups commits, with the ids of the
``RollupChange`` outbox rows written with them (``change_ids``; None when the ids are not known,
meaning "the pending rows"). A receiver only queues its own work, e.g. accounting's
``rollup_changes_consume`` task; the outbox row, not the signal, is the record of the change, so a
receiver that fails or a message that is lost leaves the rows pending for that app's sweeper.

Why a signal rather than ``send_task("accounting....")`` by name: ``send_task`` always goes to the
broker, so the embedded default (eager Celery, no broker) would never consume the outbox; and a
task name in metering would still be a dependency on accounting, only one that no import check sees.
A signal keeps the direction of knowledge the right way round: accounting connects to metering.
"""

from __future__ import annotations

from django.dispatch import Signal

rollups_changed = Signal()
