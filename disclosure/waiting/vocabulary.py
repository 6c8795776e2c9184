"""The words of waiting work: how each user wants to hear of it."""

from __future__ import annotations

from disclosure.workflow import Labelled


class EmailChoice(Labelled):
    IMMEDIATE = "immediate", "As soon as something new is waiting"
    DAILY = "daily", "Once a day, a summary at 7am"
    NONE = "none", "No email: I will look at my home page"
