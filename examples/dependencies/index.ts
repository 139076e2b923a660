// Dependencies: whizard-alerting 1.0.3 requires whizard-monitoring >= 0.1.0 and whizard-telemetry
// >= 0.4.3, and whizard-monitoring 1.1.1 itself requires whizard-telemetry >= 1.2.1-0 (their
// ExtensionVersions say so; KubeSphere itself enforces none of it). Declare them in any order:
// each component reads its version's externalDependencies at preview, orders itself after the
// declared extensions it requires, and waits until they are really installed before writing its
// own InstallPlan. Leave one out and `pulumi preview` says which, and at which versions it would fit.
// Optional dependencies (whizard-notification here) only produce a warning.
import * as pulumi from "@pulumi/pulumi";
import { KubeSphereExtension } from "@kubesphere-ext/pulumi-kubesphere";

const config = new pulumi.Config();

// Declared first on purpose: declaration order does not matter, the catalog decides the order.
const alerting = new KubeSphereExtension("whizard-alerting", {
  name: "whizard-alerting",
  version: "1.0.3",
});

const monitoring = new KubeSphereExtension("whizard-monitoring", {
  name: "whizard-monitoring",
  version: "1.1.1",
});

// Set `pulumi config set skipTelemetry true` to see preview fail with the missing requirement.
const telemetry = config.getBoolean("skipTelemetry")
  ? undefined
  : new KubeSphereExtension("whizard-telemetry", { name: "whizard-telemetry", version: "1.2.2" });

export const states = {
  telemetry: telemetry?.state,
  monitoring: monitoring.state,
  alerting: alerting.state,
};
// Which requirements the cluster already satisfied (the rest were declared here).
export const alreadyInstalled = alerting.installedDependencies;
