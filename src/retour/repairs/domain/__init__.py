"""A repair's rules, pure: its states, the law's clock, the guarantee's extension, the repairer's choice and
the quote of a repair the guarantee does not cover (docs/repairs.md)."""
