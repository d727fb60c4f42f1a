"""`qayd insights …`: run the checks an auditor would run over the books, list their findings, mark them, and show or
set the thresholds they use.

Findings are not a failure of a command: `run` and `list` exit 0 whatever they find (exit 1 is for a check of the
books' integrity, `qayd audit verify`). The CLI speaks English (a recorded decision); `--json` carries both
languages' texts. Customers are named through `core.insights.shown_names`, so each read is in the access log.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

import click

from core.cli.common import end_progress, json_option, print_json, print_table, progress_printer, state
from core.cli.report import period_options, resolve_period

PURPOSE = "insights"
STATES = ("acknowledged", "false-positive", "resolved")
CLOSED = ("false_positive", "resolved")  # a finding marked so is no longer open


def _short(text: str, limit: int = 90) -> str:
    line = " ".join(text.split())
    return line if len(line) <= limit else line[:limit - 1] + "…"


def _rule_option(value: str | None) -> str | None:
    from core.insights import RULES

    if value is None:
        return None
    rule = value.strip().upper()
    if rule not in RULES:
        raise click.BadParameter(f"{value!r} is not a rule. Use one of: {', '.join(RULES)}.", param_hint="--rule")
    return rule


@click.group()
def insights() -> None:
    """Insights: what an auditor would flag in the books, and people's verdicts on it."""


@insights.command("run")
@period_options
@json_option
def run_command(start: date | None, end: date | None, period: str | None, as_json: bool) -> None:
    """Run every check over the period (default: the last twelve months) and keep the findings.

    Prints each finding (id, severity, rule, summary, how many documents) and the checks that could not judge
    this book. Exit 0 whatever is found: findings are for a person to judge (`qayd insights mark`), not a failure
    of the command. Ctrl-C stops cleanly: the last run's findings stay as they were.
    """
    from core.insights import run

    first, last = resolve_period(start, end, period, required=False)
    ctx = state().company()
    printer = progress_printer("Insights")
    result = run(ctx, first, last, progress=printer)
    end_progress(printer)
    if as_json:
        print_json({"period": {"start": result.period[0], "end": result.period[1]}, "ran_at": result.ran_at,
                    "documents": result.documents, "suppressed": result.suppressed,
                    "findings": [{"id": f.key[:8], **f.to_json()} for f in result.findings],
                    "not_applicable": [{"rule": n.rule, "reason": n.reason, "reason_ar": n.reason_ar}
                                       for n in result.not_applicable],
                    "collections": None if result.collections is None else result.collections.to_json()})
        return
    click.echo(f"Insights {result.period[0]} to {result.period[1]} (both days included, Riyadh time): "
               f"{result.documents:,} documents checked.")
    print_table(("Id", "Severity", "Rule", "Summary", "Documents"),
                ((f.key[:8], f.severity, f.rule, _short(f.summary), len(f.documents)) for f in result.findings))
    _not_applicable(result.not_applicable)
    kept = len(result.findings)
    click.echo(f"{kept} finding{'s' if kept != 1 else ''}"
               + (f"; {result.suppressed} left out (marked false positive for the same evidence)"
                  if result.suppressed else "") + ". Mark one with `qayd insights mark ID --as …`.")


def _not_applicable(items: Iterable[Any]) -> None:
    items = list(items)
    if not items:
        return
    click.echo("Not applicable to this book:")
    for item in items:
        click.echo(f"  {item.rule}: {item.reason}")


@insights.command("list")
@click.option("--rule", callback=lambda _c, _p, v: _rule_option(v), help="Only the findings of this rule id.")
@click.option("--open", "only_open", is_flag=True,
              help="Only open findings: not marked resolved or false positive.")
@json_option
def list_command(rule: str | None, only_open: bool, as_json: bool) -> None:
    """The findings of the last run, strongest first, with people's marks (exit 0 whatever they say)."""
    from core.insights import list_findings, shown_names

    ctx = state().company()
    with ctx.uow(write=False, channel="cli") as uow:
        stored = [s for s in list_findings(uow) if (rule is None or s.finding.rule == rule)
                  and not (only_open and s.mark is not None and s.mark.value in CLOSED)]
        ids = {c for s in stored for c in s.finding.customers}
        names = {k: v.name for k, v in shown_names(uow, ids, purpose=PURPOSE).items()} if ids else {}
    if as_json:
        print_json([{"id": s.finding.key[:8], **s.finding.to_json(), "run_at": s.run_at, "first_seen": s.first_seen,
                     "mark": None if s.mark is None else s.mark.value, "marked_by": s.marked_by, "note": s.note,
                     "customer_names": {c: names.get(c, "") for c in s.finding.customers}} for s in stored])
        return
    if not stored:
        click.echo("No findings" + (" match." if rule or only_open else " (run `qayd insights run`)."))
        return
    print_table(("Id", "Severity", "Rule", "Summary", "Customers", "Documents", "Mark"),
                ((s.finding.key[:8], s.finding.severity, s.finding.rule, _short(s.finding.summary, 70),
                  _short(", ".join(names.get(c, c[:8]) for c in s.finding.customers), 40) or "—",
                  len(s.finding.documents), "open" if s.mark is None else s.mark.value.replace("_", "-"))
                 for s in stored))


@insights.command("mark")
@click.argument("finding_id", metavar="ID")
@click.option("--as", "verdict", required=True, type=click.Choice(STATES),
              help="Your verdict. A false positive is not raised again for the same evidence.")
@click.option("--note", default="", help="Why (kept with the mark, synchronised; no personal data, please).")
def mark_command(finding_id: str, verdict: str, note: str) -> None:
    """Record your verdict on a finding (admin or compliance; audited): ID as `qayd insights list` shows it."""
    from core.insights import mark

    stored = mark(state().company(), finding_id, verdict, note)
    click.echo(f"Marked {stored.finding.key[:8]} ({stored.finding.rule}) {verdict}.")


@insights.command("thresholds")
@click.option("--set", "changes", multiple=True, metavar="NAME=VALUE",
              help="Change a threshold (repeat for several; admin or compliance; audited as a company setting).")
@json_option
def thresholds_command(changes: tuple[str, ...], as_json: bool) -> None:
    """Every threshold the checks use: its value, its default and what it means; --set changes some."""
    from core.insights import DEFAULTS, load_thresholds, save_thresholds
    from core.insights import THRESHOLD_DOCS as docs

    ctx = state().company()
    if changes:
        values = {}
        for change in changes:
            name, sep, value = change.partition("=")
            if not sep or not name.strip():
                raise click.BadParameter(f"{change!r} is not NAME=VALUE (e.g. duplicate_days=10).",
                                         param_hint="--set")
            values[name.strip()] = value.strip()
        with ctx.uow() as uow:
            current = save_thresholds(uow, values)
            uow.commit()
    else:
        with ctx.uow(write=False, channel="cli") as uow:
            current = load_thresholds(uow)
    now, default = current.to_json(), DEFAULTS.to_json()
    if as_json:
        print_json([{"name": k, "value": v, "default": default[k], "doc": docs.get(k, "")} for k, v in now.items()])
        return
    print_table(("Threshold", "Value", "Default", "Meaning"),
                ((k, _shown(v) + (" *" if v != default[k] else ""), _shown(default[k]), docs.get(k, ""))
                 for k, v in now.items()))
    click.echo("* changed from the default. Change with `qayd insights thresholds --set NAME=VALUE`.")


def _shown(value: Any) -> str:
    return ",".join(str(v) for v in value) if isinstance(value, list | tuple) else f"{value:g}" \
        if isinstance(value, float) else str(value)
