// End-to-end program for e2e/tests/rollout.spec.ts: one Multicluster extension placed on member
// clusters with a staged rollout. Driven by stack config:
//   extension:        { name, version }
//   config:           Helm values of the extension (optional)
//   clusters:         [names]                      -> clusterScheduling.clusters
//   overrides:        { <cluster>: { ...values } } -> clusterScheduling.overrides (optional)
//   rollout:          { waves? | batchSize?, pauseSeconds? }  (passed as is: the component validates it)
//   timeoutSeconds:   per-wave wait (default 60)
import * as pulumi from "@pulumi/pulumi";
import { KubeSphereExtension, RolloutArgs } from "@kubesphere-ext/pulumi-kubesphere";

const cfg = new pulumi.Config();
const extension = cfg.requireObject<{ name: string; version: string }>("extension");
const config = cfg.getObject<Record<string, unknown>>("config");
const clusters = cfg.requireObject<string[]>("clusters");
const overrides = cfg.getObject<Record<string, Record<string, unknown>>>("overrides");
const rollout = cfg.getObject<RolloutArgs>("rollout");
const timeoutSeconds = cfg.getNumber("timeoutSeconds") ?? 60;

const ext = new KubeSphereExtension(extension.name, {
  name: extension.name,
  version: extension.version,
  config,
  clusterScheduling: { clusters, ...(overrides ? { overrides } : {}) },
  rollout,
  timeoutSeconds,
  deleteTimeoutSeconds: timeoutSeconds,
});

export const state = ext.state;
export const installedVersion = ext.installedVersion;
export const clusterStates = ext.clusterStates;
export const rolloutWaves = ext.rolloutWaves;
