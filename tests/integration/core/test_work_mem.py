"""``work_mem(megabytes)``: the block's queries get more sort and hash memory on PostgreSQL, and the
setting is as before once the block ends (even inside an open transaction, even when the block fails);
on SQLite the block simply runs."""

from __future__ import annotations

import pytest
from django.db import connection, transaction

from retour.catalog.models import Store
from retour.core.work_mem import work_mem

pytestmark = pytest.mark.django_db


def setting() -> str:
    """PostgreSQL's work_mem now; "" on a database without one."""
    if connection.vendor != "postgresql":
        return ""
    with connection.cursor() as cursor:
        cursor.execute("SHOW work_mem")
        return str(cursor.fetchone()[0])


def test_the_blocks_queries_get_the_memory_and_the_setting_comes_back_after() -> None:
    before = setting()
    with transaction.atomic():  # a transaction left open around the block: SET LOCAL would outlive it
        with work_mem(77):
            inside = setting()
            stores = Store.objects.count()
        after = setting()
    assert stores == Store.objects.count()
    assert after == before
    assert inside == ("77MB" if connection.vendor == "postgresql" else "")
    assert inside != before or connection.vendor != "postgresql"


def test_a_block_that_fails_leaves_the_setting_as_it_was() -> None:
    before, stores = setting(), Store.objects.count()
    with transaction.atomic():
        with pytest.raises(ValueError, match="stop"), work_mem(77):
            raise ValueError("stop")
        assert setting() == before
        assert Store.objects.count() == stores  # the transaction is still usable
