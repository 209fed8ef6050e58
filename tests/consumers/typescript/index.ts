// A TypeScript program using the okta-custom-domain component package (one domain, RFC 2136
// target), run by the Automation API as an inline program: the Node.js SDK serves the program
// in this process, so no pulumi-language-nodejs is needed. The SDK in ./sdks/okta-custom-domain
// is generated from the package's schema (tests/engine/test_engine_package_consumers.py).
//
//   CONSUMER_SETTINGS='{"workDir": ..., "operation": "up"|"destroy", "config": {...}}' node bin/index.js
import * as pulumi from "@pulumi/pulumi";
import { ConfigMap, LocalWorkspace } from "@pulumi/pulumi/automation";
import { OktaCustomDomain } from "./sdks/okta-custom-domain";

async function program() {
    const lab = new pulumi.Config("lab");
    const login = new OktaCustomDomain("login", {
        domain: lab.require("domain"),
        dns: {
            rfc2136: {
                server: lab.require("dnsServer"),
                port: lab.requireNumber("dnsPort"),
                zone: lab.require("zone"),
                keyName: lab.require("tsigKeyName"),
                keySecret: lab.requireSecret("tsigSecret"),
                ttl: 60,
            },
        },
        readiness: { nameservers: [lab.require("nameserver")], timeout: 60, interval: 1 },
    });
    return {
        validationStatus: login.validationStatus,
        domainId: login.domainId,
        dnsRecords: login.dnsRecords,
    };
}

interface Settings {
    workDir: string;
    operation: "up" | "destroy";
    config: ConfigMap;
}

async function main(): Promise<void> {
    const settings: Settings = JSON.parse(process.env.CONSUMER_SETTINGS ?? "");
    const projectName = "okta-custom-domain-typescript-consumer";
    const stack = await LocalWorkspace.createOrSelectStack(
        { stackName: "dev", projectName, program },
        { workDir: settings.workDir, projectSettings: { name: projectName, runtime: "nodejs" } },
    );
    await stack.setAllConfig(settings.config);
    const onOutput = (line: string) => process.stderr.write(line);
    if (settings.operation === "up") {
        const result = await stack.up({ onOutput });
        process.stdout.write(JSON.stringify({ summary: result.summary.result }) + "\n");
    } else {
        await stack.destroy({ onOutput });
    }
}

main().catch((err) => {
    console.error(err);
    process.exit(1);
});
