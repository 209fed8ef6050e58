"""Claims the README makes about the project itself, held against the files that decide them.

Each claim is looked up by its heading or wording in README.md or any docs/*.md file, so moving
a section from the README to docs/ does not break the check. Each check has a companion that
shows it can fail.
"""

from __future__ import annotations

import ast
import re
import sys
import tomllib
from inspect import getsource
from pathlib import Path
from typing import Any

import pytest
from okta_custom_domain.doctor import verdict as doctor_verdict
from okta_custom_domain.doctor.conclusion import VERDICT_CODES, VerdictCode
from okta_custom_domain.doctor.dns_verdict import HANDLERS
from okta_custom_domain.readiness.cause import CauseCode

ROOT = Path(__file__).resolve().parents[1]


def documents() -> dict[Path, str]:
    """README.md and every docs/*.md, by path."""
    paths = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
    return {path: path.read_text() for path in paths if path.is_file()}


def section(heading: str) -> str:
    """The text under the one Markdown heading titled ``heading`` (any level), up to the next
    heading of the same or a higher level, in whichever document holds it."""
    found: list[str] = []
    for text in documents().values():
        lines = text.splitlines()
        for index, line in enumerate(lines):
            match = re.fullmatch(r"(#+)\s+(.*?)\s*", line)
            if not match or match.group(2) != heading:
                continue
            level = len(match.group(1))
            body: list[str] = []
            for following in lines[index + 1 :]:
                deeper = re.match(r"(#+)\s", following)
                if deeper and len(deeper.group(1)) <= level:
                    break
                body.append(following)
            found.append("\n".join(body))
    assert len(found) == 1, f"want one section titled {heading!r}, found {len(found)}"
    return found[0]


def pyproject() -> dict[str, Any]:
    return tomllib.loads((ROOT / "pyproject.toml").read_text())


# -- LICENSE matches pyproject's license ------------------------------------------------------

# SPDX identifier -> the first two non-blank lines of that license's standard text.
LICENSE_HEADS = {"Apache-2.0": ("Apache License", "Version 2.0, January 2004")}


def license_head(text: str) -> tuple[str, ...]:
    return tuple(line.strip() for line in text.splitlines() if line.strip())[:2]


def test_the_license_file_is_the_license_pyproject_declares() -> None:
    declared = pyproject()["project"]["license"]
    text = (ROOT / "LICENSE").read_text()
    assert license_head(text) == LICENSE_HEADS[declared]
    # The whole standard text, not only its title: the terms, their end, and the appendix.
    assert "TERMS AND CONDITIONS FOR USE, REPRODUCTION, AND DISTRIBUTION" in text
    assert "9. Accepting Warranty or Additional Liability." in text
    assert "END OF TERMS AND CONDITIONS" in text
    assert "APPENDIX: How to apply the Apache License to your work." in text


def test_the_license_check_can_fail() -> None:
    mit = "MIT License\n\nCopyright (c) 2024 Someone\n"
    assert license_head(mit) != LICENSE_HEADS["Apache-2.0"]
    with pytest.raises(KeyError):
        LICENSE_HEADS["MIT"]


# -- the supported Python versions --------------------------------------------------------------

# Standard-library names that first appeared in a given Python version (a finite list of the
# ones a project like this reaches for; syntax beyond the minimum is ruff's job, through
# target-version). A module using one of these needs at least that version.
NEWER_STDLIB: dict[tuple[int, int], frozenset[str]] = {
    (3, 11): frozenset(
        {
            "enum.StrEnum",
            "enum.ReprEnum",
            "enum.verify",
            "typing.Unpack",
            "typing.NotRequired",
            "typing.Required",
            "typing.Self",
            "typing.LiteralString",
            "typing.Never",
            "typing.assert_never",
            "typing.reveal_type",
            "datetime.UTC",
            "tomllib",
            "asyncio.TaskGroup",
            "asyncio.timeout",
            "asyncio.Runner",
            "builtins.ExceptionGroup",
            "builtins.BaseExceptionGroup",
        }
    ),
    (3, 12): frozenset(
        {"typing.override", "itertools.batched", "collections.abc.Buffer", "typing.TypeAliasType"}
    ),
    (3, 13): frozenset({"warnings.deprecated", "copy.replace", "typing.ReadOnly", "typing.TypeIs"}),
}
SOURCES = ["components", "tests", "benchmarks", "scripts", "__main__.py"]


def requires_python_minimum() -> tuple[int, int]:
    spec = pyproject()["project"]["requires-python"]
    match = re.fullmatch(r">=\s*(\d+)\.(\d+)", spec)
    assert match, f"requires-python {spec!r}: expected the form '>=X.Y'"
    return int(match.group(1)), int(match.group(2))


