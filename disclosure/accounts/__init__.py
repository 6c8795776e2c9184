"""Accounts: users, roles, passwords, security codes, sessions, API tokens and the route policy table."""
