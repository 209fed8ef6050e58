"""The doctor: Okta's troubleshooting checklist for a stuck custom domain, automated.

``findings`` gathers (Okta, DNS, System Log), ``verdict`` decides one next step, ``render``
shows it (terminal or JSON). The ``okta-custom-domain doctor`` command wires them together.
"""

from __future__ import annotations

from okta_custom_domain.doctor.findings import Findings, ZoneTiming, gather, gather_all, gather_for
from okta_custom_domain.doctor.render import SCHEMA_VERSION, domain_dict, render_text, report_dict
from okta_custom_domain.doctor.verdict import VERDICT_CODES, Verdict, VerdictCode, decide

__all__ = [
    "SCHEMA_VERSION",
    "VERDICT_CODES",
    "Findings",
    "Verdict",
    "VerdictCode",
    "ZoneTiming",
    "decide",
    "domain_dict",
    "gather",
    "gather_all",
    "gather_for",
    "render_text",
    "report_dict",
]
