"""Review, retention and disposal under MoPI (DOMAIN.md "Law that shapes the software" [APP-MoPI][NPCC]):
closed records reach review by their group's rule, a records reviewer retains (rationale, next review date),
holds or disposes, and disposal removes a record's every row and file, leaving a content-free erasure
event [issue 19]."""
