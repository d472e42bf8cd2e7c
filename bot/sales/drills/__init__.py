"""Objection role-play drills: a card's customer lines and yes/no checks, the rep's answer scored
offline (meaning + key terms) or by an LLM, and the choice of the next situation to practise."""
