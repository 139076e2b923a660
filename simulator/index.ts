/**
 * KubeSphere simulator, for testing code that manages KubeSphere 4.x extensions without a
 * KubeSphere installation:
 *
 * - {@link FakeKubeApiServer}: an in-memory Kubernetes API server over loopback HTTP that serves
 *   the KubeSphere extension kinds, Clusters, Namespaces, Pods (with logs), Jobs, ConfigMaps, ...
 *   to `@kubernetes/client-node` and kubectl-like readers, with watches, finalizers, the
 *   InstallPlan admission webhooks, request counting and fault injection;
 * - {@link ControllerSimulator}: a deterministic model of KubeSphere's InstallPlan controller
 *   (state machine, helm executor Jobs and Pods, Helm releases, multicluster agents, uninstall),
 *   with injectable faults; in-process against the server's store (manual, step-by-step) or as
 *   a controller against any API server (`simulator/main.ts`). Its executor Jobs and InstallPlan
 *   status sequences match traces of the real controller (simulator/README.md, "Fidelity");
 *   executor pods come in two shapes, `executorPods: "withLog"` (a pod whose log can be read) or
 *   `"none"` (no pod, as on a kube-apiserver without kubelet);
 * - the KubeSphere v4.1.3 catalog ({@link loadCatalogInto}, {@link readCatalog}), shipped with the
 *   package; pass `dir` for another catalog.
 *
 * @example
 * import * as k8s from "@kubernetes/client-node";
 * import { ControllerSimulator, FakeKubeApiServer, ManualClock, kubeconfigFor, loadCatalogInto } from "@kubesphere-ext/pulumi-kubesphere/simulator";
 *
 * const clock = new ManualClock();
 * const server = await FakeKubeApiServer.start({ clock });
 * loadCatalogInto(server.store, { members: ["member1"] });       // the shipped v4.1.3 catalog + Clusters
 * const sim = await ControllerSimulator.start({
 *   store: server.store,
 *   faults: [{ effect: "fail", extension: "devops", cluster: "member1" }],
 * });
 * const kc = new k8s.KubeConfig();
 * kc.loadFromString(kubeconfigFor(server));                      // http://127.0.0.1:<port>, bearer token
 * // ... the code under test creates InstallPlans through kc ...
 * await sim.settle();                                             // runs the controller until quiet
 * // for a devops plan placed on member1:
 * server.store.get("installplans", "devops")?.status;             // { state: "Installed", clusterSchedulingStatuses: { member1: { state: "InstallFailed", ... } } }
 * expect(server.countRequests({ verb: "list", resource: "extensionversions" })).to.equal(1);
 * sim.stop();
 * await server.close();
 */
export * from "./clock";
export * from "./errors";
export * from "./resources";
export * from "./selectors";
export * from "./patch";
export * from "./admission";
export * from "./store";
export * from "./httpFaults";
export * from "./apiServer";
export * from "./fixtures";
export * from "./random";
export * from "./stateMachine";
export * from "./helm";
export * from "./controllerFaults";
export * from "./kubeClient";
export * from "./scheduler";
export * from "./executor";
export * from "./executorJob";
export * from "./controller";
export * from "./table";
export * from "./statusWriter";
