// Dependencies: whizard-alerting 1.0.3 requires whizard-monitoring >= 0.1.0 and whizard-telemetry
// >= 0.4.3, and whizard-monitoring 1.1.1 itself requires whizard-telemetry >= 1.2.1-0 (their
// ExtensionVersions say so; KubeSphere itself enforces none of it).
//
// Two explicit ways to declare extensions that depend on each other:
//  * a KubeSphereExtensionSet (below): list them in any order; the set reads each version's
//    externalDependencies at preview, installs in dependency order and names a cycle;
//  * separate KubeSphereExtension resources, each stating what it relies on in `dependsOn`
//    (the standard Pulumi option) — here `alerting` states the set.
// Leave one out and `pulumi preview` says which, at which versions it would fit, and how to declare it.
// Optional dependencies (whizard-notification here) only produce a warning.
import * as pulumi from "@pulumi/pulumi";
import { KubeSphereExtension, KubeSphereExtensionSet, membersOf } from "@kubesphere-ext/pulumi-kubesphere";

const config = new pulumi.Config();

// `pulumi config set skipTelemetry true` to see preview fail with the missing requirement.
const observability = new KubeSphereExtensionSet("observability", {
  extensions: [
    { name: "whizard-monitoring", version: "1.1.1" },
    ...(config.getBoolean("skipTelemetry") ? [] : [{ name: "whizard-telemetry", version: "1.2.2" }]),
  ],
});

const alerting = new KubeSphereExtension("whizard-alerting", {
  name: "whizard-alerting",
  version: "1.0.3",
}, { dependsOn: [observability] });

const members = membersOf(observability);
export const installOrder = observability.order;
export const states = {
  telemetry: members["whizard-telemetry"]?.state,
  monitoring: members["whizard-monitoring"].state,
  alerting: alerting.state,
};
// Which requirements the cluster already satisfied (the rest were declared here).
export const alreadyInstalled = alerting.installedDependencies;
