"""The package's modules import each other without a cycle (``scripts/import-graph``)."""

from __future__ import annotations

import importlib.machinery
import importlib.util
import subprocess
import sys
from pathlib import Path
from types import ModuleType

SCRIPT = Path(__file__).resolve().parent.parent / "scripts" / "import-graph"


def load_script() -> ModuleType:
    """The script as a module (its file has no ``.py`` suffix)."""
    loader = importlib.machinery.SourceFileLoader("import_graph", str(SCRIPT))
    spec = importlib.util.spec_from_loader("import_graph", loader)
    assert spec is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["import_graph"] = module  # dataclasses look their module up
    loader.exec_module(module)
    return module


graph = load_script()


def write(root: Path, files: dict[str, str]) -> Path:
    """A package ``okta_custom_domain`` under ``root`` with ``files`` (path -> source)."""
    package = root / "okta_custom_domain"
    for name, source in {"__init__.py": "", **files}.items():
        path = package / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(source)
    return package


def edges_of(package: Path) -> set[tuple[str, str, bool]]:
    found = graph.edges(graph.modules(package))
    return {(graph.short(e.source), graph.short(e.target), e.late) for e in found}


def test_the_package_has_no_import_cycle() -> None:
    found = graph.cycles(graph.edges(graph.modules()))
    assert found == [], "\n".join(" -> ".join(map(graph.short, cycle)) for cycle in found)


def test_a_late_import_still_closes_a_cycle(tmp_path: Path) -> None:
    package = write(
        tmp_path,
        {
            "cli/__init__.py": "",
            "cli/demo.py": "def run():\n    from okta_custom_domain.demo import run_demo\n",
            "demo.py": "from okta_custom_domain.cli.demo import DEMO_ZONE\n",
        },
    )
    assert edges_of(package) >= {("cli.demo", "demo", True), ("demo", "cli.demo", False)}
    assert graph.cycles(graph.edges(graph.modules(package))) == [
        ["okta_custom_domain.cli.demo", "okta_custom_domain.demo", "okta_custom_domain.cli.demo"]
    ]


def test_import_of_a_dotted_submodule_reaches_it_and_the_packages_above(tmp_path: Path) -> None:
    package = write(
        tmp_path,
        {
            "a/__init__.py": "",
            "a/b/__init__.py": "",
            "a/b/c.py": "",
            "user.py": "import okta_custom_domain.a.b.c\n",
            "other.py": "from okta_custom_domain.a import b\nfrom okta_custom_domain.a.b import c, NAME\n",
        },
    )
    assert edges_of(package) == {
        ("user", "a", False),
        ("user", "a.b", False),
        ("user", "a.b.c", False),
        ("other", "a", False),
        ("other", "a.b", False),
        ("other", "a.b.c", False),
    }


def test_a_package_init_importing_a_module_that_imports_the_package_is_a_cycle(
    tmp_path: Path,
) -> None:
    """``readiness/__init__`` importing ``check`` is fine; ``check`` importing a name from
    ``readiness`` (not a submodule) runs into the half-initialized ``__init__``."""
    package = write(
        tmp_path,
        {
            "readiness/__init__.py": "from okta_custom_domain.readiness.check import check\n",
            "readiness/check.py": "from okta_custom_domain.readiness.report import Report\n",
            "readiness/report.py": "",
        },
    )
    assert graph.cycles(graph.edges(graph.modules(package))) == []
    (package / "readiness" / "report.py").write_text(
        "from okta_custom_domain.readiness import ANY\n"
    )
    assert graph.cycles(graph.edges(graph.modules(package))) == [
        [
            "okta_custom_domain.readiness",
            "okta_custom_domain.readiness.check",
            "okta_custom_domain.readiness.report",
            "okta_custom_domain.readiness",
        ]
    ]


def test_type_checking_imports_and_other_packages_are_ignored(tmp_path: Path) -> None:
    package = write(
        tmp_path,
        {
            "a.py": (
                "from typing import TYPE_CHECKING\nimport typing\nimport json\n"
                "if TYPE_CHECKING:\n    from okta_custom_domain.b import B\n"
                "if typing.TYPE_CHECKING:\n    import okta_custom_domain.b\n"
                "else:\n    from okta_custom_domain import c\n"
            ),
            "b.py": "from okta_custom_domain.a import A\n",
            "c.py": "",
        },
    )
    assert edges_of(package) == {("a", "c", False), ("b", "a", False)}


def test_relative_imports_are_resolved(tmp_path: Path) -> None:
    package = write(
        tmp_path,
        {
            "sub/__init__.py": "from . import x\n",
            "sub/x.py": "from .y import Y\nfrom ..top import T\n",
            "sub/y.py": "",
            "top.py": "",
        },
    )
    assert edges_of(package) == {
        ("sub", "sub.x", False),
        ("sub.x", "sub.y", False),
        ("sub.x", "top", False),
    }


def test_the_script_prints_the_graph_and_exits_1_listing_each_cycle(tmp_path: Path) -> None:
    package = write(
        tmp_path,
        {
            "a.py": "import okta_custom_domain.b\n",
            "b.py": "def f():\n    import okta_custom_domain.a\n",
        },
    )
    done = subprocess.run(
        [sys.executable, str(SCRIPT), "--root", str(package)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 1
    assert [line.split() for line in done.stdout.splitlines()[2:4]] == [
        ["a", "->", "b"],
        ["b", "->", "~a"],
    ]
    assert done.stderr == "import cycle: a -> b -> a\n"
    dot = subprocess.run(
        [sys.executable, str(SCRIPT), "--dot", "--root", str(package)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert '"b" -> "a" [style=dashed];' in dot.stdout


def test_the_script_exits_0_on_the_package() -> None:
    done = subprocess.run(
        [sys.executable, str(SCRIPT)], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    assert "[okta_custom_domain.readiness]" in done.stdout
