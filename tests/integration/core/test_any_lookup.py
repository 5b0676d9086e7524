"""``__any``: the same rows as ``__in``, one array parameter on PostgreSQL."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from retour.catalog.models import Store
from retour.insights.models import PastReturn

pytestmark = pytest.mark.django_db


def test_any_finds_what_in_finds_through_keys_and_joins():
    stores = [Store.objects.create(code=f"s{n}", name=f"S{n}", currency="EUR") for n in range(5)]
    wanted = [stores[0].pk, stores[3].pk, stores[3].pk, None, 10**9]
    assert sorted(Store.objects.filter(pk__any=wanted).values_list("code", flat=True)) == ["s0", "s3"]
    assert list(Store.objects.filter(pk__any=wanted).order_by("pk")) == list(
        Store.objects.filter(pk__in=wanted).order_by("pk")
    )
    assert list(
        Store.objects.filter(code__any=["s1", "s4"]).order_by("code").values_list("pk", flat=True)
    ) == [
        stores[1].pk,
        stores[4].pk,
    ]
    # digits for a text column are compared as text, and ids given as text as ids
    assert not Store.objects.filter(code__any=[1, 2]).exists()
    assert list(Store.objects.filter(pk__any=[str(stores[0].pk)]).values_list("code", flat=True)) == ["s0"]
    # across a relation, and nothing asked: nothing found
    assert not PastReturn.objects.filter(store_id__any=wanted).exists()
    assert not Store.objects.filter(pk__any=[]).exists()
    assert not Store.objects.filter(pk__any=[None]).exists()


def test_a_long_list_is_one_parameter_on_postgresql():
    stores = [Store.objects.create(code=f"t{n}", name=f"T{n}", currency="EUR") for n in range(3)]
    ids = [store.pk for store in stores] + list(range(10**8, 10**8 + 3000))
    with CaptureQueriesContext(connection) as queries:
        found = set(Store.objects.filter(pk__any=ids).values_list("pk", flat=True))
    assert found == {store.pk for store in stores}
    sql = queries.captured_queries[0]["sql"]
    if connection.vendor == "postgresql":
        assert "= ANY(" in sql
        assert " IN (" not in sql
    else:
        assert " IN (" in sql
