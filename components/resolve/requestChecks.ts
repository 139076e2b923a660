/**
 * Checks of a request that need no catalog: shape and types (`input.ts`), the name, the version as
 * an exact pin, YAML values, selector syntax, overrides without any placement, and the size of the
 * InstallPlan. They run first and are reported together with the catalog checks, so a cluster that
 * cannot be reached never hides a typo. Pure.
 */
import { normalizeValues } from "../config/values";
import { dns1123SubdomainProblem, labelSelectorProblems } from "../kubesphere/labelSelector";
import { explainNonExact, isExactVersion } from "../semver/masterminds";
import { fieldPath, keyPath, parseRequestFields } from "./input";
import { buildInstallPlan } from "./installPlan";
import type { ExtensionRequest } from "./request";

/** Prefix of the config comment line that `retry` adds. */
export const RETRY_COMMENT = "# kubesphere-ext.io/retry: ";
/**
 * Largest InstallPlan accepted: etcd's default request limit (`--max-request-bytes`, 1.5 MiB), which
 * bounds every object the API server stores. A larger plan would be refused at `pulumi up`, after
 * other resources were already changed.
 */
export const MAX_INSTALLPLAN_BYTES = 1.5 * 1024 * 1024;

/** A request after the checks that need no catalog. */
export interface CheckedRequest {
  /** Every well-typed field of the request (fields with type problems are left out). */
  request: Partial<ExtensionRequest>;
  /** The extension name when it is valid (catalog checks need it). */
  name?: string;
  /** The exact version when it is one. */
  version?: string;
  /** `Manual` unless `Automatic` was asked for. */
  upgradeStrategy: string;
  /** `spec.config` as it will be stored (webhook-trimmed, with the retry comment), or undefined to omit it. */
  configText?: string;
  /** Per-cluster overrides as stored. */
  overrides: Record<string, string>;
  /** Every problem, each starting with the field path. */
  problems: string[];
  /** Things worth saying that do not stop the install. */
  warnings: string[];
}

function nameProblem(name: string, at: string): string | undefined {
  if (name === "") return `${at} is empty; give the extension name, e.g. \`devops\` (see \`kubesphere-ext catalog\`)`;
  if (name.trim() === "") return `${at} ${JSON.stringify(name)} is only whitespace; give the extension name, e.g. \`devops\``;
  if (name.trim() !== name) {
    return `${at} ${JSON.stringify(name)} is not a valid extension name: it has leading or trailing whitespace (names are ` +
      `never trimmed); write ${JSON.stringify(name.trim())}`;
  }
  if (name.length > 63 || dns1123SubdomainProblem(name) !== undefined) {
    return `${at} ${JSON.stringify(name)} is not a valid extension name: it must be a DNS-1123 subdomain of at most 63 ` +
      "characters (lower-case letters, digits, '-' and '.', starting and ending alphanumeric)";
  }
  return undefined;
}

function formatBytes(n: number): string {
  return `${(n / 1024 / 1024).toFixed(2)} MiB (${n} bytes)`;
}

/**
 * Runs every check that needs no catalog.
 *
 * @param raw the request as received (any type)
 * @param path prefix of field paths in messages, e.g. `extensions[1]`; none for a standalone extension
 */
