"""Rule-based parsing of free-text visit reports: dates, amounts, customers, contacts, outcomes."""
