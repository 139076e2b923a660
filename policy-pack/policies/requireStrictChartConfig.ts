import * as path from "path";
import type { ResourceValidationPolicy } from "@pulumi/policy";
import { checkChartConfig, formatFinding } from "../../components/charts/checkChartConfig";
import { OfflineChartSource } from "../../components/charts/offlineSource";
import { trimLikeWebhook } from "../../components/config/webhookTrim";
import { configWithDefaults, isInstallPlan, PACK_TAGS, planProps, subject } from "../lib/installPlan";

/** Configuration of {@link requireStrictChartConfig}. */
export interface StrictChartConfigConfig {
  /**
   * Directory of the extensions' chart archives (`NAME-VERSION.tgz`, or beside a museum
   * `index.yaml`); relative to the directory `pulumi preview` runs in. Empty (the default): the
   * policy checks nothing (it cannot read charts from the cluster).
   */
  chartsDir: string;
  /** Pass plans whose chart is not in `chartsDir` (default false: they fail, since nothing was checked). */
  allowUnchecked: boolean;
}

const DEFAULTS: StrictChartConfigConfig = { chartsDir: "", allowUnchecked: false };

/**
 * `strictConfig` as a policy: `spec.config` and every cluster override must hold only keys the
 * extension's chart defines (its values.yaml with its subcharts' defaults, keys its templates read),
 * with the defaults' types, and satisfy any `values.schema.json` — warnings of the chart config
 * checks (docs/chart-config-checks.md) fail here. Helm silently ignores an unknown key, so a typo
 * "installs" and never takes effect.
 *
 * @severity medium
 */
export const requireStrictChartConfig: ResourceValidationPolicy = {
  name: "kubesphere-installplan-strict-chart-config",
  description: "InstallPlan config and overrides must use only keys the extension's chart defines, with the defaults' types.",
  enforcementLevel: "mandatory",
  severity: "medium",
  tags: [...PACK_TAGS, "config"],
  remediationSteps:
    "Fix each reported key (the message names the path, the line and the nearest key the chart defines). " +
    "`kubesphere-ext values NAME@VERSION --charts DIR` prints every key the chart accepts.",
  configSchema: {
    properties: {
      chartsDir: { type: "string", default: "", description: "Directory of chart archives (NAME-VERSION.tgz or a museum index.yaml beside them); empty: no check." },
      allowUnchecked: { type: "boolean", default: false, description: "Pass plans whose chart archive is not in chartsDir." },
    },
  },
  validateResource: async (args, reportViolation) => {
    if (!isInstallPlan(args.type)) return;
    const { chartsDir, allowUnchecked } = configWithDefaults(args, DEFAULTS);
    if (typeof chartsDir !== "string" || chartsDir === "") return;
    const spec = planProps(args).spec;
    if (spec === undefined || spec === null) return;
    const name = spec.extension?.name;
    const version = spec.extension?.version;
    if (typeof name !== "string" || typeof version !== "string" || name === "" || version === "") return; // other policies report these
    const configYaml = typeof spec.config === "string" ? trimLikeWebhook(spec.config) : undefined;
    const overridesYaml: Record<string, string> = {};
    for (const [cluster, text] of Object.entries(spec.clusterScheduling?.overrides ?? {})) {
      if (typeof text === "string") overridesYaml[cluster] = trimLikeWebhook(text);
    }
    if (configYaml === undefined && Object.keys(overridesYaml).length === 0) return;
    let source: OfflineChartSource;
    try {
      // A source per check: nothing is cached across resources or runs.
      source = OfflineChartSource.fromDirectory(path.resolve(chartsDir));
    } catch (e) {
      reportViolation(`${subject(args)}: chartsDir of this policy: ${(e as Error).message}. Fix the policy config.`);
      return;
    }
    const r = await checkChartConfig({ source, extension: name, version, configYaml, overridesYaml, strict: true });
    if (!r.checked) {
      if (!allowUnchecked) reportViolation(`${subject(args)}: ${r.note}. Add the chart archive to chartsDir, or set allowUnchecked.`);
      return;
    }
    for (const f of r.findings) {
      if (f.severity !== "error") continue;
      const field = f.cluster === undefined ? "spec.config" : `spec.clusterScheduling.overrides["${f.cluster}"]`;
      reportViolation(`${subject(args)}: ${field}: ${formatFinding(f).replace(/^error: (config|override of [^,:]+)(, )?/, "")}`);
    }
  },
};
