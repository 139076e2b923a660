/** `kubesphere-ext versions NAME`: every version, whether it fits this host, the recommendation, dependencies. */
import { describeDependency, describeHost, effectiveHost, english, requireVersions, versionRows } from "../catalogView";
import type { Command } from "../command";
import { ExitCode } from "../errors";
import { formatTable, writeData } from "../output";

/** The `versions` command. */
export const versionsCommand: Command = {
  name: "versions",
  args: "NAME",
  summary: "list an extension's versions: constraints, fit with this host, recommended, dependencies",
  description:
    "Lists every ExtensionVersion of an extension with its ksVersion/kubeVersion constraints and whether they accept\n" +
    "this host, using the Masterminds semver rules KubeSphere uses (a pre-release host version such as v1.30.0-tke.1\n" +
    "only satisfies constraints ending in -0). RECOMMENDED marks what KubeSphere recommends on this host. KubeSphere\n" +
    "itself does not enforce these constraints or the dependencies; `plan` and the Pulumi component do.",
  examples: ["kubesphere-ext versions devops", "kubesphere-ext versions network --catalog ./catalog --ks-version v4.1.3 --kube-version v1.30.4"],
  options: {},
  defaultOutput: "table",
  positionals: 1,
  async run(r) {
    const ctx = r.context();
    const name = r.positionals[0];
    const evs = await requireVersions(ctx.catalog, name);
    const [host, exts] = await Promise.all([effectiveHost(ctx.catalog, ctx.hostOverrides), ctx.catalog.extensions()]);
    const ext = exts.find((e) => e.metadata.name === name);
    const rows = versionRows(evs, ext, host);
    if (r.format !== "table") {
      writeData(r.stdout, r.format, { extension: name, host, installedVersion: ext?.status?.installedVersion, versions: rows });
      return ExitCode.Ok;
    }
    const s = r.style;
    const display = english(ext?.spec?.displayName);
    r.stdout.write(`${s.bold(name)}${display && display !== name ? ` — ${display}` : ""}\n${s.dim(`Host: ${describeHost(host)}`)}\n\n`);
    r.stdout.write(formatTable(
      ["version", "ks version", "kube version", "fits host", "recommended", "mode", "dependencies"],
      rows.map((v) => [
        v.installed ? `${v.version} (installed)` : v.version,
        v.ksVersion ?? "", v.kubeVersion ?? "",
        v.fits === true ? s.green("yes") : v.fits === false ? s.red("no") : s.yellow("unknown"),
        v.recommended ? s.green("yes") : "",
        v.installationMode,
        v.dependencies.map(describeDependency).join("; "),
      ]),
    ));
    // One line per distinct reason, naming the versions it applies to.
    const byReason = new Map<string, string[]>();
    for (const v of rows) for (const reason of v.fitReasons) byReason.set(reason, [...(byReason.get(reason) ?? []), v.version]);
    if (byReason.size > 0) {
      r.stdout.write("\n");
      for (const [reason, versions] of byReason) r.stdout.write(`${versions.join(", ")}: ${reason}\n`);
    }
    if (!rows.some((v) => v.recommended)) {
      r.stdout.write(`\n${s.yellow(host.ksVersion && host.kubeVersion ? "No version fits this host, so KubeSphere recommends none." : "No recommendation: the host versions are not all known.")}\n`);
    }
    return ExitCode.Ok;
  },
};
