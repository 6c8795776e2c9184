"""Decisions: multi-agency panels that record lawful, reasoned disclosure decisions [issue 5]."""
