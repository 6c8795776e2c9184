"""Research: evidence packages, checks and partner-agency returns."""
