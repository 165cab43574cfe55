"""The Engagements desk: the log of who met whom, what was said and what was promised."""
