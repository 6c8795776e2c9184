"""Synthetic data at any size, `disclosure demo --scale N` [issue 17]: see `generate`."""
