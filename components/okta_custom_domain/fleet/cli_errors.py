"""The errors the fleet raises for bad input or a missing tool: exit 2, one line, no trace."""

from __future__ import annotations

from okta_custom_domain.fleet.command import UsageError
from okta_custom_domain.fleet.install_source import InstallError
from okta_custom_domain.fleet.matrix import MatrixError
from okta_custom_domain.fleet.orphans import ListError
from okta_custom_domain.fleet.placement import PlacementError
from okta_custom_domain.fleet.project import ProjectError
from okta_custom_domain.fleet.results import ResultsError
from okta_custom_domain.fleet.source import SourceError

INPUT_ERRORS = (
    UsageError, InstallError, MatrixError, ListError, PlacementError, ProjectError, ResultsError,
    SourceError,
)  # fmt: skip