def stdlib_names_used(source: str) -> set[str]:
    """The dotted standard-library names a module imports or reads as attributes of an
    imported module (``from enum import StrEnum``, ``enum.StrEnum``, ``import tomllib``), and
    the builtins ``ExceptionGroup``/``BaseExceptionGroup`` it names."""
    tree = ast.parse(source)
    aliases: dict[str, str] = {}  # local name -> module it is bound to
    used: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                used.add(alias.name)
                aliases[alias.asname or alias.name.split(".")[0]] = (
                    alias.name if alias.asname else alias.name.split(".")[0]
                )
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            used.add(node.module)
            for alias in node.names:
                used.add(f"{node.module}.{alias.name}")
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute):
            parts: list[str] = [node.attr]
            value: ast.expr = node.value
            while isinstance(value, ast.Attribute):
                parts.append(value.attr)
                value = value.value
            if isinstance(value, ast.Name) and value.id in aliases:
                dotted = [aliases[value.id], *reversed(parts)]
                used |= {".".join(dotted[:n]) for n in range(2, len(dotted) + 1)}
        elif isinstance(node, ast.Name) and node.id in ("ExceptionGroup", "BaseExceptionGroup"):
            used.add(f"builtins.{node.id}")
    return used


def too_new(used: set[str], minimum: tuple[int, int]) -> dict[str, tuple[int, int]]:
    return {
        name: version
        for version, names in NEWER_STDLIB.items()
        if version > minimum
        for name in used & names
    }


def python_sources() -> list[Path]:
    found: list[Path] = []
    for entry in SOURCES:
        path = ROOT / entry
        if path.is_file():
            found.append(path)
        else:
            found += [
                p
                for p in sorted(path.rglob("*"))
                if p.is_file()
                and (p.suffix == ".py" or p.read_bytes().startswith(b"#!/usr/bin/env python"))
                and "node_modules" not in p.parts
            ]
    return found


def stated_python_minimums(texts: list[str]) -> set[tuple[int, int]]:
    """Every "Python X.Y+" the texts state."""
    return {
        (int(major), int(minor))
        for text in texts
        for major, minor in re.findall(r"\bPython (\d+)\.(\d+)\+", text)
    }


def test_the_readme_states_the_minimum_python_pyproject_requires() -> None:
    assert stated_python_minimums(list(documents().values())) == {requires_python_minimum()}


def test_the_tools_check_against_the_minimum_python() -> None:
    major, minor = requires_python_minimum()
    assert pyproject()["tool"]["ruff"]["target-version"] == f"py{major}{minor}"
    assert pyproject()["tool"]["mypy"]["python_version"] == f"{major}.{minor}"


def test_the_running_interpreter_satisfies_requires_python() -> None:
    assert sys.version_info[:2] >= requires_python_minimum()


def test_no_module_uses_a_standard_library_name_newer_than_the_minimum() -> None:
    minimum = requires_python_minimum()
    offenders = {
        str(path.relative_to(ROOT)): found
        for path in python_sources()
        if (found := too_new(stdlib_names_used(path.read_text()), minimum))
    }
    assert offenders == {}, f"requires-python allows {minimum}, but: {offenders}"


def test_the_python_version_checks_can_fail() -> None:
    """3.10 as the minimum (what pyproject said) with a module importing StrEnum is an
    offence; a README stating 3.10, or two different versions, is read as such."""
    source = "import enum\nfrom typing import Unpack\nclass Code(enum.StrEnum):\n    A = 'a'\n"
    assert too_new(stdlib_names_used(source), (3, 10)) == {
        "enum.StrEnum": (3, 11),
        "typing.Unpack": (3, 11),
    }
    assert too_new(stdlib_names_used("from enum import StrEnum as S\n"), (3, 10)) == {
        "enum.StrEnum": (3, 11)
    }
    assert too_new(stdlib_names_used("import tomllib\n"), (3, 10)) == {"tomllib": (3, 11)}
    assert too_new(stdlib_names_used(source), (3, 11)) == {}
    assert stated_python_minimums(["You need Python 3.10+, the Pulumi CLI"]) == {(3, 10)}
    assert stated_python_minimums(["Python 3.11+ here", "Python 3.10+ there"]) == {
        (3, 10),
        (3, 11),
    }
    assert len(python_sources()) > 100


# -- the doctor's verdict table -----------------------------------------------------------------

VERDICT_TABLE = "Verdicts, in priority order"


def table_rows(text: str) -> list[list[str]]:
    """The codes of each row of a Markdown table whose first cell holds backticked codes."""
    return [
        re.findall(r"`([^`]+)`", line.split(" | ")[0])
        for line in text.splitlines()
        if line.startswith("| `")
    ]


