"""Visit logging's domain rules, apart from any chat: reading a report, grading, playbook cards."""
