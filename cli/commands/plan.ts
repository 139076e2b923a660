/**
 * `kubesphere-ext plan NAME@VERSION`: resolves exactly as `pulumi preview` does (`resolveExtension`)
 * and prints the InstallPlan the component would write, or every problem (exit 1).
 */
import * as fs from "fs";
import * as path from "path";
import type { ExtensionRequest } from "../../components/resolve/request";
import { resolveExtension } from "../../components/resolve/resolve";
import { commaList, keyValue, list, nameAtVersion, OptionValues, str } from "../args";
import { describeDependency, describeHost, effectiveHost } from "../catalogView";
import type { Command } from "../command";
import { ExitCode, UsageError } from "../errors";
import { formatFields, toYaml, writeData } from "../output";
import { checkChartConfig, formatFinding } from "../../components/charts/checkChartConfig";
import { chartSourceFromOptions } from "./values";

function readValuesFile(file: string, option: string, cwd: string): string {
  try {
    return fs.readFileSync(path.resolve(cwd, file), "utf8");
  } catch (e) {
    throw new UsageError(`${option} ${file}: cannot read it (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
}

/**
 * The request and resolve context the options describe: the same `ExtensionRequest` the component
 * builds from its args. @throws UsageError
 */
export function requestFromOptions(target: string, values: OptionValues, cwd: string): {
  request: ExtensionRequest; declared: Record<string, string>;
} {
  const { name, version } = nameAtVersion(target, "plan", true);
  const request: ExtensionRequest = { name, version: version! };
  const config = str(values, "config");
  if (config !== undefined) request.configYaml = readValuesFile(config, "--config", cwd);
  if (values.enabled !== undefined) request.enabled = values.enabled as boolean;
  if (values["allow-downgrade"] !== undefined) request.allowDowngrade = values["allow-downgrade"] as boolean;
  const strategy = str(values, "upgrade-strategy");
  if (strategy !== undefined) request.upgradeStrategy = strategy;
  const retry = str(values, "retry");
  if (retry !== undefined) {
    if (!/^\d+$/.test(retry)) throw new UsageError(`--retry ${JSON.stringify(retry)} must be a whole number of at least 0, e.g. --retry 1`);
    request.retry = Number(retry);
  }
  const clusters = commaList(str(values, "clusters"));
  const selector = str(values, "cluster-selector");
  const overrides = list(values, "override");
  if (clusters !== undefined || selector !== undefined || overrides.length > 0) {
    const cs: NonNullable<ExtensionRequest["clusterScheduling"]> = {};
    if (clusters !== undefined) cs.clusters = clusters;
    if (selector !== undefined) {
      const matchLabels: Record<string, string> = {};
      for (const pair of commaList(selector)!) {
        const [k, v] = keyValue(pair, "--cluster-selector", "KEY=VALUE[,KEY=VALUE], e.g. env=prod (empty: every cluster)");
        matchLabels[k] = v;
      }
      cs.clusterSelector = Object.keys(matchLabels).length > 0 ? { matchLabels } : {};
    }
    for (const o of overrides) {
      const [cluster, file] = keyValue(o, "--override", "CLUSTER=FILE, e.g. member1=member1-values.yaml");
      cs.overridesYaml = { ...(cs.overridesYaml ?? {}), [cluster]: readValuesFile(file, `--override ${cluster}=`, cwd) };
    }
    request.clusterScheduling = cs;
  }
  const declared: Record<string, string> = {};
  for (const d of list(values, "declare")) {
    const dep = nameAtVersion(d, "--declare", true);
    declared[dep.name] = dep.version!;
  }
  return { request, declared };
}

/** The `plan` command. */
export const planCommand: Command = {
  name: "plan",
  args: "NAME@VERSION",
  summary: "resolve as `pulumi preview` would and print the InstallPlan, or every problem",
  description:
    "Resolves the request with the same code as the KubeSphereExtension component (resolveExtension): the version\n" +
    "must exist, fit the host's KubeSphere and Kubernetes versions, have its required dependencies installed or\n" +
    "declared (--declare), and clusterScheduling must name clusters that exist. Prints the exact InstallPlan the\n" +
    "component would write (YAML by default; -o json for JSON; -o table adds a summary), warnings on stderr.\n" +
    "If anything is wrong, prints every problem at once and exits 1 (with -o json or -o yaml also {extension, problems}\n" +
    "on stdout).",
  examples: [
    "kubesphere-ext plan devops@1.1.2 --config devops-values.yaml",
    "kubesphere-ext plan whizard-logging@1.2.2 --declare vector@1.0.4 --declare whizard-telemetry@1.2.2",
    "kubesphere-ext plan gateway@1.0.5 --clusters host,member1 --override member1=member1.yaml",
    "kubesphere-ext plan devops@1.1.2 --enabled=false --catalog museum/index.yaml --ks-version v4.1.3 --kube-version v1.30.4",
  ],
  options: {
    config: { type: "string", valueName: "FILE", description: "Helm values (YAML) for spec.config" },
    clusters: { type: "string", valueName: "A,B", description: "clusterScheduling.placement.clusters (Multicluster versions only)" },
    "cluster-selector": { type: "string", valueName: "K=V,...", description: "clusterScheduling.placement.clusterSelector matchLabels (empty: every cluster)" },
    override: { type: "string", multiple: true, valueName: "CLUSTER=FILE", description: "per-cluster Helm values (repeatable)" },
    enabled: { type: "boolean", description: "spec.enabled (default true; --enabled=false still installs the chart)" },
    declare: { type: "string", multiple: true, valueName: "NAME@VERSION", description: "another extension declared alongside it (satisfies dependencies; repeatable)" },
    retry: { type: "string", valueName: "N", description: "retry counter: adds a config comment so the configHash changes and a failed install runs again" },
    "allow-downgrade": { type: "boolean", description: "allow a version lower than the installed one" },
    "upgrade-strategy": { type: "string", valueName: "STRATEGY", description: "spec.upgradeStrategy (default Manual)" },
    "strict-config": { type: "boolean", description: "config checks against the chart: warnings (unknown keys, type mismatches) are errors" },
  },
  defaultOutput: "yaml",
  positionals: 1,
  async run(r) {
    const { request, declared } = requestFromOptions(r.positionals[0], r.values, r.cwd);
    const ctx = r.context();
    const resolved = await resolveExtension(ctx.catalog, request, { declared, ...ctx.hostOverrides });
    for (const w of resolved.warnings) r.stderr.write(`${r.style.yellow("warning:")} ${w}\n`);
    // Config meaning, checked against the chart itself (docs/chart-config-checks.md).
    let configErrors = 0;
    const plan = resolved.installPlan as { spec: { config?: string; clusterScheduling?: { overrides?: Record<string, string> } } };
    if (plan.spec.config !== undefined || plan.spec.clusterScheduling?.overrides !== undefined) {
      const check = await checkChartConfig({
        source: chartSourceFromOptions(r.values, r.cwd), extension: resolved.name, version: resolved.version,
        previousVersion: resolved.installedVersion, configYaml: plan.spec.config,
        overridesYaml: plan.spec.clusterScheduling?.overrides, strict: r.values["strict-config"] === true,
      });
      if (check.note) r.stderr.write(`${r.style.yellow("note:")} ${check.note}\n`);
      for (const f of check.findings) {
        const text = formatFinding(f);
        r.stderr.write(`${f.severity === "error" ? r.style.red(text) : f.severity === "warning" ? r.style.yellow(text) : text}\n`);
      }
      configErrors = check.findings.filter((f) => f.severity === "error").length;
      if (check.checked) r.stderr.write(`${r.style.dim(`config checked against the chart from ${check.sourceDescription}`)}\n`);
    }
    if (r.format === "json" || r.format === "yaml") {
      writeData(r.stdout, r.format, resolved.installPlan);
      return configErrors > 0 ? ExitCode.Problems : ExitCode.Ok;
    }
    const host = await effectiveHost(ctx.catalog, ctx.hostOverrides);
    const s = r.style;
    r.stdout.write(`${s.bold(`${resolved.name} ${resolved.version}`)} resolves against ${ctx.catalog.description}\n\n`);
    r.stdout.write(formatFields([
      ["Host", describeHost(host)],
      ["Target namespace", resolved.targetNamespace],
      ["Installation mode", resolved.installationMode],
      ["Config hash", resolved.configHash],
      ["Installed now", resolved.installedVersion ? `${resolved.installedVersion} (${resolved.installedState ?? "state unknown"})` : "not installed"],
      ["Dependencies", resolved.dependencies.length === 0 ? "(none)" : resolved.dependencies
        .map((d) => `${describeDependency({ name: d.name, version: d.range, required: d.required })}: ${d.satisfiedBy}${d.foundVersion ? ` (${d.foundVersion})` : ""}`).join("\n")],
      ["Target clusters", resolved.targetClusters.length > 0 ? resolved.targetClusters.join(", ") : undefined],
    ]));
    r.stdout.write(`\n${toYaml(resolved.installPlan)}`);
    return configErrors > 0 ? ExitCode.Problems : ExitCode.Ok;
  },
};
