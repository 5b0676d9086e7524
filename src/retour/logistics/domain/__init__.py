"""Logistics rules, pure: what a parcel and a label are, where a return goes, what a tracking event does."""
