/** `kubesphere-ext show NAME[@VERSION]`: one ExtensionVersion in detail. */
import { nameAtVersion } from "../args";
import {
  describeDependency, describeHost, effectiveHost, english, fromIndexOnly, INDEX_ONLY_NOTE, recommendationFor, requireVersions, sortVersions,
} from "../catalogView";
import type { Command } from "../command";
import { ExitCode } from "../errors";
import { formatFields, writeData } from "../output";
import { hostFit } from "../../components/catalog/recommendedVersion";
import { ExtensionResolutionError } from "../../components/resolve/errors";

/** The `show` command. */
export const showCommand: Command = {
  name: "show",
  args: "NAME[@VERSION]",
  summary: "show one extension version: description, target namespace, mode, dependencies, chart, state",
  description:
    "Shows an ExtensionVersion (default: the recommended version, else the newest): its English description, the\n" +
    "namespace the controller installs into (spec.namespace, else extension-<name>), installationMode, constraints\n" +
    "and whether they fit this host, dependencies, where the chart comes from, and the extension's install state.",
  examples: ["kubesphere-ext show devops", "kubesphere-ext show whizard-monitoring@1.1.1 -o yaml"],
  options: {},
  defaultOutput: "table",
  positionals: 1,
  async run(r) {
    const ctx = r.context();
    const { name, version: asked } = nameAtVersion(r.positionals[0], "show", false);
    const evs = await requireVersions(ctx.catalog, name);
    const [host, exts] = await Promise.all([effectiveHost(ctx.catalog, ctx.hostOverrides), ctx.catalog.extensions()]);
    const ext = exts.find((e) => e.metadata.name === name);
    const all = sortVersions(evs.map((e) => e.spec.version ?? e.metadata.name));
    const version = asked ?? recommendationFor(evs, ext, host) ?? all[all.length - 1];
    const ev = evs.find((e) => (e.spec.version ?? e.metadata.name) === version);
    if (!ev) {
      throw new ExtensionResolutionError(name, [`version ${version} does not exist: there is no ExtensionVersion ${JSON.stringify(`${name}-${version}`)}; versions that exist: ${all.join(", ")}`]);
    }
    const fit = hostFit(ev, host.ksVersion, host.kubeVersion);
    const data = {
      name, version, extensionVersion: ev.metadata.name,
      displayName: english(ev.spec.displayName) ?? english(ext?.spec?.displayName) ?? name,
      description: english(ev.spec.description) ?? english(ext?.spec?.description),
      category: ev.spec.category ?? ext?.metadata.labels?.["kubesphere.io/category"],
      targetNamespace: ev.spec.namespace || `extension-${name}`,
      namespaceDefaulted: !ev.spec.namespace,
      installationMode: ev.spec.installationMode ?? "HostOnly",
      ksVersion: ev.spec.ksVersion, kubeVersion: ev.spec.kubeVersion,
      fitsHost: fit.fits ?? null, fitReasons: fit.reasons,
      dependencies: ev.spec.externalDependencies ?? [],
      chartURL: ev.spec.chartURL,
      chartDataRef: ev.spec.chartDataRef,
      repository: ev.spec.repository,
      home: ev.spec.home, docs: ev.spec.docs,
      state: ext?.status?.state ?? "", installedVersion: ext?.status?.installedVersion,
      recommendedVersion: recommendationFor(evs, ext, host), versions: all,
      annotations: ev.metadata.annotations,
      note: fromIndexOnly(ev) ? INDEX_ONLY_NOTE : undefined,
    };
    if (r.format !== "table") {
      writeData(r.stdout, r.format, data);
      return ExitCode.Ok;
    }
    const s = r.style;
    const chart = data.chartURL ?? (data.chartDataRef ? `ConfigMap ${data.chartDataRef.namespace}/${data.chartDataRef.name} key ${data.chartDataRef.key ?? "chart.tgz"}` : undefined);
    r.stdout.write(`${s.bold(`${name} ${version}`)} — ${data.displayName}\n\n`);
    r.stdout.write(formatFields([
      ["Description", data.description],
      ["Category", data.category],
      ["Namespace", `${data.targetNamespace}${data.namespaceDefaulted ? " (default: spec.namespace is empty)" : ""}`],
      ["Installation mode", data.installationMode],
      ["ksVersion", data.ksVersion ?? "(any)"],
      ["kubeVersion", data.kubeVersion ?? "(any)"],
      ["Fits host", `${fit.fits === true ? s.green("yes") : fit.fits === false ? s.red("no") : s.yellow("unknown")}${fit.reasons.length ? ` — ${fit.reasons.join("; ")}` : ""} (${describeHost(host)})`],
      ["Dependencies", data.dependencies.length ? data.dependencies.map(describeDependency).join("\n") : "(none)"],
      ["Chart", chart],
      ["Repository", data.repository],
      ["Home", data.home],
      ["Docs", data.docs],
      ["State", data.state === "" ? "not installed" : `${data.state}${data.installedVersion ? ` (installed version ${data.installedVersion})` : ""}`],
      ["Versions", `${all.join(", ")}${data.recommendedVersion ? ` (recommended: ${data.recommendedVersion})` : ""}`],
      ["Note", data.note ? s.yellow(data.note) : undefined],
    ]));
    return ExitCode.Ok;
  },
};
