"""/drill practice: the coach plays the customer, scores the rep's answer, follows up."""
