/**
 * KubeSphere simulator: an in-memory Kubernetes API server that serves the KubeSphere extension
 * kinds over HTTP for `@kubernetes/client-node`, and (see `controller.ts`) a deterministic model
 * of the KubeSphere InstallPlan controller that runs against it or against any API server.
 *
 * @example
 * import { FakeKubeApiServer, loadCatalogInto, kubeconfigFor } from "@kubesphere-ext/pulumi-kubesphere/simulator";
 * const server = await FakeKubeApiServer.start();
 * loadCatalogInto(server.store, { members: ["member1"] });
 * process.env.KUBECONFIG_TEXT = kubeconfigFor(server); // hand it to the code under test
 * // ... run the code under test ...
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
export * from "./controller";
