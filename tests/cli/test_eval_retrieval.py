"""`coach eval retrieval`'s iteration flags: a set name it does not know is refused with the
names it takes."""

from typer.testing import CliRunner

from bot.cli import app


def test_an_unknown_set_is_refused_with_the_names_it_takes(tmp_path):
    result = CliRunner().invoke(
        app, ["eval", "retrieval", "--only", "heldout", "--ranking-only", "--corpus", str(tmp_path)]
    )
    assert result.exit_code == 2
    assert "--only takes test, tune, holdout, holdout2, dev" in result.output
