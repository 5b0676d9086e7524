"""``retour demo``: load the demo store, Maison Lumière, or write its orders to a file.

Loading is idempotent: the store, its categories and sellers are brought to their definition, the
orders go through the one import writer (unchanged orders are skipped), and staff accounts are created
only when missing. The orders are the same all day long: they are generated up to midnight, store time.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable, Iterator
from datetime import date, datetime, time
from pathlib import Path
from typing import Any, TextIO, cast
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth.models import User
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from tqdm import tqdm

from retour.backoffice.roles import AGENTS, FINANCE, WAREHOUSE, ensure_roles
from retour.catalog.models import Category, Seller, Store
from retour.claims.models import Claim
from retour.demo.policies import NoDeliveredLines, add_past_requests
from retour.orders.demo import CATEGORIES, DEMO_STORE, SELLERS, generate_orders
from retour.orders.exporters import write_json_lines, write_shopify_csv
from retour.orders.importers.records import ImportedOrder
from retour.orders.models import Customer, Order, OrderLine
from retour.orders.services.importing import ImportReport, import_orders
from retour.returns.models import Return

MAX_ORDERS = 5_000_000
MAX_RETURNS = 5_000_000
WRITERS = {"shopify-csv": write_shopify_csv, "json": write_json_lines}
DEMO_PASSWORD = "retour-demo"  # noqa: S105 - the demo's published password (README, `make run`)
# Staff accounts: username, group (None: a superuser).
DEMO_USERS = (("admin", None), ("agent", AGENTS), ("warehouse", WAREHOUSE), ("finance", FINANCE))


class Command(BaseCommand):
    help = _("Load the demo store, Maison Lumière, with generated orders, or write those orders to a file.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--orders", type=int, default=300, help=_("How many orders (1 to 5,000,000)."))
        parser.add_argument("--seed", type=int, default=1, help=_("The same seed gives the same orders."))
        parser.add_argument(
            "--format",
            choices=["db", *WRITERS],
            default="db",
            help=_("db loads the database; shopify-csv and json write --output instead."),
        )
        parser.add_argument("--output", help=_("The file to write ('-' writes standard output)."))
        parser.add_argument("--now", help=_("The day the demo year ends, YYYY-MM-DD (default: today)."))
        parser.add_argument(
            "--returns",
            type=int,
            default=0,
            help=_("How many past return requests the store has over the last 90 days (0 to 5,000,000)."),
        )
        parser.add_argument(
            "--lifecycle",
            action="store_true",
            help=_(
                "Also make real returns in every state (requested to resolved, cancelled, expired), "
                "through the same services as staff and shoppers."
            ),
        )
        parser.add_argument(
            "--history",
            action="store_true",
            help=_(
                "Also bring in a year of past returns (rates by category, reasons, refunds paid over "
                "time) for the analytics and the refund forecast."
            ),
        )
        parser.add_argument(
            "--progress",
            choices=["auto", "on", "off"],
            default="auto",
            help=_("Show a progress bar (auto: only on a terminal)."),
        )

    def handle(self, *args: Any, **options: Any) -> None:
        count = options["orders"]
        if not 1 <= count <= MAX_ORDERS:
            raise CommandError(
                _("The number of orders must be between 1 and %(max)s, not %(count)s.")
                % {"max": f"{MAX_ORDERS:,}", "count": count}
            )
        fmt, output = options["format"], options["output"]
        if fmt == "db" and output:
            raise CommandError(_("--output goes with --format shopify-csv or json."))
        if fmt != "db" and not output:
            raise CommandError(_("--format %(format)s needs --output FILE.") % {"format": fmt})
        if not 0 <= options["returns"] <= MAX_RETURNS:
            raise CommandError(
                _("The number of return requests must be between 0 and %(max)s, not %(count)s.")
                % {"max": f"{MAX_RETURNS:,}", "count": options["returns"]}
            )
        if fmt != "db" and options["returns"]:
            raise CommandError(_("--returns goes with loading the database (--format db)."))
        if fmt != "db" and options["history"]:
            raise CommandError(_("--history goes with loading the database (--format db)."))
        if fmt != "db" and options["lifecycle"]:
            raise CommandError(_("--lifecycle goes with loading the database (--format db)."))
        show = options["progress"] == "on" or (options["progress"] == "auto" and sys.stderr.isatty())
        bar = tqdm(total=count, unit=_("orders"), disable=not show, file=sys.stderr)
        now = demo_now(options["now"])
        records = generate_orders(count, options["seed"], now=now, currency=DEMO_STORE["currency"])
        with bar:
            if fmt == "db":
                self._load(records, bar)
            else:
                self._write(_counted(records, bar), fmt, output, count)
        if fmt == "db":
            self._ensure_policy()
        if options["returns"]:
            self._add_returns(options["returns"], options["seed"], now)
        if fmt == "db":
            self._load_help_center()
            if options["lifecycle"]:
                self._add_lifecycle(now)
                self._add_marketplace(now)
                self._plant_abuse(options["seed"], now)
            if options["history"]:
                self._add_history(options["seed"], now)
            self._report_shoppers()

    def _load(self, records: Iterable[ImportedOrder], bar: tqdm[Any]) -> None:
        def on_batch(report: ImportReport) -> None:
            bar.update(report.orders - bar.n)

        with transaction.atomic():
            store = ensure_store()
            report = import_orders(store, records, on_batch=on_batch)
            if not report.ok:  # a bug in the generator: say what, and keep nothing
                for error in report.errors[:20]:
                    self.stderr.write(str(error))
                raise CommandError(_("The demo orders were refused; nothing was loaded."))
            created, existing = ensure_staff()
        self.stdout.write(
            _(
                "Demo store %(name)s (%(code)s): %(orders)d orders generated, %(created)d new, "
                "%(updated)d updated, %(unchanged)d unchanged."
            )
            % {
                "name": store.name,
                "code": store.code,
                "orders": report.orders,
                "created": report.created,
                "updated": report.updated,
                "unchanged": report.unchanged,
            }
        )
        self.stdout.write(
            _("The store has %(orders)d orders, %(lines)d order lines and %(customers)d customers.")
            % {
                "orders": Order.objects.filter(store=store).count(),
                "lines": OrderLine.objects.filter(order__store=store).count(),
                "customers": Customer.objects.filter(store=store).count(),
            }
        )
        self._report_staff(created, existing)

    def _add_returns(self, count: int, seed: int, now: datetime) -> None:
        store = Store.objects.get(code=DEMO_STORE["code"])
        try:
            added = add_past_requests(store, count, seed=seed, now=now)
        except NoDeliveredLines as error:
            raise CommandError(error.message) from None
        self.stdout.write(
            _(
                "Past return requests: %(created)d added to the %(existing)d already there, decided under "
                "%(policy)s version %(number)d."
            )
            % {
                "created": added.created,
                "existing": added.existing,
                "policy": added.version.name,
                "number": added.version.number,
            }
        )

    def _load_help_center(self) -> None:
        """The help center Retour ships for the demo store: every article the portal links to, in both
        languages."""
        from retour.helpcenter.services.articles import SAMPLE_DIR, import_folder

        report = import_folder(SAMPLE_DIR)
        if report.errors:
            raise CommandError("\n".join(report.errors))
        self.stdout.write(
            _("Help center: %(created)d articles created, %(updated)d updated, %(unchanged)d unchanged.")
            % {
                "created": report.created,
                "updated": report.updated,
                "unchanged": report.unchanged,
            }
        )

    def _ensure_policy(self) -> None:
        """The store decides returns under the demo's policy unless it already has one."""
        from retour.policies import services as policies

        store = Store.objects.get(code=DEMO_STORE["code"])
        if policies.active_version(store) is None:
            version = policies.load_policy(store, demo_policy_text(), note="demo")
            self.stdout.write(
                _("Return policy: %(policy)s version %(number)d (returns of faulty items are reviewed).")
                % {"policy": version.name, "number": version.number}
            )

    def _add_lifecycle(self, now: datetime) -> None:
        """Returns in every state, each taken there through the services (returns.demo)."""
        from retour.demo.returns import add_past_returns
        from retour.feedback.demo import answer_surveys

        store = Store.objects.get(code=DEMO_STORE["code"])
        report = add_past_returns(store, now=now)
        answer_surveys(store)  # the shoppers of the returns that closed answer their survey (feedback.demo)
        made = sorted({ret.state for ret in report.created}, key=Return.State.values.index)
        self.stdout.write(
            _("Returns in every state: %(created)d made (%(states)s), %(existing)d already there.")
            % {
                "created": len(report.created),
                "states": ", ".join(str(Return.State(state).label) for state in made) or "-",
                "existing": report.existing,
            }
        )
        if report.missing:
            self.stderr.write(
                _("No order line fits these returns, left out: %(stages)s.")
                % {"stages": ", ".join(report.missing)}
            )

    def _add_history(self, seed: int, now: datetime) -> None:
        """A year of past returns, brought in as a store brings its history (insights.demo)."""
        from retour.insights.demo import add_history

        store = Store.objects.get(code=DEMO_STORE["code"])
        report = add_history(store, seed=seed, now=now)
        if not report.ok:  # a bug in the generator: say what; the import kept nothing
            for error in report.errors[:20]:
                self.stderr.write(str(error))
            raise CommandError(_("The demo's past returns were refused; none was brought in."))
        self.stdout.write(
            _("Past returns: %(created)d brought in, %(updated)d updated, %(unchanged)d unchanged.")
            % {"created": report.created, "updated": report.updated, "unchanged": report.unchanged}
        )

    def _plant_abuse(self, seed: int, now: datetime) -> None:
        """Abusive shoppers of the evaluation's patterns, as real accounts of the store (abuse.demo)."""
        from retour.abuse.demo import plant_abuse

        store = Store.objects.get(code=DEMO_STORE["code"])
        planted = plant_abuse(store, seed=seed, now=now)
        if planted.existing:
            self.stdout.write(_("Planted abuse: already there."))
            return
        self.stdout.write(
            _(
                "Planted abuse: %(shoppers)d shoppers (%(patterns)s), %(returns)d returns, %(held)d of them "
                "waiting in the review queue."
            )
            % {
                "shoppers": sum(planted.shoppers.values()),
                "patterns": ", ".join(f"{name} {count}" for name, count in sorted(planted.shoppers.items())),
                "returns": planted.returns,
                "held": planted.held,
            }
        )

    def _add_marketplace(self, now: datetime) -> None:
        """Seller logins, guarantee claims in every state, one seller at risk (demo.sellers)."""
        from retour.demo.sellers import CLAIMS, add_marketplace, seller_rate_percent

        store = Store.objects.get(code=DEMO_STORE["code"])
        report = add_marketplace(store, now=timezone.now(), password=DEMO_PASSWORD)
        states = sorted({spec.state for spec in CLAIMS}, key=Claim.State.values.index)
        self.stdout.write(
            _("Guarantee claims in every state: %(created)d made (%(states)s).")
            % {
                "created": len(report.claims),
                "states": ", ".join(str(Claim.State(state).label) for state in states),
            }
        )
        if report.at_risk is not None:
            self.stdout.write(
                _("Seller at risk: %(seller)s, claim rate %(rate)s %% over 60 days.")
                % {"seller": report.at_risk.name, "rate": seller_rate_percent(report.at_risk)}
            )
        logins = report.accounts + report.existing
        if logins:
            self.stdout.write(
                _("Seller portal accounts (password %(password)s): %(users)s. Sign in at /seller/login/.")
                % {"password": DEMO_PASSWORD, "users": ", ".join(logins)}
            )

    def _report_shoppers(self) -> None:
        """Orders to try the shopper portal with: the number and the email are all it asks."""
        from retour.demo.portal import sample_orders

        samples = sample_orders(Store.objects.get(code=DEMO_STORE["code"]))
        lines = {
            "withdrawal": _("Shopper portal, in French, can withdraw: order %(number)s with %(email)s."),
            "english": _("Shopper portal, in English: order %(number)s with %(email)s."),
        }
        for kind, order in samples.items():
            self.stdout.write(lines[kind] % {"number": order.number, "email": order.email})

    def _report_staff(self, created: list[str], existing: list[str]) -> None:
        if created:
            self.stdout.write(
                _("Staff accounts created (password %(password)s): %(users)s. Sign in at /admin/.")
                % {"password": DEMO_PASSWORD, "users": ", ".join(created)}
            )
        if existing:
            self.stdout.write(
                _("Staff accounts already there, left as they were: %(users)s.")
                % {"users": ", ".join(existing)}
            )
        if created and not settings.DEBUG:
            self.stderr.write(
                _("Warning: these accounts have a published password; never load the demo into production.")
            )

    def _write(self, records: Iterable[ImportedOrder], fmt: str, output: str, count: int) -> None:
        writer = WRITERS[fmt]
        if output == "-":
            try:
                lines = writer(records, cast(TextIO, self.stdout))
            except BrokenPipeError:
                # The reader had enough (`| head`): not an error. Point stdout at /dev/null so that
                # Python's final flush does not complain either.
                os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
                return
            report = self.stderr
        else:
            path = Path(output)
            partial = path.with_name(path.name + ".partial")  # no half-written file under the real name
            try:
                with partial.open("w", encoding="utf-8", newline="") as stream:
                    lines = writer(records, stream)
                os.replace(partial, path)
            except OSError as error:
                partial.unlink(missing_ok=True)
                raise CommandError(
                    _("Cannot write %(path)s: %(error)s") % {"path": output, "error": error.strerror}
                ) from None
            report = self.stdout
        report.write(
            _("Wrote %(orders)d orders (%(lines)d lines) to %(path)s.")
            % {"orders": count, "lines": lines, "path": output}
        )


