"""Subject access (DPA 2018 Part 3, s.45): everything held about a person, gathered for an information rights
officer to decide item by item, and exported as one bundle with the exemptions recorded [issue 19]."""
