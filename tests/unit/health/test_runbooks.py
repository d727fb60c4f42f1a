"""Every alert's runbook: both languages, the five sections, and every `qayd …` command in it a real command.

A runbook is read in a hurry; a command that does not exist (or an option it does not take) is worse than none.
So every `qayd …` in inline code or in a code block is parsed and walked through the CLI's click groups.
"""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import click
import pytest

from core.cli import COMMANDS, cli
from core.health import RUNBOOKS, runbook_path
from core.resources import resources_root

REPO = Path(__file__).parents[3]
HEADINGS = {
    "en": ["Symptom", "Impact", "Diagnose", "Fix", "When to escalate"],
    "ar": ["الأعراض", "الأثر", "التشخيص", "الإصلاح", "متى تُصعِّد"],
}
# Commands other lanes of issue 16 add (doctor, status, support bundle): accepted while they do not exist on this
# branch, and checked like every other command (options included) as soon as COMMANDS has them.
UPCOMING = {"doctor", "status", "support"}
GLOBAL_OPTIONS = {"--data-dir", "--company", "--config"}
INLINE = re.compile(r"`(qayd [^`]+)`")
FENCE = re.compile(r"^```[^\n]*\n(.*?)^```", re.S | re.M)
ARABIC = re.compile(r"[\u0600-\u06ff]")
LATIN = re.compile(r"[A-Za-z]")


def runbook_files() -> list[Path]:
    return [runbook_path(runbook, language) for runbook in RUNBOOKS for language in HEADINGS]


def commands_in(text: str) -> list[str]:
    lines = INLINE.findall(text)
    for block in FENCE.findall(text):
        lines += [line.strip() for line in block.splitlines() if line.strip().startswith("qayd ")]
    return lines


def problem_with(line: str) -> str | None:
    """None when `line` names a real command with options it takes, else what is wrong."""
    words = shlex.split(line)[1:]
    while words and words[0] in GLOBAL_OPTIONS:
        words = words[2:]
    if words and words[0] in UPCOMING and words[0] not in COMMANDS:
        return None
    command: click.Command = cli
    path: list[str] = []
    while isinstance(command, click.Group) and words and not words[0].startswith("-"):
        sub = command.get_command(click.Context(command), words[0])
        if sub is None:  # click reads a group's first word as a command, even where the group runs alone
            return f"no command `qayd {' '.join([*path, words[0]])}`"
        command, path = sub, [*path, words.pop(0)]
    if isinstance(command, click.Group) and not command.invoke_without_command:
        return f"`qayd {' '.join(path)}` is a group, not a command"
    options = {opt: param for param in command.params for opt in getattr(param, "opts", [])}
    for i, word in enumerate(words):
        if not word.startswith("-"):
            continue
        name, _, value = word.partition("=")
        param = options.get(name)
        if param is None:
            return f"`qayd {' '.join(path)}` takes no option {name}"
        choice = value or (words[i + 1] if i + 1 < len(words) else "")
        if isinstance(param.type, click.Choice) and choice.islower() and choice not in param.type.choices:
            return f"{name} takes {list(param.type.choices)}, not {choice!r}"
    return None


def test_every_runbook_id_has_an_english_and_an_arabic_file() -> None:
    folder = resources_root() / "runbooks"
    expected = {f"{runbook}{suffix}" for runbook in RUNBOOKS for suffix in (".md", ".ar.md")}
    assert {p.name for p in folder.glob("*.md")} == expected


def test_the_repository_shows_the_same_runbooks_under_docs() -> None:
    """One copy: docs/runbooks is a link to the shipped folder, not a second set to keep in step."""
    docs = REPO / "docs" / "runbooks"
    assert docs.is_symlink() and docs.resolve() == (REPO / "resources" / "runbooks").resolve()


@pytest.mark.parametrize("language", sorted(HEADINGS))
def test_each_runbook_has_the_five_sections_in_order(language: str) -> None:
    problems = []
    for runbook in RUNBOOKS:
        text = runbook_path(runbook, language).read_text("utf-8")
        headings = [line[3:].strip() for line in text.splitlines() if line.startswith("## ")]
        if headings != HEADINGS[language]:
            problems.append(f"{runbook} ({language}): {headings}")
        if not re.search(r"^# .+", text, re.M):
            problems.append(f"{runbook} ({language}): no title")
    assert problems == []


def test_the_arabic_runbooks_are_arabic_and_right_to_left() -> None:
    for runbook in RUNBOOKS:
        text = runbook_path(runbook, "ar").read_text("utf-8")
        assert text.startswith('<div dir="rtl">\n'), runbook
        title = next(line for line in text.splitlines() if line.startswith("# "))
        assert ARABIC.match(title[2:]), f"{runbook}: the title does not start in Arabic"
        prose = INLINE.sub("", FENCE.sub("", text))
        prose = re.sub(r"`[^`]*`|<[^>]+>|\([a-z-]+\)", "", prose)
        assert len(ARABIC.findall(prose)) > 5 * len(LATIN.findall(prose)), runbook


def test_every_runbook_tells_how_to_diagnose_with_qayd() -> None:
    for path in runbook_files():
        diagnose = path.read_text("utf-8").split("\n## ")[3]
        assert commands_in(diagnose), f"{path.name}: no qayd command under its third section"


def test_every_qayd_command_in_a_runbook_is_a_real_command() -> None:
    problems = []
    for path in runbook_files():
        for line in commands_in(path.read_text("utf-8")):
            problem = problem_with(line)
            if problem:
                problems.append(f"{path.name}: {line}: {problem}")
    assert problems == []


@pytest.mark.parametrize(("line", "problem"), [
    ("qayd zatca queue", "no command `qayd zatca queue`"),
    ("qayd mail outbox --failed", "takes no option --failed"),
    ("qayd mail outbox --status lost", "--status takes"),
    ("qayd zatca", "is a group"),
    ("qayd sync now", "no command `qayd sync now`"),
    ("qayd --company acme audit verify --json", None),
    ("qayd sync", None),
    ("qayd sync resolve ID --take local", None),
])
def test_the_command_check_can_fail(line: str, problem: str | None) -> None:
    found = problem_with(line)
    assert (found is None) if problem is None else (found is not None and problem in found)


def test_operations_lists_every_threshold_with_its_default_and_every_runbook() -> None:
    from core.config import AlertsSettings

    text = (REPO / "docs" / "OPERATIONS.md").read_text("utf-8")
    for name, field in AlertsSettings.model_fields.items():
        assert re.search(rf"^\| `{name}` \| {field.default:g} \|", text, re.M), name
    for runbook in RUNBOOKS:
        assert f"[{runbook}](runbooks/{runbook}.md)" in text and f"(runbooks/{runbook}.ar.md)" in text, runbook
