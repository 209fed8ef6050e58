"""Entry point the Python language host runs for the component package (PulumiPlugin.yaml)."""

from okta_custom_domain.package.__main__ import main

main()
