"""`retour import-orders` and `retour create-store`: clear summaries, clear refusals."""

from __future__ import annotations

import io
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from PIL import Image

from factories import ShopifyExport, json_order
from retour.catalog.models import Seller, Store
from retour.orders.models import Order

pytestmark = pytest.mark.django_db


def run(*args: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command(*args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def run_failing(*args: str) -> tuple[str, str]:
    err = io.StringIO()
    with pytest.raises(CommandError) as failure:
        call_command(*args, stdout=io.StringIO(), stderr=err)
    return str(failure.value), err.getvalue()


# import-orders


def test_importing_an_export_prints_the_summary(store: Store, forezia_csv: Path):
    out, _err = run("import_orders", str(forezia_csv), "--format", "shopify-csv", "--store", store.code)
    assert out.strip() == "Imported 19 orders (40 lines written): 19 new, 0 updated, 0 unchanged."
    assert Order.objects.filter(store=store).count() == 19


def test_importing_it_again_reports_every_order_unchanged(store: Store, forezia_csv: Path):
    run("import_orders", str(forezia_csv), "--format", "shopify-csv")
    out, _err = run("import_orders", str(forezia_csv), "--format", "shopify-csv")
    assert out.strip() == "Imported 19 orders (0 lines written): 0 new, 0 updated, 19 unchanged."


def test_the_only_store_is_used_without_store(store: Store, creyox_csv: Path):
    run("import_orders", str(creyox_csv), "--format", "shopify-csv")
    assert sorted(Order.objects.filter(store=store).values_list("number", flat=True)) == ["#1001", "#1002"]


def test_a_bad_file_lists_each_error_and_imports_nothing(store: Store, forezia_csv: Path, tmp_path: Path):
    export = ShopifyExport.read(forezia_csv)
    export.set(12, "Lineitem quantity", "two").set(41, "Lineitem price", "1025,00")
    path = export.write(tmp_path / "orders.csv")

    message, err = run_failing("import_orders", str(path), "--format", "shopify-csv", "--store", store.code)

    assert message == "2 errors; nothing was imported."
    assert err.splitlines() == [
        "row 12, column Lineitem quantity: two is not a whole number",
        "row 41, column Lineitem price: 1025,00 is not a number",
    ]
    assert not Order.objects.exists()


def test_another_stores_export_is_refused_instead_of_overwriting_orders(
    store: Store, forezia_csv: Path, creyox_csv: Path
):
    run("import_orders", str(forezia_csv), "--format", "shopify-csv")
    before = dict(Order.objects.values_list("number", "currency"))

    message, err = run_failing("import_orders", str(creyox_csv), "--format", "shopify-csv")

    assert message == "2 errors; nothing was imported."
    assert err.splitlines() == [
        f"row {row}, column Currency: order {number} is already stored in EUR; an import cannot change "
        "its currency to INR (is this another store's file?)"
        for row, number in ((2, "#1002"), (3, "#1001"))
    ]
    assert dict(Order.objects.values_list("number", "currency")) == before
    assert Order.objects.get(number="#1001").total == Decimal("1659.95")


def test_a_json_lines_file_is_imported(store: Store, tmp_path: Path):
    path = tmp_path / "orders.jsonl"
    path.write_text("\n".join(json.dumps(json_order(number=f"R-{n}")) for n in range(3)), encoding="utf-8")
    out, _err = run("import_orders", str(path), "--format", "json")
    assert out.startswith("Imported 3 orders (3 lines written): 3 new")


def test_standard_input_is_read_for_a_dash(store: Store, monkeypatch: pytest.MonkeyPatch):
    data = json.dumps([json_order()]).encode()
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(data)))
    out, _err = run("import_orders", "-", "--format", "json")
    assert out.startswith("Imported 1 order (1 line written): 1 new")
    assert Order.objects.get().number == "R-1001"


def test_a_file_that_is_not_utf8_is_refused(store: Store, tmp_path: Path):
    path = tmp_path / "orders.jsonl"
    path.write_bytes(
        json.dumps(json_order(shipping_method="Livraison à domicile"), ensure_ascii=False).encode("latin-1")
    )
    message, _err = run_failing("import_orders", str(path), "--format", "json")
    assert message == "The file is not UTF-8 text."
    assert not Order.objects.exists()


def test_an_unknown_store_is_refused(store: Store, forezia_csv: Path):
    message, _err = run_failing(
        "import_orders", str(forezia_csv), "--format", "shopify-csv", "--store", "nope"
    )
    assert message == "There is no store with the code nope."


