"""gunicorn's settings under ``retour serve``."""

from __future__ import annotations

import gc

from retour.config import gunicorn


def test_a_worker_moves_what_it_loaded_out_of_the_garbage_collectors_way():
    gc.unfreeze()
    kept = [[] for _ in range(10)]  # lists: objects the collector tracks
    gunicorn.post_worker_init(worker=None)
    try:
        assert gc.get_freeze_count() >= len(kept)
    finally:
        gc.unfreeze()
