"""Requests: logging, triage and progress of Clare's Law and Sarah's Law requests against their clocks."""
