// Quickstart: two KubeSphere extensions as code.
//
// whizard-monitoring 1.1.1 requires whizard-telemetry >= 1.2.1-0 (its ExtensionVersion says so).
// Declare both in one set: the set is resolved once against the catalog, ordered by those
// requirements, and each extension is awaited until it is really installed (state, version and
// configHash as the controller reports them), failing fast with the controller's cause if not.
// `pulumi preview` shows exactly the InstallPlans that will be written, or every problem at once.
import * as pulumi from "@pulumi/pulumi";
import { KubeSphereExtensionSet, membersOf } from "@kubesphere-ext/pulumi-kubesphere";

const config = new pulumi.Config();

const observability = new KubeSphereExtensionSet("observability", {
  extensions: [
    { name: "whizard-telemetry", version: config.get("telemetryVersion") ?? "1.2.2" },
    {
      name: "whizard-monitoring",
      version: config.get("monitoringVersion") ?? "1.1.1",
      // Helm values; rendered with sorted keys so the same object never shows a diff.
      config: { "kube-prometheus-stack": { prometheus: { prometheusSpec: { retention: "15d" } } } },
    },
  ],
});

const { "whizard-telemetry": telemetry, "whizard-monitoring": monitoring } = membersOf(observability);
export const installOrder = observability.order;
export const telemetryState = telemetry.state;
export const monitoringState = monitoring.state;
export const monitoringVersion = monitoring.installedVersion;
export const monitoringNamespace = monitoring.targetNamespace;
