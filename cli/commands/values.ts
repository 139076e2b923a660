/**
 * `kubesphere-ext values NAME@VERSION`: the chart's merged defaults (what `config` can set), and
 * `values NAME --diff A..B`: how the defaults changed between two versions. Charts come from
 * `--charts DIR` offline, else from the kubeconfig's cluster (ks-apiserver, ConfigMap or museum).
 */
import * as fs from "fs";
import * as path from "path";
import { loadKubeConfig } from "../../components/catalog/liveCatalog";
import { formatPath } from "../../components/charts/findings";
import { LiveChartSource } from "../../components/charts/liveSource";
import { OfflineChartSource } from "../../components/charts/offlineSource";
import type { ChartSource } from "../../components/charts/source";
import { diffDefaults } from "../../components/charts/upgrade";
import { list, nameAtVersion, OptionValues, str } from "../args";
import type { Command } from "../command";
import { requestTimeoutFrom } from "../context";
import { ExitCode, UnreachableError, UsageError } from "../errors";
import { formatTable, toYaml, writeData } from "../output";

/**
 * The chart source the options name: `--charts DIR` (offline), none when offline without it, else
 * the kubeconfig's cluster. @throws UsageError for an unreadable `--charts`
 */
export function chartSourceFromOptions(values: OptionValues, cwd: string): ChartSource | undefined {
  const charts = str(values, "charts");
  if (charts !== undefined) {
    try {
      return OfflineChartSource.fromDirectory(path.resolve(cwd, charts));
    } catch (e) {
      throw new UsageError(`--charts: ${(e as Error).message}`);
    }
  }
  if (list(values, "catalog").length > 0) return undefined;
  let kubeconfig: string | undefined;
  const file = str(values, "kubeconfig");
  if (file !== undefined) {
    try {
      kubeconfig = fs.readFileSync(path.resolve(cwd, file), "utf8");
    } catch (e) {
      throw new UsageError(`--kubeconfig ${file}: cannot read it (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
    }
  }
  const timeoutMs = requestTimeoutFrom(values);
  try {
    return new LiveChartSource({ kubeConfig: loadKubeConfig({ kubeconfig, context: str(values, "context") }), timeoutMs });
  } catch (e) {
    throw new UnreachableError(`${(e as Error).message}; or read chart archives offline with --charts DIR`);
  }
}

function show(v: unknown): string {
  if (v === undefined) return "";
  const s = JSON.stringify(v);
  return s.length > 70 ? `${s.slice(0, 67)}…` : s;
}

/** The `values` command. */
export const valuesCommand: Command = {
  name: "values",
  args: "NAME@VERSION | NAME --diff A..B",
  summary: "the chart's merged default values (what config can set), or how they changed between versions",
  description:
    "Prints the defaults of an extension's chart merged the way Helm merges them: the chart's values.yaml, each\n" +
    "subchart's defaults under its name or alias, and the global values of every chart. These are the keys that\n" +
    "`config` and per-cluster overrides can set; `plan --config` reports keys outside them.\n" +
    "With --diff A..B, prints the defaults that were added, removed or changed from version A to version B.\n" +
    "Charts come from --charts DIR (offline: archives named NAME-VERSION.tgz, or beside a museum index.yaml),\n" +
    "else from the cluster (ks-apiserver's extension files, the chartDataRef ConfigMap, or the museum Service).",
  examples: [
    "kubesphere-ext values devops@1.1.2 --charts ./charts",
    "kubesphere-ext values devops --diff 1.1.1..1.1.3 --charts ./charts",
    "kubesphere-ext values whizard-monitoring@1.1.1 -o json",
  ],
  options: {
    diff: { type: "string", valueName: "A..B", description: "show the default changes from version A to version B" },
  },
  defaultOutput: "yaml",
  positionals: 1,
  async run(r) {
    const diff = str(r.values, "diff");
    const target = nameAtVersion(r.positionals[0], "values", diff === undefined);
    if (diff !== undefined && target.version !== undefined) {
      throw new UsageError(`give either NAME@VERSION or NAME --diff A..B, not both (got ${r.positionals[0]} --diff ${diff})`);
    }
    const source = chartSourceFromOptions(r.values, r.cwd);
    if (!source) throw new UsageError("offline (--catalog) charts are read from --charts DIR, a directory of chart archives, e.g. --charts ./charts");
    if (diff === undefined) {
      const load = await source.load(target.name, target.version!);
      if (!load.ok) {
        r.stderr.write(`${r.style.red("error:")} ${load.reason}\n`);
        return ExitCode.Problems;
      }
      r.stderr.write(`${r.style.dim(`# defaults of ${target.name} ${target.version}, from ${load.from}`)}\n`);
      if (r.format === "table") r.stdout.write(toYaml(load.model.defaults));
      else writeData(r.stdout, r.format, load.model.defaults);
      return ExitCode.Ok;
    }
    const parts = diff.split("..");
    const m = parts.length === 2 && parts.every((p) => p.trim() !== "" && !p.startsWith(".")) ? ["", parts[0].trim(), parts[1].trim()] : undefined;
    if (!m) throw new UsageError(`--diff ${JSON.stringify(diff)} is not of the form A..B, e.g. --diff 1.1.1..1.1.3`);
    const [from, to] = await Promise.all([source.load(target.name, m[1]), source.load(target.name, m[2])]);
    for (const l of [from, to]) if (!l.ok) r.stderr.write(`${r.style.red("error:")} ${l.reason}\n`);
    if (!from.ok || !to.ok) return ExitCode.Problems;
    const changes = diffDefaults(from.model.defaults, to.model.defaults);
    // A diff reads best as a table unless -o asks for data.
    const format = str(r.values, "output") === undefined ? "table" : r.format;
    if (format !== "table") {
      writeData(r.stdout, format, { name: target.name, from: m[1], to: m[2], changes: changes.map((c) => ({ ...c, path: formatPath(c.path) })) });
      return ExitCode.Ok;
    }
    if (changes.length === 0) {
      r.stdout.write(`the defaults of ${target.name} ${m[1]} and ${m[2]} are the same\n`);
      return ExitCode.Ok;
    }
    r.stdout.write(formatTable(["change", "path", m[1], m[2]], changes.map((c) => [c.change, formatPath(c.path), show(c.from), show(c.to)])));
    return ExitCode.Ok;
  },
};
