// Quickstart: two KubeSphere extensions as code.
//
// whizard-monitoring 1.1.1 requires whizard-telemetry >= 1.2.1-0 (its ExtensionVersion says so).
// Declare both; the component orders them from the catalog and waits until each is really
// installed (state, version and configHash as the controller reports them), failing fast with the
// controller's cause if not. `pulumi preview` shows exactly the InstallPlans that will be written,
// or every problem at once.
import * as pulumi from "@pulumi/pulumi";
import { KubeSphereExtension } from "@kubesphere-ext/pulumi-kubesphere";

const config = new pulumi.Config();

const telemetry = new KubeSphereExtension("whizard-telemetry", {
  name: "whizard-telemetry",
  version: config.get("telemetryVersion") ?? "1.2.2",
});

const monitoring = new KubeSphereExtension("whizard-monitoring", {
  name: "whizard-monitoring",
  version: config.get("monitoringVersion") ?? "1.1.1",
  config: {
    // Helm values; rendered with sorted keys so the same object never shows a diff.
    "whizard-monitoring-agent": { enabled: true },
  },
});

export const telemetryState = telemetry.state;
export const monitoringState = monitoring.state;
export const monitoringVersion = monitoring.installedVersion;
export const monitoringNamespace = monitoring.targetNamespace;