def demo_policy_text() -> str:
    """The demo store's policy: marketplace-standard, where a return of a faulty item (the seller's fault)
    waits for an agent to approve it, so that the back office's review queue has something to show."""
    from retour.demo.policies import DEFAULT_TEMPLATE
    from retour.policies import services as policies

    rule = "      code: seller_fault\n"
    return policies.template_text(DEFAULT_TEMPLATE).replace(rule, rule + "      approval: review\n", 1)


def demo_now(day: str | None) -> datetime:
    """Midnight (store time) at the start of ``day`` (YYYY-MM-DD), or of today."""
    zone = ZoneInfo(DEMO_STORE["time_zone"])
    if day is None:
        end = timezone.now().astimezone(zone).date()
    else:
        try:
            end = date.fromisoformat(day)
        except ValueError:
            raise CommandError(
                _("--now takes a date as YYYY-MM-DD, not %(value)r.") % {"value": day}
            ) from None
    return datetime.combine(end, time(), tzinfo=zone)


def _counted(records: Iterable[ImportedOrder], bar: tqdm[Any]) -> Iterator[ImportedOrder]:
    for record in records:
        yield record
        bar.update()


def _save_changes(instance: models.Model, values: dict[str, Any]) -> None:
    """Set ``values`` and save only when something differs, so that a second run writes nothing."""
    changed = [field for field, value in values.items() if getattr(instance, field) != value]
    for field in changed:
        setattr(instance, field, values[field])
    if instance.pk is None or changed:
        instance.full_clean()
        instance.save()


