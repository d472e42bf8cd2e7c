"""The `coach` command line."""

from __future__ import annotations

import json
import logging
import os
import sys
from pathlib import Path
from typing import Annotated

import typer

from bot.cli.session import in_transaction
from bot.cli.session import run_async as _run


class CoachApp(typer.Typer):
    """The `coach` entry point. A command has closed what it opened (databases, the bot) when it
    returns, so the process ends right there: the interpreter's own teardown of a loaded embedding
    model takes seconds (6.6 s measured on two busy cores), which `coach ask` and a stop of
    `coach run` would otherwise wait for. In-process invocations (typer's CliRunner) bypass this."""

    def __call__(self, *args, **kwargs):
        try:
            return super().__call__(*args, **kwargs)
        except SystemExit as stop:
            if stop.code is not None and not isinstance(stop.code, int):
                print(stop.code, file=sys.stderr)
            code = stop.code if isinstance(stop.code, int) else (0 if stop.code is None else 1)
            logging.shutdown()
            sys.stdout.flush()
            sys.stderr.flush()
            os._exit(code)


# Plain help (rich's help formatter alone costs ~0.7 s at start-up) and imports inside the
# commands: `coach --help` loads typer and nothing of the project, `coach ask` only what answers.
app = CoachApp(no_args_is_help=True, add_completion=False, help="SalesCoach 销售教练", rich_markup_mode=None)
eval_app = typer.Typer(no_args_is_help=True, help="Quality evaluations", rich_markup_mode=None)
model_app = typer.Typer(no_args_is_help=True, help="The embedding model", rich_markup_mode=None)
app.add_typer(eval_app, name="eval")
app.add_typer(model_app, name="model")


def get_settings():
    """The settings (pydantic-settings is imported on first use, not for `coach --help`)."""
    from config import get_settings as load

    return load()


def _print_json(data: object) -> None:
    typer.echo(json.dumps(data, ensure_ascii=False))


