"""``okta-custom-domain doctor``: why is this custom domain stuck, and what ONE thing to do next.

Exit 0 healthy or completed, 1 action needed (or only time), 2 usage or credential error.
Credentials come from the same settings as the component (``OKTA_*`` environment variables, or a
tenant of ``okta-custom-domain:tenants`` given as JSON in ``OKTA_CUSTOM_DOMAIN_TENANTS``), never
from the command line. ``--verify`` asks Okta to verify only when every authoritative server
serves the records: a premature attempt makes Okta regenerate the TXT value.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from typing import Any, TextIO

from okta_custom_domain import defaults
from okta_custom_domain.cli.dns_options import add_dns_options, check_options_from
from okta_custom_domain.doctor.email import diagnose_email
from okta_custom_domain.doctor.findings import Findings, gather, gather_all, gather_for
from okta_custom_domain.doctor.render import domain_dict, render_text, report_dict
from okta_custom_domain.doctor.verdict import Verdict, decide
from okta_custom_domain.names import host_name
from okta_custom_domain.okta import (
    ApiToken,
    CredentialsError,
    OAuthServiceApp,
    OktaApiError,
    OktaCredentials,
    OktaDomainsClient,
    OktaTransportError,
    TxtValueRegenerated,
    VerificationError,
    VerificationProgress,
    VerificationTimeout,
    resolve_credentials,
    verify_and_wait,
)
from okta_custom_domain.okta.credentials import TENANTS_KEY
from okta_custom_domain.okta.email_domains import EMAIL_SCOPES, OktaEmailDomainsClient
from okta_custom_domain.readiness.options import CheckOptions

EXIT_HEALTHY, EXIT_ACTION, EXIT_USAGE = 0, 1, 2
#: Environment variable holding the ``okta-custom-domain:tenants`` list as JSON, for --tenant.
TENANTS_ENV = "OKTA_CUSTOM_DOMAIN_TENANTS"
LOGS_SCOPE = "okta.logs.read"
#: Verdicts after which ``--verify`` may call Okta (records live, or only the certificate left).
VERIFIABLE = ("ready_to_verify", "certificate_pending")


def register(subparsers: Any) -> None:
    """Add the ``doctor`` sub-command."""
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "doctor",
        help="diagnose a stuck Okta custom domain and say the one next step",
        description=(
            "Find the domain at Okta, check the records it expects on every authoritative "
            "server, CAA, proxying, the label/FQDN mistake, stale TXT values and the System Log "
            "of the last 24 hours, then give one verdict and one next step. Exit 0 healthy or "
            "completed, 1 action needed, 2 usage or credential error. Credentials: "
            "OKTA_ORG_NAME/OKTA_BASE_URL + OKTA_API_TOKEN (or OKTA_API_CLIENT_ID + "
            f"OKTA_API_PRIVATE_KEY), or --tenant NAME with {TENANTS_ENV} holding the "
            f"{TENANTS_KEY} JSON."
        ),
    )
    target = parser.add_mutually_exclusive_group(required=True)
    target.add_argument(
        "--domain", metavar="FQDN", help="the custom domain, e.g. login.example.com"
    )
    target.add_argument("--all", action="store_true", help="every custom domain of the org")
    target.add_argument(
        "--email-domain",
        metavar="FQDN",
        help="a custom email domain instead, e.g. acme.com: its status and its four records",
    )
    parser.add_argument(
        "--verify",
        action="store_true",
        help="when the records are ready: ask Okta to verify, then wait for the certificate",
    )
    parser.add_argument("--json", action="store_true", help="print a JSON report (schema_version)")
    parser.add_argument("--org-url", metavar="URL", help="the Okta org, e.g. https://acme.okta.com")
    parser.add_argument(
        "--tenant", metavar="NAME", help=f"use this tenant's Okta settings from {TENANTS_ENV}"
    )
    parser.add_argument(
        "--token-env",
        metavar="VAR",
        help="read the API token from this environment variable (default OKTA_API_TOKEN)",
    )
    add_dns_options(parser)
    parser.add_argument(
        "--timeout",
        type=float,
        default=defaults.VERIFICATION_TIMEOUT,
        metavar="S",
        help="with --verify: give up waiting after S seconds "
        f"(default {defaults.VERIFICATION_TIMEOUT:g})",
    )
    parser.add_argument(
        "--interval",
        type=float,
        default=defaults.VERIFICATION_POLL_INTERVAL,
        metavar="S",
        help="with --verify: seconds between status polls "
        f"(default {defaults.VERIFICATION_POLL_INTERVAL:g})",
    )
    parser.set_defaults(handler=run)


def credentials_from(args: argparse.Namespace, env: Mapping[str, str]) -> OktaCredentials:
    """The org and credential, found like the component's; errors name what is missing."""

    def config_get(key: str) -> Any:
        return env.get(TENANTS_ENV) if key == TENANTS_KEY else None

    return resolve_credentials(
        config_get,
        env,
        tenant=args.tenant,
        org_url=args.org_url,
        token_env=args.token_env,
        extra_scopes=(LOGS_SCOPE,),
        tenants_env=TENANTS_ENV,
    )