export function checkRequest(raw: unknown, path?: string): CheckedRequest {
  const { partial: request, problems: inputProblems } = parseRequestFields(raw, path);
  const problems = inputProblems.map((p) => p.message);
  const warnings: string[] = [];
  const at = (f: string): string => fieldPath(path, f);
  const out: CheckedRequest = { request, upgradeStrategy: request.upgradeStrategy ?? "Manual", overrides: {}, problems, warnings };

  if (request.name !== undefined) {
    const p = nameProblem(request.name, at("name"));
    if (p) problems.push(p);
    else out.name = request.name;
  }
  if (request.version !== undefined) {
    if (isExactVersion(request.version)) out.version = request.version;
    else {
      problems.push(`${at("version")} ${JSON.stringify(request.version)} is not an exact version: ${explainNonExact(request.version)}. ` +
        "An exact pin is required because KubeSphere installs exactly spec.extension.version (the ExtensionVersion " +
        "`<name>-<version>`), silently does nothing when it does not exist, and never upgrades on its own");
    }
  }
  if (out.upgradeStrategy === "Automatic") {
    warnings.push('upgradeStrategy "Automatic" has no effect: no KubeSphere code reads it (see docs/kubesphere-behavior.md §6.6); versions change only when you change `version`');
  }

  // --- values ------------------------------------------------------------------------------------
  const config = normalizeValues(at("config"), request.config, request.configYaml, at("configYaml"));
  if (!config.ok) problems.push(config.problem);
  let configText = config.ok ? config.text : undefined;
  if (request.retry !== undefined && request.retry !== 0) {
    configText = `${configText ?? ""}${configText && !configText.endsWith("\n") ? "\n" : ""}${RETRY_COMMENT}${request.retry}\n`;
  }
  out.configText = configText;

  // --- placement syntax ----------------------------------------------------------------------------
  const cs = request.clusterScheduling;
  if (cs !== undefined) {
    const csAt = at("clusterScheduling");
    const overrideKeys = [...new Set([...Object.keys(cs.overrides ?? {}), ...Object.keys(cs.overridesYaml ?? {})])];
    for (const cluster of overrideKeys) {
      const v = normalizeValues(keyPath(`${csAt}.overrides`, cluster), cs.overrides?.[cluster], cs.overridesYaml?.[cluster],
        keyPath(`${csAt}.overridesYaml`, cluster));
      if (!v.ok) problems.push(v.problem);
      else if (v.text !== undefined) out.overrides[cluster] = v.text;
      const np = dns1123SubdomainProblem(cluster);
      if (np) problems.push(`${csAt}.overrides key ${JSON.stringify(cluster)} is not a valid cluster name: it ${np}`);
    }
    (cs.clusters ?? []).forEach((c, i) => {
      const np = dns1123SubdomainProblem(c);
      if (np) problems.push(`${csAt}.clusters[${i}] ${JSON.stringify(c)} is not a valid cluster name: it ${np}`);
    });
    if (cs.clusters && new Set(cs.clusters).size !== cs.clusters.length) {
      const dups = [...new Set(cs.clusters.filter((c, i) => cs.clusters!.indexOf(c) !== i))];
      problems.push(`${csAt}.clusters lists ${dups.map((d) => JSON.stringify(d)).join(", ")} more than once; ` +
        "the API server rejects duplicates: list each cluster once");
    }
    if (cs.clusterSelector !== undefined) problems.push(...labelSelectorProblems(cs.clusterSelector, `${csAt}.clusterSelector`));
    if ((cs.clusters?.length ?? 0) > 0 && cs.clusterSelector !== undefined) {
      // The controller takes the names and silently ignores the selector (docs/kubesphere-behavior.md §2.9).
      problems.push(`${csAt} gives both clusters and clusterSelector; the controller would use clusters and silently ignore ` +
        "the selector. Give one of them");
    }
    const hasPlacement = (cs.clusters?.length ?? 0) > 0 || cs.clusterSelector !== undefined;
    if (!hasPlacement && overrideKeys.length > 0) {
      problems.push(`${csAt}.overrides for ${overrideKeys.map((c) => JSON.stringify(c)).join(", ")} can never apply: ` +
        "there is no placement (neither clusters nor clusterSelector), so no cluster receives the agents; " +
        "list those clusters in clusterScheduling.clusters");
    }
  }

  // --- size ----------------------------------------------------------------------------------------
  // Measured on the plan as it will be written; the catalog adds only short annotations.
  const plan = buildInstallPlan({
    name: out.name ?? String(request.name ?? ""), version: out.version ?? String(request.version ?? ""),
    enabled: request.enabled ?? true, upgradeStrategy: out.upgradeStrategy, config: configText,
    clusterScheduling: cs === undefined ? undefined : { clusters: cs.clusters, clusterSelector: cs.clusterSelector, overrides: out.overrides },
    installationMode: "Multicluster", requiredDependencies: [],
  });
  const bytes = Buffer.byteLength(JSON.stringify(plan), "utf8");
  if (bytes > MAX_INSTALLPLAN_BYTES) {
    problems.push(`${path ? `${path}: ` : ""}the InstallPlan would be ${formatBytes(bytes)}, more than the API server can store: ` +
      `etcd's default request limit is 1.5 MiB (${MAX_INSTALLPLAN_BYTES} bytes, --max-request-bytes). Its config is ` +
      `${formatBytes(Buffer.byteLength(configText ?? "", "utf8"))}; move large values (dashboards, files) into a ConfigMap ` +
      "or Secret the chart reads, or trim them");
  }
  return out;
}
