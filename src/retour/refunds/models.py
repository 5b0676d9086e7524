"""Refunds (one request, one row per tender paid back), store-credit accounts and the ledger."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from retour.catalog.models import Store
from retour.core.fields import amount_field, currency_field
from retour.orders.models import Customer, Order, Payment
from retour.returns.models import Return


class RefundRequest(models.Model):
    """What was asked, once per idempotency key: asking again with the key returns this, unchanged."""

    store = models.ForeignKey(Store, on_delete=models.PROTECT, related_name="+", verbose_name=_("store"))
    ret = models.ForeignKey(
        Return, on_delete=models.PROTECT, related_name="refund_requests", verbose_name=_("return")
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

    class Meta:
        verbose_name = _("refund request")
        verbose_name_plural = _("refund requests")
        constraints = [
            models.UniqueConstraint(fields=["store", "idempotency_key"], name="refund_request_key_unique")
        ]

    def __str__(self) -> str:
        return f"{self.ret} {self.amount} {self.currency}"


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
        indexes = [models.Index(fields=["status"], name="refund_status")]

    def __str__(self) -> str:
        return f"{self.amount} {self.currency} ({self.gateway}, {self.status})"


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


class StoreCreditMovement(models.Model):
    account = models.ForeignKey(
        StoreCreditAccount, on_delete=models.PROTECT, related_name="movements", verbose_name=_("account")
    )
    amount = amount_field(_("amount"))  # positive: credit issued; negative: credit used
    reason = models.CharField(_("reason"), max_length=32)  # refund | bonus | used | expired
    refund = models.ForeignKey(
        Refund, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("refund")
    )
    expires_on = models.DateField(_("expires on"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("store credit movement")
        verbose_name_plural = _("store credit movements")
        constraints = [
            # One credit (and one bonus) per refund, however often the gateway is called.
            models.UniqueConstraint(
                fields=["refund", "reason"],
                condition=models.Q(refund__isnull=False),
                name="one_credit_per_refund",
            )
        ]

    def __str__(self) -> str:
        return f"{self.amount} ({self.reason})"


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
    currency = currency_field(_("currency"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("ledger transaction")
        verbose_name_plural = _("ledger transactions")
        constraints = [
            models.UniqueConstraint(
                fields=["refund", "memo"],
                condition=models.Q(refund__isnull=False),
                name="one_posting_per_refund_memo",
            )
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
