"""Import of the police missing-person feed (CSV) [issue 7].

The standard layout is `STANDARD_COLUMNS` (documented in the README); a force whose system writes other
headings or codes supplies a mapping (JSON: `columns`, our field to their heading, and `values`, their codes
to ours). Every row is validated on its own, each value cleaned of control characters (`text.clean_line`,
as the page forms do) and checked by the same rules as the pages (`people.validate_details` for the person):
a bad row is reported with its line number and every reason while the good rows load; only a file whose
header lacks a required column is refused as a whole. The police reference is the key: a reference already
loaded changes nothing, unless the row now carries the return, which closes the open episode (so
re-importing a file changes nothing at all).

People are matched to the index with the intake's scoring (`people.matching`): an identical name and date
of birth held by exactly one person links at once (one indexed query per batch of rows); any other row goes
through the intake's candidate search, linking when the best match is certain, queuing a `PendingMatch`
for a person to confirm when it is only likely, and adding a new person when nothing is close. Rows load
in batches, each committed by the caller's `commit`, so an interrupted import is restorable by running it
again (DPA 2018 s.66 [DPA-62]); `progress(done, total)` is called after every batch.
"""

from disclosure.missing.feed.columns import FIELDS, REQUIRED, STANDARD_COLUMNS, Column, Layout
from disclosure.missing.feed.loader import BATCH_ROWS, Outcome, Progress, run_import, start_import
from disclosure.missing.feed.reader import UK, FeedRow, check_headings, read_rows
from disclosure.missing.feed.records import fail_import, get_import, problems_of, recent_imports
from disclosure.missing.models import FeedImport

__all__ = [
    "BATCH_ROWS",
    "FIELDS",
    "REQUIRED",
    "STANDARD_COLUMNS",
    "UK",
    "Column",
    "FeedImport",
    "FeedRow",
    "Layout",
    "Outcome",
    "Progress",
    "check_headings",
    "fail_import",
    "get_import",
    "problems_of",
    "read_rows",
    "recent_imports",
    "run_import",
    "start_import",
]
