"""The people index: one record per person, shared by every case and missing-person episode.

`service` holds the verbs (find matches, create, add names and addresses, view, link, merge, resolve),
`matching` the pure scoring rules, `schemas` the data passed in and out, `models` the tables.
"""

from disclosure.people.schemas import AddressDetails, MatchView, NameEntry, PersonDetails, PersonSummary

__all__ = ["AddressDetails", "MatchView", "NameEntry", "PersonDetails", "PersonSummary"]
