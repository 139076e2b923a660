// Config and upgrade: devops with Helm values from stack config.
//
//   pulumi up                                   # installs devops 1.1.2
//   pulumi config set devopsVersion 1.1.3       # preview shows the version change; up upgrades
//   pulumi config set jenkinsMemory 4Gi         # a values change is an upgrade too (new configHash)
//   pulumi config set retry 1                   # after an InstallFailed: run the same spec again
//
// KubeSphere's status says `Installed` right after an update, before the controller has even seen it
// (there is no observedGeneration). The component therefore waits until status.version and
// status.configHash match the new spec, and fails fast with the controller's message (conditions[0])
// if the helm Job fails. KubeSphere never retries a failed install of an unchanged spec; `retry`
// appends a YAML comment to the config so the configHash changes and the install runs again.
// A lower version than the installed one is refused unless `allowDowngrade` is set.
import * as pulumi from "@pulumi/pulumi";
import { KubeSphereExtension } from "@kubesphere-ext/pulumi-kubesphere";

const config = new pulumi.Config();

const devops = new KubeSphereExtension("devops", {
  name: "devops",
  version: config.get("devopsVersion") ?? "1.1.2",
  config: {
    agent: {
      jenkins: {
        Master: {
          resources: { limits: { memory: config.get("jenkinsMemory") ?? "2Gi" } },
        },
      },
    },
  },
  retry: config.getNumber("retry") ?? 0,
  allowDowngrade: config.getBoolean("allowDowngrade") ?? false,
}, { customTimeouts: { create: "20m", update: "20m" } });

export const installedVersion = devops.installedVersion;
export const configHash = devops.configHash;
export const versionBeforeThisRun = devops.installedVersionAtPreview;
export const jobName = devops.jobName;
