"""``CustomDns`` recipes for DNS hosts with a Pulumi provider, as the README shows them.

Kept here, importable, so the tests run exactly the code users copy. Each provider SDK is
imported inside its recipe: they are optional (``pip install 'okta-custom-domain[recipes]'``)
and this module must import without them.
"""

from __future__ import annotations

import pulumi

from okta_custom_domain.targets import CustomDns, DnsRecord


def route53_dns(zone: str, zone_id: pulumi.Input[str], ttl: int = 300) -> CustomDns:
    """Route 53 (``pulumi_aws``): FQDN names; the provider quotes TXT values itself."""
    import pulumi_aws as aws

    def write(r: DnsRecord) -> pulumi.Resource:
        return aws.route53.Record(
            r.resource_name, zone_id=zone_id, name=r.name, type=r.type,
            records=[r.value], ttl=r.ttl, opts=r.opts,
        )

    return CustomDns(zone=zone, write=write, style="fqdn", ttl=ttl)


def azure_dns(zone: str, resource_group: str, ttl: int = 300) -> CustomDns:
    """Azure DNS (classic ``pulumi_azure``): one resource type per record type, label names."""
    import pulumi_azure as azure

    def write(r: DnsRecord) -> pulumi.Resource:
        if r.type == "CNAME":
            return azure.dns.CNameRecord(
                r.resource_name, name=r.name, zone_name=zone, resource_group_name=resource_group,
                record=r.value, ttl=r.ttl, opts=r.opts,
            )
        return azure.dns.TxtRecord(
            r.resource_name, name=r.name, zone_name=zone, resource_group_name=resource_group,
            records=[azure.dns.TxtRecordRecordArgs(value=r.value)], ttl=r.ttl, opts=r.opts,
        )

    return CustomDns(zone=zone, write=write, style="label", ttl=ttl)


def gcp_dns(zone: str, managed_zone: str, ttl: int = 300) -> CustomDns:
    """Google Cloud DNS (``pulumi_gcp``): names and CNAME targets end in a dot, TXT is quoted."""
    import pulumi_gcp as gcp

    def write(r: DnsRecord) -> pulumi.Resource:
        data = r.value.apply(lambda v: v.rstrip(".") + "." if r.type == "CNAME" else f'"{v}"')
        return gcp.dns.RecordSet(
            r.resource_name, managed_zone=managed_zone, name=r.name, type=r.type,
            rrdatas=[data], ttl=r.ttl, opts=r.opts,
        )

    return CustomDns(zone=zone, write=write, style="fqdn-dot", ttl=ttl)


def digitalocean_dns(zone: str, ttl: int = 300) -> CustomDns:
    """DigitalOcean (``pulumi_digitalocean``): label names; a CNAME target ends in a dot."""
    import pulumi_digitalocean as do

    def write(r: DnsRecord) -> pulumi.Resource:
        value = r.value.apply(lambda v: v.rstrip(".") + "." if r.type == "CNAME" else v)
        return do.DnsRecord(
            r.resource_name, domain=zone, name=r.name, type=r.type, value=value,
            ttl=r.ttl, opts=r.opts,
        )

    return CustomDns(zone=zone, write=write, style="label", ttl=ttl)


RECIPES = (route53_dns, azure_dns, gcp_dns, digitalocean_dns)
"""Every recipe the README shows, in its order."""
