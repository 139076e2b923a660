/**
 * Test helper: a {@link FakeKubeApiServer} with the shared catalog (and optionally member
 * Clusters) loaded, plus a `@kubernetes/client-node` KubeConfig and typed clients for it.
 *
 * @example
 * let env: FakeCluster;
 * beforeEach(async () => { env = await startFakeCluster({ members: ["member1"] }); });
 * afterEach(() => env.close());
 * it("lists once", async () => {
 *   await env.custom.listClusterCustomObject({ group: "kubesphere.io", version: "v1alpha1", plural: "extensions" });
 *   expect(env.server.countRequests({ verb: "list", resource: "extensions" })).to.equal(1);
 * });
 */
import * as net from "net";
import * as k8s from "@kubernetes/client-node";
import { FakeKubeApiServer, type FakeKubeApiServerOptions } from "../../simulator/apiServer";
import { kubeconfigFor, loadCatalogInto, type LoadCatalogOptions } from "../../simulator/fixtures";

/** A started fake API server with clients. */
export interface FakeCluster {
  /** The server (store, request log, fault injection). */
  server: FakeKubeApiServer;
  /** A KubeConfig pointing at the server with its bearer token. */
  kc: k8s.KubeConfig;
  /** The kubeconfig as YAML text. */
  kubeconfig: string;
  /** CustomObjectsApi client. */
  custom: k8s.CustomObjectsApi;
  /** CoreV1Api client. */
  core: k8s.CoreV1Api;
  /** BatchV1Api client. */
  batch: k8s.BatchV1Api;
  /** Stops the server. */
  close(): Promise<void>;
}

/** Options: server options plus what to load (`catalog: false` loads nothing). */
export interface FakeClusterOptions extends FakeKubeApiServerOptions, LoadCatalogOptions {
  /** Load the shared catalog and Clusters (default true). */
  catalog?: boolean;
}

/** Starts a fake API server with the shared catalog loaded and returns clients for it. */
export async function startFakeCluster(options: FakeClusterOptions = {}): Promise<FakeCluster> {
  const server = await FakeKubeApiServer.start(options);
  if (options.catalog !== false) loadCatalogInto(server.store, options);
  const kubeconfig = kubeconfigFor(server);
  const kc = new k8s.KubeConfig();
  kc.loadFromString(kubeconfig);
  return {
    server, kc, kubeconfig,
    custom: kc.makeApiClient(k8s.CustomObjectsApi),
    core: kc.makeApiClient(k8s.CoreV1Api),
    batch: kc.makeApiClient(k8s.BatchV1Api),
    close: () => server.close(),
  };
}

/** A TCP server that accepts connections and never answers (a hung API server or proxy). */
export interface SilentServer {
  /** `http://127.0.0.1:<port>`. */
  url: string;
  /** A kubeconfig pointing at it. */
  kubeconfig: string;
  /** Connections accepted so far. */
  readonly accepted: number;
  /** Closes the server and every held connection. */
  close(): Promise<void>;
}

/** Starts a {@link SilentServer} on a free loopback port. */
export async function startSilentServer(): Promise<SilentServer> {
  const sockets = new Set<import("net").Socket>();
  let accepted = 0;
  const server = net.createServer((s) => {
    accepted++;
    sockets.add(s);
    s.on("error", () => undefined);
    s.on("close", () => sockets.delete(s));
    // Read and discard: the request arrives, no byte is ever sent back.
    s.resume();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as import("net").AddressInfo).port;
  const url = `http://127.0.0.1:${port}`;
  return {
    url,
    kubeconfig: kubeconfigFor({ url, token: "silent-token" }),
    get accepted() { return accepted; },
    close: () => new Promise<void>((resolve) => {
      for (const s of sockets) s.destroy();
      server.close(() => resolve());
    }),
  };
}
