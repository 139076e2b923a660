/**
 * Preview-time resolution cost: how long resolving a program's extensions takes, and how many API
 * requests it makes, against the shared catalog served by the local fake API server — next to a
 * naive baseline measured in the same run (one GET of the ExtensionVersion and one of the Extension
 * per requested extension, the runbook's kubectl steps done in a loop).
 *
 *   npx ts-node --transpile-only bench/resolve.ts [runs=20]
 */
import * as k8s from "@kubernetes/client-node";
import { FakeKubeApiServer } from "../simulator/apiServer";
import { kubeconfigFor, loadCatalogInto } from "../simulator/fixtures";
import { LiveCatalog } from "../components/catalog/liveCatalog";
import { StaticCatalog } from "../components/catalog/staticCatalog";
import { resolveExtension } from "../components/resolve/resolve";
import * as path from "path";

const PROGRAM: Array<[string, string]> = [
  ["whizard-telemetry", "1.2.2"], ["whizard-monitoring", "1.1.1"], ["whizard-alerting", "1.0.3"],
  ["whizard-notification", "2.5.9"], ["vector", "1.0.4"], ["opensearch", "2.11.1"], ["whizard-logging", "1.2.2"],
  ["whizard-events", "1.2.0"], ["devops", "1.1.2"], ["gateway", "1.0.5"], ["cert-manager", "1.0.0"], ["ob-operator", "2.3.2"],
];
const DECLARED = Object.fromEntries(PROGRAM);

function stats(xs: number[]): { median: number; p95: number } {
  const s = [...xs].sort((a, b) => a - b);
  return { median: s[Math.floor(s.length / 2)], p95: s[Math.min(s.length - 1, Math.ceil(s.length * 0.95) - 1)] };
}

async function main(): Promise<void> {
  const runs = Number(process.argv[2] ?? 20);
  const server = await FakeKubeApiServer.start({});
  loadCatalogInto(server.store, { members: ["member1", "member2"] });
  const kubeconfig = kubeconfigFor(server);
  const kc = new k8s.KubeConfig();
  kc.loadFromString(kubeconfig);
  const custom = kc.makeApiClient(k8s.CustomObjectsApi);

  const ours: number[] = [];
  const naive: number[] = [];
  let oursRequests = 0;
  let naiveRequests = 0;
  for (let i = 0; i < runs; i++) {
    server.resetRequests();
    let t = performance.now();
    const live = new LiveCatalog({ kubeconfig }); // one catalog per program run, as the component's run cache holds it
    await Promise.all(PROGRAM.map(([n, v]) =>
      resolveExtension(live, { name: n, version: v }, { declared: DECLARED })));
    ours.push(performance.now() - t);
    oursRequests = server.countRequests();

    server.resetRequests();
    t = performance.now();
    await Promise.all(PROGRAM.map(async ([n, v]) => {
      await custom.getClusterCustomObject({ group: "kubesphere.io", version: "v1alpha1", plural: "extensionversions", name: `${n}-${v}` });
      await custom.getClusterCustomObject({ group: "kubesphere.io", version: "v1alpha1", plural: "extensions", name: n });
    }));
    naive.push(performance.now() - t);
    naiveRequests = server.countRequests();
  }
  await server.close();

  const fixtureDir = path.resolve(__dirname, "../../shared/kubesphere/catalog");
  const loads: number[] = [];
  for (let i = 0; i < Math.min(runs, 10); i++) {
    const t = performance.now();
    StaticCatalog.fromFiles(fixtureDir, { ksVersion: "v4.1.3", kubeVersion: "v1.30.4" });
    loads.push(performance.now() - t);
  }

  const o = stats(ours);
  const n = stats(naive);
  const l = stats(loads);
  console.log(`resolution of a ${PROGRAM.length}-extension program against the local API (${runs} runs)`);
  console.log("| approach | requests | median ms | p95 ms |");
  console.log("|---|---:|---:|---:|");
  console.log(`| resolveExtension, shared LiveCatalog (full validation) | ${oursRequests} | ${o.median.toFixed(1)} | ${o.p95.toFixed(1)} |`);
  console.log(`| baseline: GET ExtensionVersion + GET Extension each (existence only) | ${naiveRequests} | ${n.median.toFixed(1)} | ${n.p95.toFixed(1)} |`);
  console.log(`| ratio ours / baseline | ${(oursRequests / naiveRequests).toFixed(2)} | ${(o.median / n.median).toFixed(2)} | ${(o.p95 / n.p95).toFixed(2)} |`);
  console.log(`\nstatic catalog load of the fixture (27 extensions, 37 versions, 1.7 MB YAML): median ${l.median.toFixed(1)} ms, p95 ${l.p95.toFixed(1)} ms`);
}

main().catch((e) => { console.error(e); process.exit(1); });
