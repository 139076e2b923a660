/**
 * Preview-time cost of the chart config checks, per extension: resolution alone (the baseline,
 * measured in the same run) against resolution plus `checkChartConfig` with a cold chart source (the
 * archive read, unpacked and modelled) and with a warm one (the same source object, as for a second
 * component of the same extension in one program).
 *
 *   npx ts-node --transpile-only bench/charts.ts [runs=5] [chartsDir] [catalogDir]
 *
 * Defaults: ../shared/kubesphere/charts (all archives) and ../shared/kubesphere/catalog; without
 * them, tests/fixtures/charts and its catalog folder.
 */
import * as fs from "fs";
import * as path from "path";
import { StaticCatalog } from "../components/catalog/staticCatalog";
import { checkChartConfig } from "../components/charts/checkChartConfig";
import { OfflineChartSource } from "../components/charts/offlineSource";
import { isMap } from "../components/charts/valuesModel";
import { resolveExtension } from "../components/resolve/resolve";
import * as YAML from "yaml";

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

/** A realistic config: the first two scalar leaves of the defaults, set to their own values. */
function configFrom(defaults: Record<string, unknown>): string {
  const out: Record<string, unknown> = {};
  let n = 0;
  const walk = (src: Record<string, unknown>, dst: Record<string, unknown>, depth: number): void => {
    for (const [k, v] of Object.entries(src)) {
      if (n >= 2 || k === "global") continue;
      if (isMap(v) && Object.keys(v).length > 0 && depth < 4) {
        const child: Record<string, unknown> = {};
        walk(v, child, depth + 1);
        if (Object.keys(child).length > 0) dst[k] = child;
      } else if (!isMap(v) && !Array.isArray(v) && v !== null) {
        dst[k] = v;
        n++;
      }
    }
  };
  walk(defaults, out, 0);
  return YAML.stringify(out);
}

async function main(): Promise<void> {
  const runs = Number(process.argv[2] ?? 5);
  const shared = path.resolve(__dirname, "../../shared/kubesphere");
  const chartsDir = process.argv[3] ?? (fs.existsSync(path.join(shared, "charts")) ? path.join(shared, "charts") : path.resolve(__dirname, "../tests/fixtures/charts"));
  const catalogDir = process.argv[4] ?? (fs.existsSync(path.join(shared, "catalog")) ? path.join(shared, "catalog") : path.resolve(__dirname, "../tests/fixtures/charts/catalog"));
  const catalog = StaticCatalog.fromFiles(catalogDir, { ksVersion: "v4.1.3", kubeVersion: "v1.30.4", clusters: ["host", "member1"] });
  const evs = await catalog.extensionVersions();
  const targets = evs
    .map((ev) => ({ name: ev.metadata.labels?.["kubesphere.io/extension-ref"] ?? ev.metadata.name, version: ev.spec.version ?? "" }))
    .filter((t) => fs.existsSync(path.join(chartsDir, `${t.name}-${t.version}.tgz`)))
    .sort((a, b) => a.name.localeCompare(b.name) || a.version.localeCompare(b.version));
  // Every extension declared, so that resolution succeeds whatever the dependencies.
  const declared = Object.fromEntries(targets.map((t) => [t.name, t.version]));
  const ksHost = { ksVersion: "v4.1.3", kubeVersion: "v1.30.4" };

  console.log(`chart config checks: ${targets.length} extension versions, ${runs} runs each (median), charts from ${chartsDir}`);
  console.log("EXTENSION                        ARCHIVE   RESOLVE   +CHECK COLD   +CHECK CACHED   FINDINGS");
  const added = { cold: [] as number[], cached: [] as number[], base: [] as number[] };
  for (const t of targets) {
    const probe = await OfflineChartSource.fromDirectory(chartsDir).load(t.name, t.version);
    if (!probe.ok) { console.log(`${`${t.name}@${t.version}`.padEnd(32)} skipped: ${probe.reason}`); continue; }
    const configYaml = configFrom(probe.model.defaults);
    const base: number[] = [];
    const cold: number[] = [];
    const cached: number[] = [];
    let findings = 0;
    for (let i = 0; i < runs; i++) {
      let t0 = performance.now();
      await resolveExtension(catalog, { name: t.name, version: t.version, configYaml }, { declared, ...ksHost }).catch(() => undefined);
      base.push(performance.now() - t0);

      const source = OfflineChartSource.fromDirectory(chartsDir); // a new run: nothing cached
      t0 = performance.now();
      await resolveExtension(catalog, { name: t.name, version: t.version, configYaml }, { declared, ...ksHost }).catch(() => undefined);
      const r = await checkChartConfig({ source, extension: t.name, version: t.version, configYaml });
      cold.push(performance.now() - t0);
      findings = r.findings.length;

      t0 = performance.now();
      await resolveExtension(catalog, { name: t.name, version: t.version, configYaml }, { declared, ...ksHost }).catch(() => undefined);
      await checkChartConfig({ source, extension: t.name, version: t.version, configYaml });
      cached.push(performance.now() - t0);
    }
    const b = median(base);
    const c = median(cold) - b;
    const w = median(cached) - b;
    added.base.push(b); added.cold.push(c); added.cached.push(w);
    const size = fs.statSync(path.join(chartsDir, `${t.name}-${t.version}.tgz`)).size;
    const signed = (x: number, digits: number) => `${x >= 0 ? "+" : ""}${x.toFixed(digits)} ms`;
    console.log(`${`${t.name}@${t.version}`.padEnd(32)} ${`${Math.round(size / 1024)} KiB`.padStart(8)}  ${b.toFixed(2).padStart(6)} ms  ${signed(c, 1).padStart(11)}   ${signed(w, 2).padStart(13)}   ${findings}`);
  }
  const sum = (xs: number[]) => xs.reduce((a, x) => a + x, 0);
  console.log(`\nmedian over extensions: resolve ${median(added.base).toFixed(2)} ms; added by the check: cold +${median(added.cold).toFixed(1)} ms, cached +${median(added.cached).toFixed(2)} ms`);
  console.log(`all ${added.cold.length} together (one preview of every extension): resolve ${sum(added.base).toFixed(1)} ms; added cold +${sum(added.cold).toFixed(0)} ms, cached +${sum(added.cached).toFixed(1)} ms`);
}

main().catch((e) => { console.error(e); process.exit(1); });