def _validate(args: argparse.Namespace) -> tuple[str | None, CheckOptions]:
    domain = host_name(args.domain, field="--domain") if args.domain else None
    options = check_options_from(args)
    for field, value in (("--timeout", args.timeout), ("--interval", args.interval)):
        if not value > 0:
            raise ValueError(f"{field}: {value!r} must be a positive number of seconds")
    return domain, options


def verify_if_ready(
    client: OktaDomainsClient,
    findings: Findings,
    verdict: Verdict,
    options: CheckOptions,
    *,
    timeout: float,
    interval: float,
    progress: Callable[[str], None],
) -> tuple[Findings, Verdict, dict[str, Any]]:
    """Verify only after a ready verdict, wait like the provider, then diagnose again."""
    if findings.okta is None or verdict.code not in VERIFIABLE:
        progress(
            f"{findings.domain}: not verifying ({verdict.code}): the records are not ready; a "
            "premature verification makes Okta regenerate the TXT value"
        )
        return findings, verdict, {"attempted": False, "outcome": None, "error": None}
    okta = findings.okta

    def report(step: VerificationProgress) -> None:
        known = step.message.startswith(step.domain)
        progress(step.message if known else f"{step.domain}: {step.message}")

    outcome: str | None
    error: str | None = None
    try:
        done = verify_and_wait(
            client,
            okta.id,
            expected_records=[record.to_dict() for record in findings.expected],
            wait_for="COMPLETED",
            timeout=timeout,
            poll_interval=interval,
            progress=report,
        )
        outcome = done.validation_status
    except TxtValueRegenerated as exc:
        outcome, error = "txt_regenerated", str(exc)
    except VerificationTimeout as exc:
        outcome, error = "timeout", str(exc)
    except (VerificationError, OktaApiError) as exc:
        outcome, error = "error", str(exc)
    if error:
        progress(error)
    after = gather_for(client, client.get_domain(okta.id), findings.domain, options)
    return after, decide(after), {"attempted": True, "outcome": outcome, "error": error}


def _without_logs_scope(auth: ApiToken | OAuthServiceApp) -> OAuthServiceApp | None:
    """The same service app without okta.logs.read (None when there is nothing to drop)."""
    if not isinstance(auth, OAuthServiceApp) or LOGS_SCOPE not in auth.scopes:
        return None
    scopes = tuple(scope for scope in auth.scopes if scope != LOGS_SCOPE)
    return OAuthServiceApp(auth.client_id, auth.private_key, auth.key_id, scopes)


def _is_invalid_scope(exc: OktaApiError) -> bool:
    return exc.path == "/oauth2/v1/token" and "invalid_scope" in str(exc)


def _diagnose(
    auth: ApiToken | OAuthServiceApp,
    org_url: str,
    domain: str | None,
    options: CheckOptions,
    args: argparse.Namespace,
    progress: Callable[[str], None],
) -> list[tuple[Findings, Verdict, dict[str, Any] | None]]:
    """Gather and decide for one domain or all; verify the ready ones with ``--verify``."""
    results: list[tuple[Findings, Verdict, dict[str, Any] | None]] = []
    with OktaDomainsClient(org_url, auth) as client:
        now = datetime.now(UTC)
        found = (
            gather_all(client, options, now=now)
            if domain is None
            else [gather(client, domain, options, now=now)]
        )
        for findings in found:
            verdict = decide(findings)
            verification = None
            if args.verify:
                findings, verdict, verification = verify_if_ready(
                    client,
                    findings,
                    verdict,
                    options,
                    timeout=args.timeout,
                    interval=args.interval,
                    progress=progress,
                )
            results.append((findings, verdict, verification))
    return results