@app.command()
def ingest(
    paths: Annotated[list[Path], typer.Argument(help="Files or folders (.txt .md .docx .pdf .xlsx .csv)")],
    prune: Annotated[
        bool, typer.Option(help="Remove indexed files under PATHS that no longer exist")
    ] = False,
    team: Annotated[
        str | None, typer.Option(help="Index for this team only (its name); default: shared by all")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print a JSON summary")] = False,
) -> None:
    """Index playbook documents (idempotent: unchanged files are skipped)."""
    from rich.progress import Progress

    from knowledge.loaders import discover
    from knowledge.service import open_knowledge_base

    missing = [str(p) for p in paths if not p.exists()]
    if missing:
        raise typer.BadParameter(f"not found: {', '.join(missing)}")
    team_id = _team_id_named(team) if team is not None else None
    kb = open_knowledge_base(get_settings())
    files = list(discover(paths))
    with Progress(transient=True, disable=not sys.stderr.isatty()) as progress:
        task = progress.add_task("ingest", total=len(files))
        summary = kb.ingestor.ingest(
            paths,
            team_id=team_id,
            prune=prune,
            files=files,
            on_progress=lambda p: progress.update(task, advance=1, description=p.name),
        )
    if as_json:
        _print_json(summary.as_dict())
    else:
        typer.echo(
            f"{summary.files} files ({summary.files_unchanged} unchanged): {summary.chunks_added} chunks added, "
            f"{summary.chunks_replaced} replaced, {summary.chunks_unchanged} unchanged, "
            f"{summary.duplicates_dropped} duplicates dropped, {summary.files_pruned} files pruned"
        )
    for error in summary.errors:
        typer.echo(f"error: {error}", err=True)
    if summary.errors:
        raise typer.Exit(1)


def _team_id_named(name: str) -> int:
    """The id of the team called ``name``; an unknown name ends the command (exit 2)."""
    from store import users

    async def work(session):
        return next((t.id for t in await users.list_teams(session) if t.name == name.strip()), None)

    team_id = _run(in_transaction(work))
    if team_id is None:
        typer.echo(f"unknown team: {name} (see `coach users list`)", err=True)
        raise typer.Exit(2)
    return team_id


@app.command()
def ask(
    question: Annotated[
        str | None, typer.Argument(help="The question; omit to read one per line from stdin")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object per question")] = False,
) -> None:
    """Answer a question from the playbooks."""
    from knowledge.embeddings import embedder_for
    from knowledge.service import open_knowledge_base

    settings = get_settings()
    embedder = embedder_for(settings)
    embedder.load_in_background()  # the encoder opens while the index and the tokenizer load
    kb = open_knowledge_base(settings, embedder=embedder)
    questions = [question] if question is not None else (line.strip() for line in sys.stdin)

    async def run() -> None:  # one event loop for every question (an LLM client is bound to it)
        db = None  # opened (and its migrations checked) at the first gap to record, not before
        try:
            for q in questions:
                if not q:
                    continue
                answer = await kb.answerer.answer(q)
                if answer.abstained and q.strip() and not answer.hint:
                    db = db or await _open_database(settings)
                    await _record_gap(db, q)  # a gap for managers to fill (`/gaps`)
                if as_json:
                    _print_json(answer.as_json())
                    continue
                typer.echo(answer.answer)
                for i, source in enumerate(answer.sources, 1):
                    typer.echo(f"  [{i}] {source.title} · {source.source} · {source.score}")
        finally:
            if db is not None:
                await db.dispose()

    _run(run())


async def _open_database(settings):
    from store.db import open_database

    settings.coach_home.mkdir(parents=True, exist_ok=True)
    return await open_database(settings.database)


async def _record_gap(db, question: str) -> None:
    from store.knowledge import record_gap

    async with db.transaction() as session:
        await record_gap(session, None, None, question, "abstained")


#: The question sets written after the tuning half, each a file of its own split, and where each
#: stands: a set whose figures were looked at is tuning data from then on (knowledge/tuning.yaml
#: says which sets fitted what); only the newest, never tuned on, gives the honest figure.
HOLDOUT_SETS: dict[str, tuple[Path, str]] = {
    "holdout": (Path("evalsets/questions_holdout.jsonl"), "tuned on"),
    "holdout2": (Path("evalsets/questions_holdout2.jsonl"), "tuned on since round 5"),
    "holdout3": (Path("evalsets/questions_holdout3.jsonl"), "tuned on since round 6"),
    "holdout4": (Path("evalsets/questions_holdout4.jsonl"), "tuned on since round 7"),
    "holdout5": (Path("evalsets/questions_holdout5.jsonl"), "tuned on since round 10"),
    "holdout6": (Path("evalsets/questions_holdout6.jsonl"), "never tuned on"),
}
EVAL_SET_NAMES = ("test", "tune", *HOLDOUT_SETS, "dev")


def eval_question_sets(questions: Path, holdouts: dict[str, Path | None], dev: Path | None, wanted: set[str]):
    """The question sets `coach eval retrieval` reports, by name: the test and tuning halves of
    ``questions``, each holdout file's rows of its own split (a missing file is skipped), the dev set."""
    from knowledge.evaluate import load_questions

    sets = {half: load_questions(questions, half) for half in ("test", "tune") if half in wanted}
    for name, path in holdouts.items():
        if path is not None and path.exists() and name in wanted:
            sets[name] = load_questions(path, name)
    if dev is not None and "dev" in wanted:
        sets["dev"] = load_questions(dev)
    return sets


def holdout_files(replaced: list[str] | None) -> dict[str, Path]:
    """HOLDOUT_SETS' files, with ``NAME=PATH`` replacements."""
    files = {name: path for name, (path, _) in HOLDOUT_SETS.items()}
    for item in replaced or ():
        name, sep, path = item.partition("=")
        if not sep or name not in files:
            raise typer.BadParameter(f"--holdout takes NAME=PATH with NAME one of {', '.join(HOLDOUT_SETS)}")
        files[name] = Path(path)
    return files


def _holdout_help() -> str:
    sets = "; ".join(f"{name}: {path} ({state})" for name, (path, state) in HOLDOUT_SETS.items())
    return f"Read a holdout set from another file, NAME=PATH (repeatable). The sets: {sets}"


@eval_app.command("retrieval")
def eval_retrieval(
    questions: Annotated[
        Path, typer.Option(help="Questions JSONL with a tune/test `split` (must_contain_any, kind)")
    ] = Path("evalsets/questions.jsonl"),
    dev: Annotated[
        Path | None, typer.Option(help="Also report this set (the shared dev set) on its own")
    ] = None,
    holdout: Annotated[list[str] | None, typer.Option(help=_holdout_help())] = None,
    corpus: Annotated[
        list[Path] | None, typer.Option(help="Documents to index (default: ../shared/seeds and the playbook)")
    ] = None,
    only: Annotated[
        list[str] | None,
        typer.Option(help=f"Report only these sets ({', '.join(EVAL_SET_NAMES)}); repeatable"),
    ] = None,
    ranking_only: Annotated[
        bool, typer.Option(help="Rankings of the answerable questions only (skips the decisions)")
    ] = False,
    home: Annotated[
        Path | None,
        typer.Option(help="Keep the index in this folder and reuse its vectors next time (default: fresh)"),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """On one fresh index: hit@1/hit@3/MRR for BM25, dense, fused and final rankings, plus refusal,
    abstention and false refusal, for the test half, the tuning half, each holdout set and the dev
    set, each on its own. While iterating, ``--only tune --ranking-only --home var/eval`` measures the
    tuning half's rankings over a kept index (unchanged chunks are not embedded again)."""
    import contextlib
    import tempfile

    from config import load_settings
    from knowledge.evaluate import evaluate
    from knowledge.service import PLAYBOOKS_DIR, open_knowledge_base

    base = get_settings()
    shared = next((p for p in (Path("../shared"), Path("../../shared")) if (p / "seeds").exists()), None)
    if dev is None and shared is not None and (shared / "eval" / "questions.dev.jsonl").exists():
        dev = shared / "eval" / "questions.dev.jsonl"
    if not corpus:
        if shared is None:
            raise typer.BadParameter("no --corpus given and ../shared/seeds not found")
        corpus = [shared / "seeds", PLAYBOOKS_DIR]
    wanted = set(only or EVAL_SET_NAMES)
    if not wanted <= set(EVAL_SET_NAMES):
        raise typer.BadParameter(f"--only takes {', '.join(EVAL_SET_NAMES)}, not {sorted(wanted)}")
    sets = eval_question_sets(questions, holdout_files(holdout), dev, wanted)
    kept = contextlib.nullcontext(str(home)) if home else tempfile.TemporaryDirectory(prefix="coach-eval-")
    with kept as folder:
        settings = load_settings(coach_home=folder, embedding_model=base.embedding_model)
        kb = open_knowledge_base(settings, composer=None, embedder=_shared_embedder(base))
        kb.ingestor.ingest(corpus, prune=home is not None)
        reports = {
            name: evaluate(kb.answerer, qs, decisions=not ranking_only) for name, qs in sets.items() if qs
        }
    if as_json:
        _print_json(reports)
        return
    for name, report in reports.items():
        counts = ", ".join(f"{k} {v}" for k, v in sorted(report["counts"].items()))
        typer.echo(f"== {name} ({report['questions']} questions: {counts})")
        for row in report["retrieval"]:
            typer.echo(
                f"  {row['mode']:>6}: hit@1 {row['hit@1']:.3f}  hit@3 {row['hit@3']:.3f}  MRR {row['mrr']:.3f}"
            )
        for rate, value in report["rates"].items():
            typer.echo(f"  {rate}: {'-' if value is None else f'{value:.3f}'}")
        misses = {k: v for k, v in report["decisions"].items() if v}
        typer.echo(f"  {json.dumps(misses, ensure_ascii=False)}")


def _shared_embedder(settings):
    from knowledge.embeddings import embedder_for

    return embedder_for(settings)


@model_app.command("build")
def model_build(force: Annotated[bool, typer.Option(help="Rebuild even if present")] = False) -> None:
    """Build the default offline embedding model (multilingual-e5-small) under COACH_HOME/models,
    and its ONNX export, which `coach ask` and `coach run` use without loading torch; and train the
    visit parser's customer tagger and outcome classifiers into the cache folder, so the bot's start
    never trains them."""
    from bot.sales.parsing.customer_tagger import load_tagger
    from bot.sales.parsing.outcome_meaning import OutcomeReader
    from knowledge.e5_build import E5_MODEL_NAME, build_e5_model
    from knowledge.e5_onnx import build_e5_onnx
    from knowledge.embeddings import embedder_for

    settings = get_settings()
    path = build_e5_model(settings.models_dir / E5_MODEL_NAME, force=force)
    typer.echo(str(path))
    typer.echo(str(build_e5_onnx(path, force=force)))
    typer.echo(str(load_tagger(settings.cache_dir).model_path))
    OutcomeReader(embedder_for(settings), settings.cache_dir)  # its vectors and fits, cached


# ---- the bot ---------------------------------------------------------------------------------
users_app = typer.Typer(no_args_is_help=True, help="Team members")
invite_app = typer.Typer(no_args_is_help=True, help="One-time registration codes")
db_app = typer.Typer(no_args_is_help=True, help="The database")
app.add_typer(users_app, name="users")
app.add_typer(invite_app, name="invite")
app.add_typer(db_app, name="db")

DEMO_ADMIN_ID = 1
DEMO_ADMIN_NAME = "演示管理员"


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Apply the database migrations (also done automatically at every start)."""
    from store.db import upgrade

    settings = get_settings()
    settings.coach_home.mkdir(parents=True, exist_ok=True)
    _run(upgrade(settings.database))
    typer.echo("database is up to date")


@users_app.command("add")
def users_add(
    telegram_id: Annotated[int, typer.Option(help="The person's Telegram user id")],
    name: Annotated[str, typer.Option(help="Display name")],
    role: Annotated[str, typer.Option(help="rep | manager | admin")] = "rep",
    team: Annotated[str | None, typer.Option(help="Team name (created if new)")] = None,
) -> None:
    """Register a team member (or update an existing one)."""
    from store import users

    if role not in ("rep", "manager", "admin"):
        raise typer.BadParameter("role must be rep, manager or admin")
    user = _run(in_transaction(lambda s: users.add_user(s, telegram_id, name, role, team)))
    typer.echo(f"{user.name} ({user.role}, telegram {user.telegram_id}) registered")


@users_app.command("list")
def users_list(as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """List active team members."""
    from store import users

    async def work(session):
        return [
            {
                "telegram_id": u.telegram_id,
                "name": u.name,
                "role": u.role,
                "team": u.team.name if u.team else None,
            }
            for u in await users.list_users(session)
        ]

    rows = _run(in_transaction(work))
    if as_json:
        _print_json(rows)
        return
    for row in rows:
        typer.echo(f"{row['telegram_id']:>12}  {row['role']:<8} {row['team'] or '-':<10} {row['name']}")


@users_app.command("remove")
def users_remove(telegram_id: Annotated[int, typer.Option(help="The person's Telegram user id")]) -> None:
    """Deactivate a team member: they lose access at once; their records stay."""
    from store import users

    async def work(session):
        user = await users.get_user_by_telegram_id(session, telegram_id)
        return user is not None and await users.remove_user(session, user.id)

    if not _run(in_transaction(work)):
        typer.echo(f"no active user with telegram id {telegram_id}", err=True)
        raise typer.Exit(1)
    typer.echo("removed")


@invite_app.command("create")
def invite_create(
    role: Annotated[str, typer.Option(help="rep | manager | admin")] = "rep",
    team: Annotated[str | None, typer.Option(help="Team name")] = None,
    days: Annotated[int, typer.Option(help="Valid for this many days")] = 7,
) -> None:
    """Print a one-time code; the person sends `/start CODE` to the bot."""
    from datetime import timedelta

    from store import users

    if role not in ("rep", "manager", "admin"):
        raise typer.BadParameter("role must be rep, manager or admin")
    code = _run(in_transaction(lambda s: users.create_invite(s, role, team, timedelta(days=days))))
    typer.echo(code)


async def _demo_admin_id() -> int:
    from store import users

    async def work(session):
        admins = await users.list_users(session, role="admin")
        if admins:
            return admins[0].telegram_id
        await users.add_user(session, DEMO_ADMIN_ID, DEMO_ADMIN_NAME, "admin", "演示团队")
        return DEMO_ADMIN_ID

    return await in_transaction(work)


@app.command()
def chat(
    as_id: Annotated[
        int | None, typer.Option("--as", help="Chat as this Telegram id (default: an admin)")
    ] = None,
) -> None:
    """The bot in this terminal (buttons become numbered choices)."""
    from bot.app import build_engine
    from bot.transports.terminal import TerminalChat

    async def main() -> None:
        sender = as_id if as_id is not None else await _demo_admin_id()
        engine = await build_engine(get_settings())
        try:
            await TerminalChat(engine, sender, "终端用户").run()
        finally:
            await engine.db.dispose()

    _run(main())


@app.command()
def run() -> None:
    """Run the Telegram bot when TELEGRAM_BOT_TOKEN is set; otherwise the terminal chat as a demo admin."""
    settings = get_settings()
    if settings.telegram_bot_token is None:
        typer.echo("TELEGRAM_BOT_TOKEN 未设置：以演示管理员身份打开终端对话（输入 /quit 退出）。", err=True)
        chat(as_id=None)
        return
    import asyncio

    from telegram.error import InvalidToken, NetworkError

    from bot.app import build_engine, warm_up
    from bot.transports.redaction import install_redaction
    from bot.transports.telegram import check_bot_api, serve
    from prompts import text

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("httpx").setLevel(logging.WARNING)  # request lines: noise (and the token, redacted)
    redact = install_redaction(settings.telegram_bot_token.get_secret_value())

    async def main() -> None:
        await check_bot_api(settings)  # a wrong token or no network is said before the model loads
        engine = await build_engine(settings)
        try:
            await asyncio.to_thread(warm_up, engine.kb)  # before polling: the first answer is quick
            await serve(settings, engine)
        finally:
            await engine.db.dispose()

    try:
        _run(main())
    except InvalidToken:
        typer.echo(text("run_token_rejected", token=redact.shown), err=True)
        raise typer.Exit(1) from None
    except NetworkError as error:  # TimedOut included
        problem = redact(f"{type(error).__name__}: {error}")
        typer.echo(text("run_bot_api_unreachable", problem=problem), err=True)
        raise typer.Exit(1) from None
    except Exception:
        logging.getLogger("bot.cli").exception("coach run stopped")  # the traceback, token redacted
        raise typer.Exit(1) from None


from bot.cli.manager import register as register_manager_commands  # noqa: E402

register_manager_commands(app)


from bot.cli.visits import register as register_visit_commands  # noqa: E402

register_visit_commands(app, eval_app)


from bot.cli.dates import register as register_date_commands  # noqa: E402

register_date_commands(app, eval_app)
from bot.cli.rules import register as register_rules_commands  # noqa: E402

register_rules_commands(app)
from bot.cli.drills import register as register_drill_commands  # noqa: E402

register_drill_commands(app, eval_app)
from bot.cli.kb import register as register_kb_commands  # noqa: E402

register_kb_commands(app)


if __name__ == "__main__":
    app()