def ensure_store() -> Store:
    """The demo store with its categories (named in both languages) and marketplace sellers."""
    store = Store.objects.filter(code=DEMO_STORE["code"]).first() or Store(code=DEMO_STORE["code"])
    _save_changes(store, {field: value for field, value in DEMO_STORE.items() if field != "code"})
    store.own_seller()
    for slug, name_en, name_fr in CATEGORIES:
        category = Category.objects.filter(store=store, slug=slug).first() or Category(store=store, slug=slug)
        _save_changes(category, {"name_en": name_en, "name_fr": name_fr})
    for demo_seller in SELLERS:
        seller = Seller.objects.filter(store=store, code=demo_seller.code).first()
        seller = seller or Seller(store=store, code=demo_seller.code)
        _save_changes(
            seller,
            {
                "name": demo_seller.name,
                "kind": Seller.Kind.MARKETPLACE,
                "country": demo_seller.country,
                "email": f"contact@{demo_seller.code}.example.com",
            },
        )
    return store


def ensure_staff() -> tuple[list[str], list[str]]:
    """Create the staff accounts that are missing, each in its role; return (created, existing)."""
    groups = ensure_roles()
    created, existing = [], []
    for username, group_name in DEMO_USERS:
        if User.objects.filter(username=username).exists():
            existing.append(username)
            continue
        email = f"{username}@maison-lumiere.example.com"
        if group_name is None:
            User.objects.create_superuser(username, email, DEMO_PASSWORD)
        else:
            user = User.objects.create_user(username, email, DEMO_PASSWORD, is_staff=True)
            user.groups.add(groups[group_name])
        created.append(username)
    return created, existing
