/**
 * The extension sets the engine benchmark declares, and the synthetic catalog behind N = 100.
 *
 * N = 5 and N = 27 use the real KubeSphere v4.1.3 catalog that e2e/cluster-up.sh loads: 5 = the
 * whizard chain (depth 3), 27 = every Extension of the catalog at the highest version whose
 * `ksVersion` admits v4.1.3. N = 100 uses `bench-NNN` extensions generated here (HostOnly, no
 * chart values), loaded into the API server next to the real catalog. Edges are the *required*
 * `externalDependencies` (the ones the component orders by), identical in programs A, B and C.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import * as YAML from "yaml";

/** One extension of a benchmark set. */
export interface BenchExtension {
  /** Extension name (= InstallPlan name). */
  name: string;
  /** Exact version. */
  version: string;
  /** Names of the set's extensions it requires (installed first). */
  deps: string[];
  /** Helm values (only the stale-status check sets them). */
  config?: Record<string, unknown>;
}

/** Extensions the bench adds for its guarantee checks (synthetic, loaded with the N = 100 catalog). */
export const FAIL_EXTENSION = "bench-fail";
/** Updated with a slow upgrade so that a stale `Installed` is visible for about 2 s. */
export const STALE_EXTENSION = "bench-stale";

const KS_VERSION = [4, 1, 3];

function admitsHost(ksRange: string | undefined): boolean {
  // The real catalog's ksVersion ranges are all `>=X.Y.Z-0`; anything else is taken as admitted.
  const m = /^>=\s*(\d+)\.(\d+)\.(\d+)/.exec(ksRange ?? "");
  if (!m) return true;
  const want = [Number(m[1]), Number(m[2]), Number(m[3])];
  for (let i = 0; i < 3; i++) if (want[i] !== KS_VERSION[i]) return want[i] < KS_VERSION[i];
  return true;
}

function cmpVersion(a: string, b: string): number {
  const pa = a.split(/[.-]/).map((x) => Number(x));
  const pb = b.split(/[.-]/).map((x) => Number(x));
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d) return d;
  }
  return 0;
}

/** Every Extension of the real catalog at its highest version that admits v4.1.3, with required deps. */
export function realCatalogSet(catalogDir: string): BenchExtension[] {
  const best = new Map<string, { version: string; deps: string[] }>();
  for (const f of fs.readdirSync(catalogDir).filter((x) => x.endsWith(".yaml")).sort()) {
    for (const doc of YAML.parseAllDocuments(fs.readFileSync(path.join(catalogDir, f), "utf8"))) {
      const o = doc.toJS() as { kind?: string; metadata?: { labels?: Record<string, string> }; spec?: Record<string, any> } | null;
      if (!o || o.kind !== "ExtensionVersion" || !o.spec) continue;
      if (!admitsHost(o.spec.ksVersion)) continue;
      const name = o.metadata?.labels?.["kubesphere.io/extension-ref"] ?? String(o.spec.name);
      const deps = ((o.spec.externalDependencies ?? []) as Array<{ name: string; required?: boolean; type?: string }>)
        .filter((d) => d.required && (d.type ?? "extension") === "extension").map((d) => d.name);
      const cur = best.get(name);
      if (!cur || cmpVersion(o.spec.version, cur.version) > 0) best.set(name, { version: String(o.spec.version), deps });
    }
  }
  return [...best.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([name, v]) => ({ name, version: v.version, deps: v.deps }));
}

/** The five-extension whizard chain from the real catalog. */
export function realSmallSet(catalogDir: string): BenchExtension[] {
  const want = ["whizard-telemetry", "vector", "whizard-monitoring", "whizard-notification", "whizard-alerting"];
  const all = new Map(realCatalogSet(catalogDir).map((e) => [e.name, e]));
  return want.map((n) => {
    const e = all.get(n);
    if (!e) throw new Error(`bench: extension ${n} is not in the catalog at ${catalogDir}`);
    return { ...e, deps: e.deps.filter((d) => want.includes(d)) };
  });
}

/**
 * `n` synthetic extensions `bench-001`...: a layered graph (every one from the 11th requires one or
 * two of the ten before it), so the critical path is about n/7 edges long.
 */
export function syntheticSet(n: number): BenchExtension[] {
  const out: BenchExtension[] = [];
  for (let i = 1; i <= n; i++) {
    const deps: string[] = [];
    if (i > 10) {
      deps.push(synthName(i - 7));
      if (i % 3 === 0) deps.push(synthName(i - 10));
    }
    out.push({ name: synthName(i), version: "1.0.0", deps });
  }
  return out;
}

function synthName(i: number): string {
  return `bench-${String(i).padStart(3, "0")}`;
}

function extensionObjects(name: string, version: string, requires: string[]): unknown[] {
  const labels = { "kubesphere.io/category": "computing", "kubesphere.io/repository-ref": "extensions-museum" };
  return [
    {
      apiVersion: "kubesphere.io/v1alpha1", kind: "Extension",
      metadata: { name, labels },
      spec: { displayName: { en: name }, description: { en: `synthetic extension ${name} (engine benchmark)` } },
      status: { recommendedVersion: version, versions: [{ version }] },
    },
    {
      apiVersion: "kubesphere.io/v1alpha1", kind: "ExtensionVersion",
      metadata: { name: `${name}-${version}`, labels: { ...labels, "kubesphere.io/extension-ref": name } },
      spec: {
        category: "computing",
        chartURL: `https://extensions-museum.kubesphere-system.svc/charts/${name}-${version}.tgz`,
        displayName: { en: name },
        installationMode: "HostOnly",
        ksVersion: ">=4.0.0-0",
        kubeVersion: ">=1.19.0-0",
        namespace: `extension-${name}`,
        repository: "extensions-museum",
        version,
        ...(requires.length ? { externalDependencies: requires.map((d) => ({ name: d, type: "extension", version: ">= 1.0.0-0", required: true })) } : {}),
      },
    },
  ];
}

/** YAML of the synthetic catalog: the `n` set plus the two guarantee-check extensions. */
export function syntheticCatalogYaml(n: number): string {
  const docs: unknown[] = [];
  for (const e of syntheticSet(n)) docs.push(...extensionObjects(e.name, e.version, e.deps));
  docs.push(...extensionObjects(FAIL_EXTENSION, "1.0.0", []));
  docs.push(...extensionObjects(STALE_EXTENSION, "1.0.0", []));
  return docs.map((d) => YAML.stringify(d)).join("---\n");
}

/** The set for a given N. */
export function setFor(n: number, catalogDir: string): BenchExtension[] {
  if (n === 5) return realSmallSet(catalogDir);
  const real = realCatalogSet(catalogDir);
  if (n === real.length) return real;
  return syntheticSet(n);
}

/** Length (in edges) of the longest dependency chain. */
export function criticalPath(set: BenchExtension[]): number {
  const byName = new Map(set.map((e) => [e.name, e]));
  const memo = new Map<string, number>();
  const depth = (n: string): number => {
    if (memo.has(n)) return memo.get(n)!;
    const deps = byName.get(n)?.deps ?? [];
    const d = deps.length ? 1 + Math.max(...deps.map(depth)) : 0;
    memo.set(n, d);
    return d;
  };
  return Math.max(0, ...set.map((e) => depth(e.name)));
}
