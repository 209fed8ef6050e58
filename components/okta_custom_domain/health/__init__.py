"""``okta-custom-domain health``: day-two checks of every configured custom domain.

``checks``: one rule per concern (status, certificate days left, CAA, CNAME, brand);
``watch``: gathers what they read for each domain of the tenants list; ``render``: the table
and the JSON.
"""
