"""`qayd ask "QUESTION"`: the finance assistant answers from the company's own books (issue 18).

The question goes out pseudonymised; the answer comes back with the real names, the tools it read and whether every
number in it came from them. Imports only click at load; the assistant loads inside the command."""

from __future__ import annotations

import click

from core.cli.common import end_progress, json_option, print_json, progress_printer, state


@click.command("ask")
@click.argument("question")
@json_option
def ask(question: str, as_json: bool) -> None:
    """Ask the finance assistant a question about the books (names never leave this desk)."""
    from core.assistant import ask as answer_question

    if not question.strip():
        raise click.BadParameter("ask a question, e.g. qayd ask \"Who owes us the most?\"", param_hint="QUESTION")
    settings = state().settings.assistant
    ctx = state().company()
    printer = progress_printer("Assistant")
    answer = answer_question(ctx, settings, question, progress=printer)
    end_progress(printer)
    if as_json:
        print_json(answer.to_json())
        return
    click.echo(answer.text)
    click.echo("")
    for step in answer.steps:
        arguments = ", ".join(f"{k}={v}" for k, v in step.arguments.items())
        click.echo(f"  read: {step.tool}({arguments}){'' if step.ok else ' (refused)'}")
    if answer.verified:
        click.echo("Every number above came from the books.")
    else:
        click.echo(f"Unverified: {', '.join(answer.unverified)} did not come from any tool's result; check them.")
    click.echo(f"{answer.model}: {answer.input_tokens} tokens in, {answer.output_tokens} out, "
               f"{answer.cost} {answer.currency}.")
    if answer.budget_warning:
        click.echo("Warning: this month's assistant budget is nearly spent (`qayd assistant usage`).")
