"""Knowledge usage per team: which cards and documents answer most, 👍/👎 per card, and the team's
documents no answer drew on lately. Shared by /kb and `coach kb stats`."""
