"""disclosure: Clare's Law (DVDS), Sarah's Law (CSODS) and MASH missing-person coordination."""
