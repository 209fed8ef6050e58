"""The offline demo (``okta-custom-domain demo``): a real ``pulumi up`` against a fake Okta.

Light on purpose: the CLI reads ``DEMO_ZONE`` here to build its parser, and imports the demo
itself (``demo.runner``, which loads Pulumi's Automation API) only when the demo runs.
"""

from __future__ import annotations

DEMO_ZONE = "demo.test"
"""The zone the demo's local DNS server serves, unless --zone says otherwise."""