def test_a_missing_file_is_refused(store: Store, tmp_path: Path):
    message, _err = run_failing("import_orders", str(tmp_path / "missing.csv"), "--format", "shopify-csv")
    assert message == f"No such file: {tmp_path / 'missing.csv'}"


def test_several_stores_need_store(store: Store, other_store: Store, forezia_csv: Path):
    message, _err = run_failing("import_orders", str(forezia_csv), "--format", "shopify-csv")
    assert "several stores" in message
    assert not Order.objects.exists()


def test_importing_before_any_store_exists_is_refused(db: None, forezia_csv: Path):
    message, _err = run_failing("import_orders", str(forezia_csv), "--format", "shopify-csv")
    assert "create-store" in message


def test_an_unknown_format_is_refused(store: Store, forezia_csv: Path):
    message, _err = run_failing("import_orders", str(forezia_csv), "--format", "xlsx")
    assert "invalid choice: 'xlsx'" in message


# create-store


def test_create_store_creates_the_store_and_its_own_seller(db: None):
    out, _err = run(
        "create_store",
        "maison-lumiere",
        "--name",
        "Maison Lumière",
        "--currency",
        "eur",
        "--time-zone",
        "Europe/Paris",
    )
    assert out.strip() == "Store maison-lumiere is ready."
    store = Store.objects.get(code="maison-lumiere")
    assert (store.name, store.currency, store.country, store.languages) == (
        "Maison Lumière",
        "EUR",
        "FR",
        "fr,en",
    )
    seller = Seller.objects.get(store=store)
    assert (seller.code, seller.name, seller.kind) == ("maison-lumiere", "Maison Lumière", Seller.Kind.STORE)


def test_create_store_updates_a_store_with_the_same_code(store: Store):
    run(
        "create_store",
        store.code,
        "--name",
        "Renamed",
        "--currency",
        "JPY",
        "--country",
        "jp",
        "--time-zone",
        "Asia/Tokyo",
    )
    store.refresh_from_db()
    assert (store.name, store.currency, store.country, store.time_zone) == (
        "Renamed",
        "JPY",
        "JP",
        "Asia/Tokyo",
    )
    assert Store.objects.count() == 1
    assert Seller.objects.filter(store=store).count() == 1


@pytest.mark.parametrize(
    ("option", "value", "field"),
    [
        ("--currency", "EUX", "currency"),
        ("--time-zone", "Europe/Lutece", "time_zone"),
        ("--country", "FRA", "country"),
        ("--languages", "fr,de", "languages"),
    ],
)
def test_create_store_refuses_bad_settings(db: None, option: str, value: str, field: str):
    message, _err = run_failing("create_store", "shop", "--name", "Shop", option, value)
    assert message.startswith(f"{field}: ")
    assert not Store.objects.exists()
    assert not Seller.objects.exists()


def test_create_store_sets_the_portals_colour_and_logo(store: Store, tmp_path: Path, settings: Any):
    settings.STORAGES = {**settings.STORAGES, "default": {**settings.STORAGES["default"]}}
    settings.STORAGES["default"]["OPTIONS"] = {"location": tmp_path / "media"}
    logo = tmp_path / "logo.png"
    Image.new("RGB", (120, 40), (122, 31, 92)).save(logo, "PNG")
    run("create_store", store.code, "--name", store.name, "--brand-colour", "#7A1F5C", "--logo", str(logo))
    store.refresh_from_db()
    assert store.brand_colour == "#7a1f5c"
    assert store.logo.name.startswith("logos/logo")
    with store.logo.open("rb") as stored:
        assert Image.open(stored).size == (120, 40)


def test_create_store_refuses_a_light_colour_or_a_logo_that_is_not_an_image(store: Store, tmp_path: Path):
    message, _err = run_failing("create_store", store.code, "--name", "Shop", "--brand-colour", "#ffd700")
    assert message.startswith("brand_colour: #ffd700 is too light")
    fake = tmp_path / "logo.png"
    fake.write_bytes(b"<svg onload=alert(1)></svg>")
    message, _err = run_failing("create_store", store.code, "--name", "Shop", "--logo", str(fake))
    assert message.startswith("logo: The logo is not an image that can be read")
    store.refresh_from_db()
    assert (store.name, store.brand_colour, store.logo.name) == ("Test Store", "", "")
