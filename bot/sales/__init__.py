"""The sales domain: visits, tasks, reports, grading and parsing. Knows no chat and no transport."""
