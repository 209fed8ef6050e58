"""``python -m okta_custom_domain.package ENGINE_ADDRESS``: serve the component package.

What ``pulumi-resource-okta-custom-domain`` and ``package/__main__.py`` in the repository run;
the Pulumi CLI starts it and talks gRPC to the port it prints.
"""

from __future__ import annotations

import sys

from pulumi.provider import main as serve

from okta_custom_domain.package.provider import OktaCustomDomainProvider


def main() -> None:
    serve(OktaCustomDomainProvider(), sys.argv[1:])


if __name__ == "__main__":
    main()
