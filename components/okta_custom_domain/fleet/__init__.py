"""``okta-custom-domain fleet``: many tenants as many stacks, run in parallel or as a CI matrix.

One module per concept: ``source`` (the tenants list, validated by ``tenants.parse_tenants``),
``placement`` (tenants into shards and stack names), ``stack_config`` (a stack's config from
its tenants, secrets through stdin), ``project`` (the work dir and the CLI environment),
``worker`` (stack operations in a process of their own), ``stack`` (a stack driven with only
the ``pulumi`` runs the work needs), ``runner`` (the lanes, each reusing one worker),
``results`` (the stored outcome of each stack, for ``--only-failed``), ``orphans`` (stacks
whose tenants left the list), ``render`` (progress, summary, JSON) and ``matrix`` (the same
shards as a GitHub or GitLab CI workflow).
"""
