"""Search: cases, people and missing episodes by name, date of birth, postcode or reference."""
