"""Times that must come in order: every pair the service checks, in one list.

A form or an API body sets a time against another one: a time it also carries, a time already on the record
(when the person was reported missing, when the decision was signed off) or now. Each `Order` says that its
`later` time may not come before its `earlier` one, less a `grace` (minutes typed without seconds, a device's
clock a little fast, a report time written down roughly), where a breach is shown and in what words:
`{earlier}` and `{later}` in the sentence are those times as a user reads them (UK time, GOV.UK style).

A service calls `check(form, times, errors)` once, with every time it knows under the names used here (a time
it does not know skips the rules that need it), before `raise_if`; a verb without a field to show a breach at
(signing a decision off) calls `breaches` and refuses with the sentence. `tests/test_chronology.py` breaks
each rule through its form and expects the sentence at the field, so a rule added here is tested without
editing that test, and a form added here without a way to submit it fails it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from disclosure.clocks import uk_date
from disclosure.db import utcnow
from disclosure.text import format_date, format_datetime

NOW = "now"
"""The moment the request is handled: a time that must not be in the future names NOW as its later time."""

CLOCK_DRIFT = timedelta(minutes=5)
"""How far ahead of the server a time may be and still count as now (a device's clock a little fast)."""

TYPED = timedelta(minutes=1)
"""A time typed to the minute against a recorded one with seconds: 14:32 for a sign-off at 14:32:40."""

Moment = date | datetime


@dataclass(frozen=True)
class Order:
    """`later` may not come before `earlier` less `grace`; a breach is shown at `field` (none: the verb
    refuses as a whole)."""

    form: str
    earlier: str
    later: str
    field: str | None
    message: str
    grace: timedelta = timedelta(0)

    def breached(self, times: Mapping[str, Moment | None], now: datetime) -> bool:
        earlier, later = _value(times, self.earlier, now), _value(times, self.later, now)
        if earlier is None or later is None:
            return False
        if isinstance(earlier, datetime) and isinstance(later, datetime):
            return later < earlier - self.grace
        # A date against a date-time (or now) compares UK calendar days; the grace is in whole days.
        return _day(later) < _day(earlier) - timedelta(days=self.grace.days)

    def sentence(self, times: Mapping[str, Moment | None], now: datetime) -> str:
        return self.message.format(
            earlier=_shown(_value(times, self.earlier, now)), later=_shown(_value(times, self.later, now))
        )


def _not_future(form: str, name: str, message: str) -> Order:
    return Order(form, name, NOW, name, message, CLOCK_DRIFT)


RULES: tuple[Order, ...] = (
    # Logging a request [Beds]: the first contact has happened.
    _not_future("requests.log", "first_contact", "Date of first contact must be today or in the past"),
    # The identity meeting follows the first contact [Cleveland][ASP-CSODS].
    Order(
        "requests.meeting",
        "first_contact",
        "meeting",
        "meeting",
        "The meeting cannot be before the first contact ({earlier})",
        TYPED,
    ),
    _not_future("requests.meeting", "meeting", "Date of the meeting must be today or in the past"),
    # A police check is done for this request (the day it came in counts, whatever the hour).
    Order(
        "research.check",
        "first_contact",
        "performed",
        "performed",
        "Date of the check must be after the request was made ({earlier})",
        timedelta(days=1),
    ),
    _not_future("research.check", "performed", "Date of the check must be today or in the past"),
    _not_future(
        "research.evidence", "information_date", "Date of the information must be today or in the past"
    ),
    # An urgent disclosure at first contact [Beds]: after the contact, and by now.
    Order(
        "decisions.urgent",
        "first_contact",
        "said_at",
        "said_at",
        "The disclosure cannot be before the first contact ({earlier})",
        TYPED,
    ),
    _not_future("decisions.urgent", "said_at", "When it was said must be now or in the past"),
    # The panel decides at its meeting: a decision is signed off once the meeting has begun, and a meeting
    # whose decisions are signed cannot be moved to after them.
    Order(
        "decisions.sign",
        "meets_at",
        NOW,
        None,
        "The meeting starts on {earlier}: its decisions can be signed off once it has begun",
        CLOCK_DRIFT,
    ),
    Order(
        "decisions.meeting",
        "meets_at",
        "first_signed",
        "meets_at",
        "A decision at this meeting was signed off on {later}: the meeting must start before then",
        TYPED,
    ),
    # The disclosure (or the outcome) is delivered after the signed decision, and by now.
    Order(
        "letters.delivery",
        "signed",
        "occurred",
        "occurred",
        "The delivery must be after the decision was signed off ({earlier})",
        TYPED,
    ),
    _not_future("letters.delivery", "occurred", "Delivery date must be today or in the past"),
    Order(
        "letters.delivery",
        "signed",
        "subject_told_at",
        "subject_told_at",
        "The subject can be told only after the decision was signed off ({earlier})",
        TYPED,
    ),
    _not_future(
        "letters.delivery", "subject_told_at", "Date the subject was told must be today or in the past"
    ),
    # A missing episode [APP-missing]: last seen, then reported, then found or returned, then the return
    # home interview offered and held [MissingPeople-2024]; none of it in the future.
    _not_future("missing.episode", "reported", "The date reported must be now or in the past"),
    _not_future("missing.episode", "last_seen", "The date last seen must be now or in the past"),
    Order(
        "missing.episode",
        "last_seen",
        "reported",
        "last_seen",
        "The date last seen must be before the report ({later})",
    ),
    _not_future(
        "missing.risk", "obtained", "The date the information was obtained must be now or in the past"
    ),
    Order(
        "missing.risk",
        "reported",
        "obtained",
        "obtained",
        "The information must have been obtained around or after the report ({earlier})",
        timedelta(days=1),
    ),
    _not_future("missing.close", "returned", "The date found or returned must be now or in the past"),
    Order(
        "missing.close",
        "last_seen",
        "returned",
        "returned",
        "The return must be after the person was last seen ({earlier})",
    ),
    Order(
        "missing.close",
        "reported",
        "returned",
        "returned",
        "The return must be after the person was reported missing ({earlier})",
    ),
    Order(
        "missing.interview",
        "returned",
        "offered",
        "offered",
        "The interview must be offered after the person returned ({earlier})",
    ),
    _not_future("missing.interview", "offered", "The date offered must be now or in the past"),
    Order(
        "missing.interview",
        "offered",
        "completed",
        "completed",
        "The interview must be on or after the date it was offered ({earlier})",
    ),
    _not_future("missing.interview", "completed", "The date of the interview must be now or in the past"),
    # The people index: nobody is born, or moves in or out, in the future.
    _not_future("people.details", "date_of_birth", "Date of birth must be in the past"),
    _not_future("people.address", "from_date", "The date moved in must be today or in the past"),
    _not_future("people.address", "to_date", "The date moved out must be today or in the past"),
    Order(
        "people.address",
        "from_date",
        "to_date",
        "to_date",
        "The date moved out must be after the date moved in ({earlier})",
    ),
    # The audit search's date range.
    Order(
        "auditing.search",
        "date_from",
        "date_to",
        "date_to",
        "To date must be the same as or after the from date ({earlier})",
    ),
)

FORMS: frozenset[str] = frozenset(rule.form for rule in RULES)


def rules(forms: str | Iterable[str]) -> list[Order]:
    wanted = {forms} if isinstance(forms, str) else set(forms)
    unknown = wanted - FORMS
    if unknown:
        raise KeyError(f"no time rules for {', '.join(sorted(unknown))}")
    return [rule for rule in RULES if rule.form in wanted]


def breaches(
    forms: str | Iterable[str], times: Mapping[str, Moment | None], *, now: datetime | None = None
) -> list[tuple[Order, str]]:
    """Each rule of the forms that `times` break, with its sentence, in the order listed."""
    moment = now or utcnow()
    return [(rule, rule.sentence(times, moment)) for rule in rules(forms) if rule.breached(times, moment)]


def check(
    forms: str | Iterable[str],
    times: Mapping[str, Moment | None],
    errors: dict[str, str],
    *,
    now: datetime | None = None,
) -> None:
    """Add each breach at its field, unless that field already has an error (a time that is not a real
    time says so first)."""
    for rule, sentence in breaches(forms, times, now=now):
        if rule.field is None:
            raise ValueError(f"{rule.form}: a rule without a field is refused by the verb, not at a field")
        if not any(key == rule.field or key.startswith(f"{rule.field}-") for key in errors):
            errors[rule.field] = sentence


def _value(times: Mapping[str, Moment | None], name: str, now: datetime) -> Moment | None:
    return now if name == NOW else times.get(name)


def _day(moment: Moment) -> date:
    return uk_date(moment) if isinstance(moment, datetime) else moment


def _shown(moment: Moment | None) -> str:
    if moment is None:
        return ""
    return format_datetime(moment) if isinstance(moment, datetime) else format_date(moment)
