/**
 * Test helper: an in-memory API server with the shared catalog, a shared {@link ManualClock} and
 * a {@link ControllerSimulator} in manual mode attached to the server's store.
 *
 * @example
 * const env = await startSimEnv({ members: ["member1"] });
 * env.store.create("installplans", installPlan("devops", "1.1.1"));
 * await env.sim.settle();
 * expect(env.status("devops")?.state).to.equal("Installed");
 * await env.close();
 */
import type { InstallPlanStatus } from "../../components/kubesphere/types";
import { FakeKubeApiServer } from "../../simulator/apiServer";
import { ManualClock } from "../../simulator/clock";
import { ControllerSimulator, type ControllerSimulatorOptions } from "../../simulator/controller";
import { loadCatalogInto, type ClusterFixtureOptions } from "../../simulator/fixtures";
import type { KubeObject, ObjectStore } from "../../simulator/store";

/** A running simulation. */
export interface SimEnv {
  /** The clock shared by the server and the simulator. */
  clock: ManualClock;
  /** The API server (for client-node through `kubeconfigFor(server)`). */
  server: FakeKubeApiServer;
  /** The server's store (direct reads and writes). */
  store: ObjectStore;
  /** The controller, in manual mode: drive it with `settle()`. */
  sim: ControllerSimulator;
  /** The plan's status (or undefined). */
  status(name: string): InstallPlanStatus | undefined;
  /** The plan object. */
  plan(name: string): KubeObject | undefined;
  /** Jobs in a namespace, by name. */
  jobNames(namespace: string): string[];
  /** Applies a merge patch to a plan's spec or metadata (as `kubectl apply` would). */
  patchPlan(name: string, patch: Record<string, unknown>): KubeObject;
  /** Stops the simulator and the server. */
  close(): Promise<void>;
}

/** Options: which member clusters exist, plus simulator options. */
export interface SimEnvOptions extends Omit<ControllerSimulatorOptions, "store" | "client"> {
  /** Member Clusters to create besides `host`. */
  members?: Array<string | [string, ClusterFixtureOptions]>;
  /** Load only these extensions from the catalog (faster); default all. */
  extensions?: string[];
}

/** Starts server + catalog + manual-mode simulator sharing one ManualClock. */
export async function startSimEnv(options: SimEnvOptions = {}): Promise<SimEnv> {
  const clock = new ManualClock("2026-01-01T00:00:00Z");
  const server = await FakeKubeApiServer.start({ clock });
  loadCatalogInto(server.store, { members: options.members, extensions: options.extensions });
  const sim = await ControllerSimulator.start({ ...options, store: server.store, clock });
  const store = server.store;
  return {
    clock, server, store, sim,
    status: (name) => store.get("installplans", name)?.status as InstallPlanStatus | undefined,
    plan: (name) => store.get("installplans", name),
    jobNames: (ns) => store.list("jobs", { namespace: ns }).items.map((j) => j.metadata.name),
    patchPlan: (name, patch) => store.patch("installplans", name, undefined, "merge", patch),
    close: async () => {
      sim.stop();
      await server.close();
    },
  };
}

/** An InstallPlan body named after the extension. */
export function installPlan(name: string, version: string, spec: Record<string, unknown> = {}): KubeObject {
  return {
    apiVersion: "kubesphere.io/v1alpha1", kind: "InstallPlan", metadata: { name },
    spec: { extension: { name, version }, enabled: true, ...spec },
  };
}
