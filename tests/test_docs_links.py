"""Every link in the README and docs/ resolves: a relative file exists, an anchor names a heading
of the file it points into (GitHub's slugs), so moving a section never leaves a dead link."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
LINK = re.compile(r"\]\(([^)\s]+)\)")


def slug(heading: str) -> str:
    """GitHub's anchor for a heading: lower case, punctuation dropped, spaces to '-'."""
    text = re.sub(r"[^\w\- ]", "", heading.strip().lower())
    return text.replace(" ", "-")


def anchors(path: Path) -> set[str]:
    text = re.sub(r"```.*?```", "", path.read_text(), flags=re.S)
    return {slug(line.lstrip("#")) for line in text.splitlines() if line.startswith("#")}


def links(path: Path) -> list[str]:
    text = re.sub(r"```.*?```", "", path.read_text(), flags=re.S)
    return [target for target in LINK.findall(text) if "://" not in target]


def dead_links(doc: Path) -> list[str]:
    dead = []
    for target in links(doc):
        file_part, _, anchor = target.partition("#")
        linked = (doc.parent / file_part).resolve() if file_part else doc
        if not linked.exists():
            dead.append(f"{target}: no file {file_part}")
        elif anchor and linked.suffix == ".md" and anchor not in anchors(linked):
            dead.append(f"{target}: no heading #{anchor} in {linked.name}")
    return dead


@pytest.mark.parametrize("doc", DOCS, ids=lambda p: p.name)
def test_every_relative_link_resolves(doc: Path) -> None:
    dead = dead_links(doc)
    assert not dead, f"{doc.name}: dead links:\n" + "\n".join(dead)


def test_a_dead_link_is_found(tmp_path: Path) -> None:
    doc = tmp_path / "page.md"
    doc.write_text("# Here\n\n[ok](#here) [gone](#there) [file](missing.md) [web](https://x.test/#y)\n")
    assert dead_links(doc) == ["#there: no heading #there in page.md", "missing.md: no file missing.md"]


def test_the_slug_rule_matches_githubs() -> None:
    assert slug(" Quick start (a real `pulumi up`)") == "quick-start-a-real-pulumi-up"
    assert slug("See it work, offline") == "see-it-work-offline"
