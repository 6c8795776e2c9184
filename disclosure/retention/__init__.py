"""Review, retention and disposal under MoPI (DOMAIN.md "Law that shapes the software" [APP-MoPI][NPCC])
[issue 19]. `disposal`: what disposing of a case, a missing episode or a person's record removes, and its
removal with the transaction; the review schedule and the reviewer's queue build on it."""
