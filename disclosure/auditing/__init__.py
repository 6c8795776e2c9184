"""The auditor's view of the audit trail: browse and filter, verify the chain, export access histories."""
