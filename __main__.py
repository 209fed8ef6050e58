"""A thin multi-tenant program: every tenant in stack config gets its Okta custom domains.

The shape of the config is documented in Pulumi.example.yaml and the README.
"""

from okta_custom_domain.program import main

main()