def handler_verdicts(handler: Any) -> list[VerdictCode]:
    """The verdict codes a ``dns_verdict.HANDLERS`` rule can give: the one an ``_as_is``
    handler closes over, else those its source names."""
    cells = [cell.cell_contents for cell in handler.__closure__ or ()]
    if held := [cell for cell in cells if isinstance(cell, VerdictCode)]:
        return held
    return [VerdictCode[name] for name in re.findall(r"VerdictCode\.(\w+)", getsource(handler))]


def cause_rank() -> dict[VerdictCode, int]:
    """Each verdict given from a readiness cause, ranked by that cause's priority (the most
    blocking cause that gives it). Causes that ``decide`` consults itself, outside the cause
    order (a CAA record that forbids, for a VERIFIED domain), are left out: their rows stand
    where Okta's state puts them."""
    consulted = {
        CauseCode[name]
        for name in re.findall(r"CauseCode\.(\w+)", getsource(doctor_verdict))
        if name in CauseCode.__members__
    }
    rank: dict[VerdictCode, int] = {}
    for cause in CauseCode:
        if cause in consulted:
            continue
        for code in handler_verdicts(HANDLERS[cause]):
            rank.setdefault(code, cause.priority)
    return rank


def out_of_order(rows: list[list[str]], rank: dict[VerdictCode, int]) -> list[str]:
    """Codes listed after a code of a less blocking cause."""
    late: list[str] = []
    highest = -1
    for row in rows:
        ranks = [rank[VerdictCode(code)] for code in row if VerdictCode(code) in rank]
        if ranks and min(ranks) < highest:
            late += row
        highest = max([highest, *ranks])
    return late


def test_the_verdict_table_lists_every_verdict_code_once() -> None:
    listed = [code for row in table_rows(section(VERDICT_TABLE)) for code in row]
    assert set(VERDICT_CODES) - set(listed) == set(), "verdict codes the table lacks"
    assert set(listed) - set(VERDICT_CODES) == set(), "table codes the doctor does not have"
    assert len(listed) == len(set(listed)), "a code listed twice"


def test_the_verdict_table_follows_the_cause_priority() -> None:
    rank = cause_rank()
    assert set(rank) >= {VerdictCode.DNS_NOT_FOUND, VerdictCode.NOT_READY, VerdictCode.CNAME_LOOP}
    assert out_of_order(table_rows(section(VERDICT_TABLE)), rank) == []


def test_the_verdict_table_checks_can_fail() -> None:
    rows = table_rows(section(VERDICT_TABLE))
    listed = [code for row in rows for code in row]
    assert sorted(listed[:-1]) != sorted(VERDICT_CODES)
    assert sorted([*listed, listed[0]]) != sorted(VERDICT_CODES)
    rank = cause_rank()
    # not_ready (the least blocking cause) listed before dns_not_found (the most blocking).
    assert out_of_order([["not_ready"], ["dns_not_found"]], rank) == ["dns_not_found"]
    assert out_of_order([["dns_not_found"], ["not_ready"]], rank) == []
    assert table_rows("| code | when |\n|---|---|\n| `a` / `b` | x |\n") == [["a", "b"]]


# -- the extras .ci/run installs ----------------------------------------------------------------


def extras_named(text: str) -> set[str]:
    """The extras a text names: "its `test` extra", "`test` and `recipes` extras"."""
    phrases = re.findall(r"((?:`[\w-]+`(?:,\s*|\s+and\s+)?)+)\s+extras?\b", text)
    return {name for phrase in phrases for name in re.findall(r"`([\w-]+)`", phrase)}


def extras_installed(script: str) -> set[str]:
    """The extras of the ``pip install ... '.[a,b]'`` lines of a shell script."""
    groups = re.findall(r"pip install\b[^\n]*?\.\[([^\]]*)\]", script)
    assert groups, "no `pip install .[extras]` line"
    return {extra.strip() for group in groups for extra in group.split(",") if extra.strip()}


def test_the_readme_names_the_extras_ci_installs() -> None:
    script = (ROOT / ".ci" / "run").read_text()
    assert extras_named(section("Run the tests")) == extras_installed(script)


def test_the_extras_check_can_fail() -> None:
    assert extras_named("a virtualenv with the package and its `test` extra, the CLI") == {"test"}
    assert extras_named("its `test` and `recipes` extras") == {"test", "recipes"}
    assert extras_named("its `test`, `recipes` and `docs` extras") == {"test", "recipes", "docs"}
    assert extras_installed(".venv/bin/python -m pip install -q -e '.[test,recipes]'\n") == {
        "test",
        "recipes",
    }
    assert extras_named("its `test` extra") != extras_installed("pip install -e '.[test,recipes]'")