def run(args: argparse.Namespace) -> int:
    """Handler: the real environment and standard streams."""
    return run_doctor(args, env=os.environ, out=sys.stdout, err=sys.stderr)


def run_doctor(
    args: argparse.Namespace, *, env: Mapping[str, str], out: TextIO, err: TextIO
) -> int:
    """Validate (exit 2), gather, decide, optionally verify, print; exit 0/1."""

    def fail(message: str) -> int:
        print(f"okta-custom-domain doctor: error: {message}", file=err)
        return EXIT_USAGE

    def progress(line: str) -> None:
        print(line, file=err, flush=True)

    if getattr(args, "email_domain", None):
        return run_email_doctor(args, env=env, out=out, err=err)
    try:
        domain, options = _validate(args)
        credentials = credentials_from(args, env)
    except (CredentialsError, ValueError) as exc:
        return fail(str(exc))
    auth = credentials.auth
    results: list[tuple[Findings, Verdict, dict[str, Any] | None]] = []
    try:
        try:
            results = _diagnose(auth, credentials.org_url, domain, options, args, progress)
        except OktaApiError as exc:
            reduced = _without_logs_scope(auth)
            if reduced is None or not _is_invalid_scope(exc):
                raise
            progress(
                f"the service app is not granted {LOGS_SCOPE}: continuing without the System Log"
            )
            results = _diagnose(reduced, credentials.org_url, domain, options, args, progress)
    except OktaTransportError as exc:
        print(f"okta-custom-domain doctor: cannot reach Okta: {exc}", file=err)
        return EXIT_ACTION
    except OktaApiError as exc:
        if exc.status in (401, 403) or exc.path == "/oauth2/v1/token":
            return fail(f"Okta refused the credentials from {credentials.source}: {exc}")
        print(f"okta-custom-domain doctor: Okta error: {exc}", file=err)
        return EXIT_ACTION
    if args.json:
        entries = [domain_dict(f, v, verification) for f, v, verification in results]
        print(json.dumps(report_dict(credentials.org_url, entries), indent=2), file=out)
    elif not results:
        print(f"{credentials.org_url} has no custom domains.", file=out)
    else:
        width = shutil.get_terminal_size((110, 24)).columns
        color = out.isatty()
        print(render_text([(f, v) for f, v, _ in results], width=width, color=color), file=out)
    return max((verdict.exit_code for _, verdict, _ in results), default=EXIT_HEALTHY)


def run_email_doctor(
    args: argparse.Namespace, *, env: Mapping[str, str], out: TextIO, err: TextIO
) -> int:
    """``--email-domain``: read it at Okta, check its four records, print one verdict."""
    try:
        domain = host_name(args.email_domain, field="--email-domain")
        options = check_options_from(args)

        def config_get(key: str) -> Any:
            return env.get(TENANTS_ENV) if key == TENANTS_KEY else None

        credentials = resolve_credentials(
            config_get, env, tenant=args.tenant, org_url=args.org_url,
            token_env=args.token_env, extra_scopes=EMAIL_SCOPES, tenants_env=TENANTS_ENV,
        )  # fmt: skip
    except (CredentialsError, ValueError) as exc:
        print(f"okta-custom-domain doctor: error: {exc}", file=err)
        return EXIT_USAGE
    try:
        with OktaEmailDomainsClient(credentials.org_url, credentials.auth) as client:
            verdict = diagnose_email(client, domain, options)
    except OktaApiError as exc:
        print(f"okta-custom-domain doctor: Okta error: {exc}", file=err)
        return EXIT_USAGE if exc.status in (401, 403) else EXIT_ACTION
    if args.json:
        report = {"org_url": credentials.org_url, "email_domain": domain, **verdict.to_dict()}
        print(json.dumps(report, indent=2), file=out)
    else:
        print(f"{domain}: {verdict.code}", file=out)
        print(f"  {verdict.summary}\n  next: {verdict.next_step}", file=out)
    return verdict.exit_code
