/** `kubesphere-ext catalog`: extensions by category, with install state and versions. */
import { categoryGroups, describeHost, effectiveHost } from "../catalogView";
import type { Command } from "../command";
import { ExitCode } from "../errors";
import { formatTable, writeData } from "../output";

/** The `catalog` command. */
export const catalogCommand: Command = {
  name: "catalog",
  args: "",
  summary: "list extensions by category, with install state and versions",
  description:
    "Lists every Extension grouped by category, the way the runbook loops over Category objects. Extensions whose\n" +
    "category label names no Category object are listed under that label (KubeSphere does not check it), and\n" +
    "extensions without a label under \"uncategorized\". STATE and INSTALLED come from Extension.status; RECOMMENDED\n" +
    "is what KubeSphere recommends on this host (highest version whose ksVersion and kubeVersion accept it).",
  examples: [
    "kubesphere-ext catalog",
    "kubesphere-ext catalog --catalog ./catalog --ks-version v4.1.3 --kube-version v1.30.4",
    "kubesphere-ext catalog --catalog museum/index.yaml -o json",
  ],
  options: {},
  defaultOutput: "table",
  positionals: 0,
  async run(r) {
    const ctx = r.context();
    const host = await effectiveHost(ctx.catalog, ctx.hostOverrides);
    const groups = await categoryGroups(ctx.catalog, host);
    if (r.format !== "table") {
      writeData(r.stdout, r.format, { source: ctx.catalog.description, host, categories: groups });
      return ExitCode.Ok;
    }
    const s = r.style;
    r.stdout.write(`${s.dim(`Catalog: ${ctx.catalog.description}`)}\n${s.dim(`Host: ${describeHost(host)}`)}\n`);
    for (const g of groups) {
      const title = g.displayName ? `${g.displayName} (${g.name})` : g.exists ? g.name : `${g.name}${g.name === "uncategorized" ? "" : " (no Category object)"}`;
      r.stdout.write(`\n${s.bold(title)}\n`);
      if (g.extensions.length === 0) {
        r.stdout.write(`  ${s.dim("(no extensions)")}\n`);
        continue;
      }
      r.stdout.write(formatTable(
        ["name", "display name", "state", "installed", "recommended", "versions"],
        g.extensions.map((e) => [
          e.name, e.displayName,
          e.state === "" ? "" : e.state === "Installed" ? s.green(e.state) : /Failed$/.test(e.state) ? s.red(e.state) : s.yellow(e.state),
          e.installedVersion ?? "", e.recommendedVersion ?? "", e.versions.join(", "),
        ]),
        "  ",
      ));
    }
    return ExitCode.Ok;
  },
};
