/**
 * Maintainer tool: rebuilds `simulator/catalog/catalog.json`, the catalog the simulator ships
 * (so that it works from the installed package, without the reference material beside it).
 *
 *     npx ts-node --transpile-only simulator/catalog/generate.ts --catalog <dir of catalog *.yaml> --charts <dir of chart *.tgz>
 *
 * - `objects`: every object of the catalog directory (Repository, Categories, Extensions,
 *   ExtensionVersions), in file-name order, with `spec.icon` dropped (the icons are 95 % of the
 *   bytes and nothing the controller does reads them).
 * - `agentConditions`: per ExtensionVersion name, the `condition` of every chart dependency tagged
 *   `agent`, read from the chart archive's `Chart.yaml`. The real controller forces these to false
 *   in the host release's `--set` (docs/kubesphere-behavior.md, "The helm executor Job").
 */
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import * as YAML from "yaml";
import { parseCatalogDir } from "../fixtures";

function arg(name: string): string {
  const i = process.argv.indexOf(name);
  const v = i >= 0 ? process.argv[i + 1] : undefined;
  if (!v) throw new Error(`${name} <dir> is required`);
  return v;
}

function agentConditions(chartsDir: string): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const file of fs.readdirSync(chartsDir).filter((f) => f.endsWith(".tgz")).sort()) {
    const archive = path.join(chartsDir, file);
    const entries = execFileSync("tar", ["-tzf", archive], { encoding: "utf8" }).split("\n");
    const chartYaml = entries.find((e) => /^[^/]+\/Chart\.yaml$/u.test(e));
    if (!chartYaml) continue;
    const chart = YAML.parse(execFileSync("tar", ["-xzOf", archive, chartYaml], { encoding: "utf8" })) as { dependencies?: Array<{ tags?: string[]; condition?: string }> };
    const conditions = (chart.dependencies ?? []).filter((d) => (d.tags ?? []).includes("agent") && d.condition).map((d) => d.condition!);
    if (conditions.length > 0) out[file.replace(/\.tgz$/u, "")] = conditions;
  }
  return out;
}

const objects = parseCatalogDir(arg("--catalog")).map((o) => {
  const spec = o.spec as Record<string, unknown> | undefined;
  if (spec && "icon" in spec) delete spec.icon;
  return o;
});
const out = path.join(__dirname, "catalog.json");
fs.writeFileSync(out, `${JSON.stringify({ source: "KubeSphere v4.1.3 extensions-museum catalog (icons dropped)", objects, agentConditions: agentConditions(arg("--charts")) })}\n`);
console.log(`wrote ${out}: ${objects.length} objects`);
