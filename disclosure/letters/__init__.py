"""Letters and delivery: generated PDF and Word documents, and the record of how the outcome reached the
recipient [issue 6]."""
