"""`coach eval drills` (scorer agreement with the labelled answers) and `coach drills import`
(a drill from a YAML file or a Markdown card's front matter, for a team's own documents)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

REPO = Path(__file__).resolve().parents[2]
DEFAULT_SET = REPO / "evalsets" / "drill_answers.jsonl"

drills_app = typer.Typer(no_args_is_help=True, help="Practice drills")


def eval_drills(
    file: Annotated[Path, typer.Option(help="Labelled answers (JSONL)")] = DEFAULT_SET,
    fit_weights: Annotated[
        bool, typer.Option("--fit", help="Refit the scorer on the tuning half and save scorer.yaml")
    ] = False,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Per-check pass/fail agreement with the labels on the tuning and test halves."""
    from bot.sales.drills.evaluate import fit, load_examples, score_half, split
    from bot.sales.drills.loader import drills_in
    from bot.sales.drills.scoring import OfflineScorer, cached_encoder, save_weights
    from config import get_settings
    from knowledge.embeddings import embedder_for
    from knowledge.service import PLAYBOOKS_DIR

    settings = get_settings()
    embedder = embedder_for(settings)
    encode = cached_encoder(embedder.embed_queries)
    drills = {d.key: d for d in drills_in(PLAYBOOKS_DIR)}
    tuning, test = split(load_examples(file))
    if fit_weights:
        weights = fit(tuning, drills, encode, OfflineScorer(encode, weights=_placeholder()))
        save_weights(weights)
        typer.echo(
            f"fitted on {len(tuning)} tuning answers: threshold {weights.threshold:.2f}, "
            f"echo overlap {weights.echo_overlap}",
            err=True,
        )
    scorer = OfflineScorer(encode)
    reports = [score_half("tuning", tuning, drills, scorer), score_half("test", test, drills, scorer)]
    if as_json:
        typer.echo(json.dumps([r.as_dict() for r in reports], ensure_ascii=False))
        return
    drills_used = len({(e.drill) for e in tuning + test})
    typer.echo(f"{len(tuning) + len(test)} labelled answers over {drills_used} drills ({file.name})")
    for r in reports:
        shares = r.as_dict()["mean_share_passed"]
        typer.echo(
            f"{r.name:>6}: {r.answers} answers, {r.checks} checks: pass/fail agreement {r.agreement:.1%}; "
            f"answers with every check agreeing {r.answers_exact / r.answers:.1%}"
        )
        typer.echo(
            f"        share of checks passed: good {r.mean_share('good'):.0%}, "
            f"off-topic+copied {r.mean_share('off_topic', 'copied'):.0%}; "
            + ", ".join(f"{k} {v:.0%}" for k, v in shares.items())
        )


def read_drill_file(path: Path) -> tuple[str, list[str], dict]:
    """(title, tags, drill mapping) from a Markdown card with a ``drill:`` block, or a YAML file
    with ``title``, ``tags`` and ``drill`` keys (the same fields as a card's front matter)."""
    import yaml

    from bot.sales.drills.loader import DrillError, front_matter, model_script

    text = path.read_text(encoding="utf-8")
    if path.suffix.lower() == ".md":
        meta, body = front_matter(text)
        script = model_script(body)
    else:
        meta, script = yaml.safe_load(text) or {}, ""
    if not isinstance(meta, dict) or not isinstance(meta.get("drill"), dict) or not meta.get("title"):
        raise DrillError(f"{path.name}: needs `title` and a `drill:` mapping")
    data = dict(meta["drill"])
    data.setdefault("script", script)
    return str(meta["title"]), [str(t) for t in meta.get("tags") or []], data


@drills_app.command("import")
def drills_import(
    path: Annotated[Path, typer.Argument(help="A Markdown card with a drill: block, or a YAML file")],
    team: Annotated[str | None, typer.Option(help="Team name; omit for every team")] = None,
) -> None:
    """Add a drill for a team document or a taught card (checked before it is stored)."""
    from bot.cli import _run
    from bot.cli.session import in_transaction
    from bot.sales.drills.loader import DrillError, drill_from_mapping
    from store import drills, users

    if not path.is_file():
        raise typer.BadParameter(f"not found: {path}")
    try:
        title, tags, data = read_drill_file(path)
        drill = drill_from_mapping(data, key="db:new", title=title, tags=tags)
    except (DrillError, ValueError) as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(1) from exc

    async def work(session):
        team_id = (await users.ensure_team(session, team)).id if team else None
        return await drills.add_definition(
            session, title=title, data=data, tags=tags, team_id=team_id, created_by=None
        )

    row = _run(in_transaction(work))
    typer.echo(f"drill #{row.id} added: {title} ({drill.turns} turns, {len(drill.checks)} checks)")


def _placeholder():
    """Weights that decide nothing: fitting only needs the policy and the encoder."""
    import numpy as np

    from bot.sales.drills.scoring import FEATURES, Weights

    n = len(FEATURES)
    return Weights(np.zeros(n), np.ones(n), np.zeros(n), 0.0)


def register(app: typer.Typer, eval_app: typer.Typer) -> None:
    eval_app.command("drills")(eval_drills)
    app.add_typer(drills_app, name="drills")
