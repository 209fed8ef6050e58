"""What the CI jobs ``fleet matrix`` prints install: this checkout, or a requirement the user
names, never the bare project name.

No package called ``okta-custom-domain`` is published on PyPI. A job running ``pip install
okta-custom-domain`` fails today, and the day someone else publishes that name it installs
their code next to the org's Okta tokens (dependency confusion). So the jobs install either
the checkout they run in (when ``fleet matrix`` runs inside this project's repository) or
exactly what ``--install`` says (a ``name @ git+https://...@TAG`` reference, a wheel URL or
path, or the name together with ``--index-url`` of an index the user owns).
"""

from __future__ import annotations

import re
import shlex
import tomllib
from dataclasses import dataclass
from pathlib import Path

from okta_custom_domain.parsers import InputError

PROJECT = "okta-custom-domain"
CONSTRAINTS = ".ci/constraints.txt"
"""The checkout's pins (the Pulumi SDK the tests ran), applied when installing the checkout."""
INDEX_OPTIONS = ("-i", "--index-url")
"""The options that make pip take the name from one index only (``--extra-index-url`` does
not: pip then takes the highest version from any index, the very hole)."""
EXAMPLE = f"'{PROJECT} @ git+https://github.com/ORG/{PROJECT}@v0.1.0'"


class InstallError(InputError):
    """``--install`` is missing or names what must not be installed; the reason says the fix."""

    def __init__(self, reason: str) -> None:
        super().__init__("--install", reason)


@dataclass(frozen=True)
class InstallStep:
    """The shell line a job runs to install the component, and a name for the step."""

    name: str
    command: str


def _project_name(pyproject: Path) -> str | None:
    try:
        data = tomllib.loads(pyproject.read_text())
    except (OSError, tomllib.TOMLDecodeError):
        return None
    name = data.get("project", {}).get("name")
    return _normalized(name) if isinstance(name, str) else None


def _normalized(name: str) -> str:
    """PEP 503: case, ``_`` and ``.`` do not matter in a distribution name."""
    return re.sub(r"[-_.]+", "-", name).lower()


def project_checkout(start: Path) -> Path | None:
    """The nearest directory at or above ``start`` whose ``pyproject.toml`` is this project's."""
    for directory in (start, *start.parents):
        if _project_name(directory / "pyproject.toml") == PROJECT:
            return directory
    return None


def _repository_root(project: Path) -> Path:
    """Where a CI checkout puts the files: the enclosing git work tree (else the project)."""
    for directory in (project, *project.parents):
        if (directory / ".git").exists():
            return directory
    return project


def from_checkout(project: Path) -> InstallStep:
    """``pip install`` of the checkout the job runs in, with its constraints when it has them."""
    relative = project.relative_to(_repository_root(project)).as_posix()
    where = "." if relative == "." else f"./{relative}"
    words = ["python -m pip install"]
    if (project / CONSTRAINTS).is_file():
        words.append(f"-c {shlex.quote(f'{where}/{CONSTRAINTS}'.removeprefix('./'))}")
    words.append(shlex.quote(where))
    return InstallStep(f"install {PROJECT} from this checkout", " ".join(words))


def _bare_names(words: list[str]) -> list[str]:
    """The requirements in ``words`` that name this project by name alone (no URL, no path)."""
    bare = []
    for word in words:
        if word.startswith("-") or "@" in word or "://" in word or word.startswith((".", "/")):
            continue
        if word.endswith((".whl", ".tar.gz", ".zip")):
            continue
        if _normalized(re.split(r"[\s\[<>=!~;]", word, maxsplit=1)[0]) == PROJECT:
            bare.append(word)
    return bare


def _pip_words(text: str) -> list[str]:
    """One requirement (``name @ URL`` holds spaces), or, when ``text`` starts with ``-``,
    pip options and requirements as shell words."""
    if not text.strip().startswith("-"):
        return [text.strip()] if text.strip() else []
    try:
        return shlex.split(text)
    except ValueError as exc:
        raise InstallError(f"{text!r} is not valid shell words ({exc})") from None


def from_requirement(text: str) -> InstallStep:
    """``pip install`` of what ``--install`` says, refused when it is the bare name without
    an index of the user's own."""
    words = _pip_words(text)
    if not words:
        raise InstallError(f"give a requirement, for example {EXAMPLE}")
    has_index = any(w in INDEX_OPTIONS or w.startswith("--index-url=") for w in words)
    if _bare_names(words) and not has_index:
        raise InstallError(
            f"{' '.join(_bare_names(words))!r}: no package of that name is published, and one "
            f"published by anyone else would run with your Okta tokens; give a source: "
            f"{EXAMPLE}, a wheel URL, or '--index-url https://YOUR-INDEX/simple {PROJECT}'"
        )
    command = " ".join(["python -m pip install", *map(shlex.quote, words)])
    return InstallStep(f"install {PROJECT} (--install)", command)


def resolve(install: str | None, cwd: Path) -> InstallStep:
    """``--install`` when given, else the checkout ``cwd`` is in, else a refusal naming
    ``--install``."""
    if install is not None:
        return from_requirement(install)
    project = project_checkout(cwd.resolve())
    if project is not None:
        return from_checkout(project)
    raise InstallError(
        f"not run inside a checkout of {PROJECT}, so the jobs have nothing to install "
        f"(no package of that name is published); give --install REQUIREMENT, for example "
        f"{EXAMPLE} or a wheel URL"
    )
