"""Refund services: what a return refunds, and paying it exactly once."""
