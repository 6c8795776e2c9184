"""The people index: one record per person, shared by every case and missing-person episode."""
