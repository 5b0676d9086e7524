"""``event_recorded``: sent after the commit that saved a timeline event (kwargs: ``event``)."""

from __future__ import annotations

from django.dispatch import Signal

event_recorded = Signal()
