"""Refunds (one request, one row per tender paid back), charges (what a shopper pays for an exchange),
store-credit accounts, gift cards, the store's delivery prices and the ledger."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from retour.catalog.models import Store
from retour.core.fields import amount_field, currency_field
from retour.core.money import Money
from retour.orders.models import Customer, Order, Payment
from retour.returns.models import Exchange, Return


class RefundRequest(models.Model):
    """What was asked, once per idempotency key: asking again with the key returns this, unchanged."""

    store = models.ForeignKey(Store, on_delete=models.PROTECT, related_name="+", verbose_name=_("store"))
    # Empty for a payout that is no return's refund (a guarantee claim's): paid the same way, once.
    ret = models.ForeignKey(
        Return,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="refund_requests",
        verbose_name=_("return"),
    )
    idempotency_key = models.CharField(_("idempotency key"), max_length=255)
    method = models.CharField(_("method"), max_length=16)  # original | store_credit
    amount = amount_field(_("amount"))
    currency = currency_field(_("currency"))
    fees = amount_field(_("fees kept"))
    breakdown = models.JSONField(_("breakdown"), default=dict)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    # Once every tender is paid: the legal deadline it was held to (withdrawals only) and, in France, the
    # surcharge of Code de la consommation L242-4 owed for paying it late.
    paid_on = models.DateField(_("paid on"), null=True, blank=True)
    legal_due_on = models.DateField(_("legally due by"), null=True, blank=True)
    days_late = models.PositiveIntegerField(_("days late"), default=0)
    late_surcharge = amount_field(_("late-refund surcharge owed"))
    late_surcharge_rule = models.CharField(_("surcharge rule"), max_length=16, blank=True)

    class Meta:
        verbose_name = _("refund request")
        verbose_name_plural = _("refund requests")
        constraints = [
            models.UniqueConstraint(fields=["store", "idempotency_key"], name="refund_request_key_unique")
        ]
        # The analytics rollup's follow job asks every minute which ones were made since it looked.
        indexes = [models.Index(fields=["created_at"], name="refund_request_created")]

    def __str__(self) -> str:
        return f"{self.ret} {self.total}"

    @property
    def total(self) -> Money:
        return Money(self.amount, self.currency)


class Refund(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("pending")
        SUCCEEDED = "succeeded", _("succeeded")
        FAILED = "failed", _("failed")

    request = models.ForeignKey(
        RefundRequest, on_delete=models.PROTECT, related_name="refunds", verbose_name=_("request")
    )
    order = models.ForeignKey(
        Order, on_delete=models.PROTECT, related_name="refunds", verbose_name=_("order")
    )
    payment = models.ForeignKey(
        Payment,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="refunds",
        verbose_name=_("payment"),
    )
    gateway = models.CharField(_("gateway"), max_length=32)
    amount = amount_field(_("amount"))
    # Store credit on top of the money back (the policy's bonus): a liability, not a payment refund, so it
    # never counts against what the payment captured.
    bonus = amount_field(_("store-credit bonus"))
    currency = currency_field(_("currency"))
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.PENDING)
    idempotency_key = models.CharField(_("provider idempotency key"), max_length=300, unique=True)
    provider_reference = models.CharField(_("provider reference"), max_length=255, blank=True)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("refund")
        verbose_name_plural = _("refunds")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["status"], name="refund_status"),
            # The analytics rollup's follow job asks every minute which refunds moved since it looked.
            models.Index(fields=["created_at"], name="refund_created"),
            models.Index(fields=["completed_at"], name="refund_completed"),
        ]

    def __str__(self) -> str:
        # staff read this (admin links, checkboxes): the amount rounded to its currency, the status labelled
        return f"{Money(self.amount, self.currency)} ({self.gateway}, {self.get_status_display()})"


class Charge(models.Model):
    """Money a shopper pays: a dearer exchange's difference, an instant exchange whose return never came,
    or a repair out of guarantee (its accepted quote, or the diagnosis fee of a declined one). Made once
    per idempotency key; once collected, it is a payment of ``order`` (the exchange order; a repair's
    original order). Exactly one of ``exchange`` and ``repair`` says what it is for."""

    class Status(models.TextChoices):
        PENDING = "pending", _("pending")
        SUCCEEDED = "succeeded", _("collected")
        FAILED = "failed", _("failed")

    class Reason(models.TextChoices):
        DIFFERENCE = "difference", _("price difference")
        UNRETURNED = "unreturned", _("instant exchange not returned")
        REPAIR_QUOTE = "repair_quote", _("repair quote accepted")
        DIAGNOSIS_FEE = "diagnosis_fee", _("diagnosis fee of a declined quote")

    store = models.ForeignKey(Store, on_delete=models.PROTECT, related_name="+", verbose_name=_("store"))
    exchange = models.ForeignKey(
        Exchange,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="charges",
        verbose_name=_("exchange"),
    )
    # By name: repairs is downstream of refunds (it opens its charges through refunds' services).
    repair = models.ForeignKey(
        "repairs.Repair",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="charges",
        verbose_name=_("repair"),
    )
    order = models.ForeignKey(
        Order, on_delete=models.PROTECT, related_name="charges", verbose_name=_("order charged")
    )
    reason = models.CharField(_("reason"), max_length=16, choices=Reason.choices)
    gateway = models.CharField(_("gateway"), max_length=32)
    amount = amount_field(_("amount"))
    currency = currency_field(_("currency"))
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.PENDING)
    idempotency_key = models.CharField(_("idempotency key"), max_length=300, unique=True)
    # The original order's payment whose card is charged again (Stripe), when there is one.
    source_reference = models.CharField(_("charged payment"), max_length=200, blank=True)
    provider_reference = models.CharField(_("provider reference"), max_length=255, blank=True)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    payment = models.OneToOneField(
        Payment,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="charge",
        verbose_name=_("payment recorded"),
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("charge")
        verbose_name_plural = _("charges")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status"], name="charge_status")]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(exchange__isnull=False, repair__isnull=True)
                    | models.Q(exchange__isnull=True, repair__isnull=False)
                ),
                name="charge_for_exchange_or_repair",
            )
        ]

    def __str__(self) -> str:
        # staff read this (admin links, checkboxes): the amount rounded to its currency, the status labelled
        return f"{Money(self.amount, self.currency)} ({self.gateway}, {self.get_status_display()})"


class StoreCreditAccount(models.Model):
    customer = models.ForeignKey(
        Customer, on_delete=models.PROTECT, related_name="store_credit_accounts", verbose_name=_("customer")
    )
    currency = currency_field(_("currency"))

    class Meta:
        verbose_name = _("store credit account")
        verbose_name_plural = _("store credit accounts")
        constraints = [
            models.UniqueConstraint(fields=["customer", "currency"], name="store_credit_account_unique")
        ]

    def __str__(self) -> str:
        return f"{self.customer} {self.currency}"


class BalanceMovement(models.Model):
    """One change of a balance (store credit, a gift card): the balance is the sum of its movements,
    never a counter. Spending twice with one reference spends once (each table's constraints)."""

    amount = amount_field(_("amount"))  # positive: credited (a refund, a bonus); negative: used, expired
    reason = models.CharField(_("reason"), max_length=32)  # refund | bonus | used | expired
    refund = models.ForeignKey(
        Refund, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("refund")
    )
    # What the balance paid for (an order number, a charge's key): spending twice with it spends once.
    reference = models.CharField(_("reference"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{self.amount} ({self.reason})"


class StoreCreditMovement(BalanceMovement):
    account = models.ForeignKey(
        StoreCreditAccount, on_delete=models.PROTECT, related_name="movements", verbose_name=_("account")
    )
    expires_on = models.DateField(_("expires on"), null=True, blank=True)

    class Meta:
        verbose_name = _("store credit movement")
        verbose_name_plural = _("store credit movements")
        # The analytics rollup's follow job asks every minute which were made since it looked.
        indexes = [models.Index(fields=["created_at"], name="credit_movement_created")]
        constraints = [
            # One credit (and one bonus) per refund, however often the gateway is called.
            models.UniqueConstraint(
                fields=["refund", "reason"],
                condition=models.Q(refund__isnull=False),
                name="one_credit_per_refund",
            ),
            models.UniqueConstraint(
                fields=["account", "reference"],
                condition=~models.Q(reference=""),
                name="one_use_per_reference",
            ),
        ]


class GiftCard(models.Model):
    """A gift card the shopper paid with, known by its code (the payment's reference); its balance is the
    sum of its movements. Gift cards do not expire here: the card's own terms, not store credit's."""

    store = models.ForeignKey(Store, on_delete=models.PROTECT, related_name="+", verbose_name=_("store"))
    code = models.CharField(_("code"), max_length=200)
    currency = currency_field(_("currency"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("gift card")
        verbose_name_plural = _("gift cards")
        constraints = [models.UniqueConstraint(fields=["store", "code"], name="gift_card_code_unique")]

    def __str__(self) -> str:
        return self.code


class GiftCardMovement(BalanceMovement):
    card = models.ForeignKey(
        GiftCard, on_delete=models.PROTECT, related_name="movements", verbose_name=_("gift card")
    )

    class Meta:
        verbose_name = _("gift card movement")
        verbose_name_plural = _("gift card movements")
        constraints = [
            models.UniqueConstraint(
                fields=["refund", "reason"],
                condition=models.Q(refund__isnull=False),
                name="one_gift_card_credit_per_refund",
            ),
            models.UniqueConstraint(
                fields=["card", "reference"],
                condition=~models.Q(reference=""),
                name="one_gift_card_use_per_reference",
            ),
        ]


class DeliveryPrices(models.Model):
    """What the store charges for its standard delivery and what a prepaid return label costs it, per
    currency: an express delivery refunds the standard price, and label costs are booked as shipping."""

    store = models.ForeignKey(
        Store, on_delete=models.PROTECT, related_name="delivery_prices", verbose_name=_("store")
    )
    currency = currency_field(_("currency"))
    standard_delivery = amount_field(
        _("standard delivery price"),
        help_text=_(
            "Refunded instead of an express delivery's price when the outbound shipping is refunded."
        ),
    )
    return_label = amount_field(
        _("return label cost"),
        help_text=_("What a prepaid return label costs the store (booked as shipping)."),
    )

    class Meta:
        verbose_name = _("delivery prices")
        verbose_name_plural = _("delivery prices")
        constraints = [models.UniqueConstraint(fields=["store", "currency"], name="delivery_prices_unique")]

    def __str__(self) -> str:
        return f"{self.store} {self.currency}"


class LedgerTransaction(models.Model):
    memo = models.CharField(_("memo"), max_length=64)
    store = models.ForeignKey(Store, on_delete=models.PROTECT, related_name="+", verbose_name=_("store"))
    refund = models.ForeignKey(
        Refund,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="ledger",
        verbose_name=_("refund"),
    )
    request = models.ForeignKey(
        RefundRequest,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="ledger",
        verbose_name=_("refund request"),
    )
    charge = models.ForeignKey(
        Charge,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="ledger",
        verbose_name=_("charge"),
    )
    # What a posting of no refund or charge is about (a return's label, a store-credit use), once.
    reference = models.CharField(_("reference"), max_length=300, blank=True)
    currency = currency_field(_("currency"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("ledger transaction")
        verbose_name_plural = _("ledger transactions")
        # The analytics rollup's follow job asks every minute which were posted since it looked.
        indexes = [models.Index(fields=["store", "created_at"], name="ledger_store_created")]
        constraints = [
            models.UniqueConstraint(
                fields=["refund", "memo"],
                condition=models.Q(refund__isnull=False),
                name="one_posting_per_refund_memo",
            ),
            models.UniqueConstraint(
                fields=["request", "memo"],
                condition=models.Q(request__isnull=False, refund__isnull=True),
                name="one_posting_per_request_memo",
            ),
            models.UniqueConstraint(
                fields=["charge", "memo"],
                condition=models.Q(charge__isnull=False),
                name="one_posting_per_charge_memo",
            ),
            models.UniqueConstraint(
                fields=["store", "memo", "reference"],
                condition=~models.Q(reference=""),
                name="one_posting_per_reference_memo",
            ),
        ]

    def __str__(self) -> str:
        return self.memo


class LedgerEntry(models.Model):
    transaction = models.ForeignKey(
        LedgerTransaction, on_delete=models.PROTECT, related_name="entries", verbose_name=_("transaction")
    )
    account = models.CharField(_("account"), max_length=32)
    debit = amount_field(_("debit"))
    credit = amount_field(_("credit"))

    class Meta:
        verbose_name = _("ledger entry")
        verbose_name_plural = _("ledger entries")

    def __str__(self) -> str:
        return f"{self.account} {self.debit} / {self.credit}"
