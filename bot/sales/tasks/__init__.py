"""Tasks a manager gives: for whom (``assignment``), each person's tasks of a day and a team's
day (``daily``). Knows no chat."""
