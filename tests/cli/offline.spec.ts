import { expect } from "chai";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as YAML from "yaml";
import { resolveExtension } from "../../components/resolve/resolve";
import { CATALOG_DIR, fixtureCatalog } from "../support/sharedFixture";
import { OFFLINE, runCli } from "./runCli";

const MUSEUM_INDEX = path.resolve(__dirname, "../fixtures/museum/index.yaml");

describe("kubesphere-ext against the static fixture", () => {
  describe("catalog", () => {
    it("groups extensions by Category object, in name order, with state and versions", async () => {
      const r = await runCli(["catalog", ...OFFLINE, "--installed", "devops=1.1.2"]);
      expect(r.code).to.equal(0);
      expect(r.stderr).to.equal("");
      const headings = r.stdout.split("\n").slice(2).filter((l) => /^\S/.test(l));
      expect(headings).to.deep.equal([
        "AI / LLM (ai-machine-learning)", "Computing (computing)", "Database (database)", "DeepSeek (deepseek)",
        "Developer tools (dev-tools)", "Integration and delivery (integration-delivery)", "Networking (networking)",
        "Observability (observability)", "Security (security)", "Storage (storage)", "Streaming and messaging (streaming-messaging)",
      ]);
      const devopsLine = r.stdout.split("\n").find((l) => /^\s+devops\s/.test(l))!;
      expect(devopsLine.trim().split(/\s{3,}/)).to.deep.equal(["devops", "DevOps", "Installed", "1.1.2", "1.1.3", "1.1.1, 1.1.2, 1.1.3"]);
      expect(r.stdout).to.not.match(/\u001b\[/, "no colour when stdout is not a TTY");
    });

    it("puts extensions whose category has no Category object under their label, and unlabelled ones under uncategorized", async () => {
      const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "cli-cat-"));
      try {
        fs.writeFileSync(path.join(tmp, "x.yaml"), [
          { apiVersion: "kubesphere.io/v1alpha1", kind: "Category", metadata: { name: "storage" }, spec: { displayName: { en: "Storage" } } },
          { apiVersion: "kubesphere.io/v1alpha1", kind: "Extension", metadata: { name: "a", labels: { "kubesphere.io/category": "other" } } },
          { apiVersion: "kubesphere.io/v1alpha1", kind: "Extension", metadata: { name: "b" } },
        ].map((d) => YAML.stringify(d)).join("---\n"));
        const r = await runCli(["catalog", "--catalog", tmp, "-o", "json"]);
        expect(r.code).to.equal(0);
        const data = JSON.parse(r.stdout);
        expect(data.categories.map((c: { name: string; exists: boolean; extensions: Array<{ name: string }> }) =>
          [c.name, c.exists, c.extensions.map((e) => e.name)])).to.deep.equal([
          ["storage", true, []], ["other", false, ["a"]], ["uncategorized", false, ["b"]],
        ]);
        const table = await runCli(["catalog", "--catalog", tmp]);
        expect(table.stdout).to.include("\nStorage (storage)\n  (no extensions)\n");
        expect(table.stdout).to.include("\nother (no Category object)\n");
        expect(table.stdout).to.include("\nuncategorized\n");
      } finally {
        fs.rmSync(tmp, { recursive: true, force: true });
      }
    });

    it("-o json carries every extension with its recommendation for the stated host", async () => {
      const r = await runCli(["catalog", ...OFFLINE, "-o", "json"]);
      const data = JSON.parse(r.stdout);
      const all = data.categories.flatMap((c: { extensions: unknown[] }) => c.extensions);
      expect(all).to.have.length(27);
      expect(all.find((e: { name: string }) => e.name === "network")).to.deep.include({ recommendedVersion: "1.1.0", versions: ["1.1.0", "1.3.0"] });
      const v410 = JSON.parse((await runCli(["catalog", "--catalog", CATALOG_DIR, "--ks-version", "v4.1.0", "--kube-version", "v1.30.4", "-o", "json"])).stdout);
      const devops = v410.categories.flatMap((c: { extensions: unknown[] }) => c.extensions).find((e: { name: string }) => e.name === "devops");
      expect(devops.recommendedVersion, "no devops version accepts v4.1.0 (CATALOG.md §10)").to.equal(undefined);
    });

    it("colours only on a terminal, and not when NO_COLOR is set", async () => {
      const args = ["catalog", ...OFFLINE, "--installed", "devops=1.1.2"];
      expect((await runCli(args, { tty: true })).stdout).to.match(/\u001b\[32mInstalled\u001b\[39m/);
      expect((await runCli(args, { tty: true, env: { NO_COLOR: "1" } })).stdout).to.not.match(/\u001b\[/);
      expect((await runCli([...args, "--no-color"], { tty: true })).stdout).to.not.match(/\u001b\[/);
    });
  });

  describe("versions", () => {
    it("shows constraints, fit with the host under Masterminds rules, and the recommendation", async () => {
      const r = await runCli(["versions", "network", ...OFFLINE]);
      expect(r.code).to.equal(0);
      const rows = r.stdout.split("\n").filter((l) => /^1\.\d+\.\d+\s{3}/.test(l)).map((l) => l.trim().split(/\s{3,}/));
      expect(rows).to.deep.equal([
        ["1.1.0", ">=4.1.1-0", ">=1.19.0-0", "yes", "yes", "Multicluster", "-"],
        ["1.3.0", ">=4.2.0-0", ">=1.19.0-0", "no", "-", "Multicluster", "-"],
      ]);
      expect(r.stdout).to.include('1.3.0: ksVersion >=4.2.0-0 rejects v4.1.3');
    });

    it("treats a vendor pre-release Kubernetes version as KubeSphere does", async () => {
      const r = await runCli(["versions", "devops", "--catalog", CATALOG_DIR, "--ks-version", "v4.1.3", "--kube-version", "v1.30.0-tke.1", "-o", "json"]);
      const data = JSON.parse(r.stdout);
      expect(data.versions.map((v: { fits: boolean }) => v.fits), "every kubeVersion ends in -0").to.deep.equal([true, true, true]);
      const strict = JSON.parse((await runCli(["versions", "ob-operator", "--catalog", CATALOG_DIR, "--ks-version", "v4.2.0-rc.1", "--kube-version", "v1.30.4", "-o", "json"])).stdout);
      expect(strict.versions.map((v: { fits: boolean }) => v.fits)).to.deep.equal([true, true]);
    });

    it("lists dependencies and says when a host version is unknown", async () => {
      const r = await runCli(["versions", "whizard-alerting", "--catalog", CATALOG_DIR, "-o", "json"]);
      const v = JSON.parse(r.stdout).versions[0];
      expect(v.fits, "unknown is null in JSON").to.equal(null);
      expect(v.fitReasons).to.deep.equal([
        "ksVersion >=4.0.0-0: the host's KubeSphere version is unknown",
        "kubeVersion >=1.19.0-0: the host's Kubernetes version is unknown",
      ]);
      expect(v.dependencies.map((d: { name: string; required: boolean }) => `${d.name}:${d.required}`))
        .to.deep.equal(["whizard-monitoring:true", "whizard-telemetry:true", "whizard-notification:false"]);
      const table = await runCli(["versions", "whizard-alerting", "--catalog", CATALOG_DIR]);
      expect(table.stdout).to.include("whizard-monitoring >= 0.1.0; whizard-telemetry >= 0.4.3; whizard-notification >= 2.5.0 (optional)");
      expect(table.stdout).to.include("KubeSphere unknown (state it with --ks-version)");
    });

    it("reports an unknown extension with the same suggestion as resolution (exit 1)", async () => {
      const r = await runCli(["versions", "devop", ...OFFLINE]);
      expect(r.code).to.equal(1);
      expect(r.stderr).to.match(/extension "devop" does not exist in static catalog .*; did you mean "devops"\?/);
    });
  });

  describe("show", () => {
    it("shows the recommended version by default with namespace, mode, dependencies, chart and state", async () => {
      const r = await runCli(["show", "ob-operator", ...OFFLINE, "--installed", "ob-operator=2.3.1"]);
      expect(r.code).to.equal(0);
      expect(r.stdout).to.match(/^ob-operator 2\.3\.2 — ob-operator\n/);
      expect(r.stdout).to.match(/Namespace:\s+oceanbase-system\n/);
      expect(r.stdout).to.match(/Installation mode:\s+HostOnly\n/);
      expect(r.stdout).to.match(/Dependencies:\s+cert-manager >= 1\.0\.0-0\n/);
      expect(r.stdout).to.match(/Chart:\s+https:\/\/extensions-museum\.kubesphere-system\.svc\/charts\/ob-operator-2\.3\.2\.tgz\n/);
      expect(r.stdout).to.match(/State:\s+Installed \(installed version 2\.3\.1\)\n/);
    });

    it("shows a given version; a defaulted namespace is called out; json is complete", async () => {
      const r = await runCli(["show", "gateway@1.0.2", ...OFFLINE, "-o", "json"]);
      const d = JSON.parse(r.stdout);
      expect(d).to.deep.include({ name: "gateway", version: "1.0.2", targetNamespace: "extension-gateway", namespaceDefaulted: true, installationMode: "Multicluster", fitsHost: true, state: "" });
      expect(d.description).to.be.a("string").and.not.equal("");
      const table = await runCli(["show", "gateway@1.0.2", ...OFFLINE]);
      expect(table.stdout).to.match(/Namespace:\s+extension-gateway \(default: spec\.namespace is empty\)/);
    });

    it("rejects a version that does not exist, listing those that do (exit 1)", async () => {
      const r = await runCli(["show", "gateway@1.0.3", ...OFFLINE]);
      expect(r.code).to.equal(1);
      expect(r.stderr).to.include('no ExtensionVersion "gateway-1.0.3"; versions that exist: 1.0.2, 1.0.4, 1.0.5');
    });
  });

  describe("plan", () => {
    let tmp: string;
    beforeEach(() => { tmp = fs.mkdtempSync(path.join(os.tmpdir(), "cli-plan-")); });
    afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

    it("prints exactly resolveExtension(...).installPlan for the same input (YAML and JSON)", async () => {
      fs.writeFileSync(path.join(tmp, "values.yaml"), "agent:\n  jenkins:\n    enabled: true   \n");
      fs.writeFileSync(path.join(tmp, "m1.yaml"), "agent:\n  replicas: 2\n");
      const args = ["plan", "devops@1.1.2", ...OFFLINE, "--cluster-names", "host,member1,member2", "--config", "values.yaml",
        "--clusters", "host,member1", "--override", "member1=m1.yaml", "--enabled=false", "--retry", "3"];
      const yamlOut = await runCli(args, { cwd: tmp });
      expect(yamlOut.code, yamlOut.stderr).to.equal(0);
      const expected = (await resolveExtension(fixtureCatalog({ clusters: ["host", "member1", "member2"] }), {
        name: "devops", version: "1.1.2", enabled: false, retry: 3,
        configYaml: "agent:\n  jenkins:\n    enabled: true   \n",
        clusterScheduling: { clusters: ["host", "member1"], overridesYaml: { member1: "agent:\n  replicas: 2\n" } },
      })).installPlan;
      expect(YAML.parse(yamlOut.stdout)).to.deep.equal(expected);
      const jsonOut = await runCli([...args, "-o", "json"], { cwd: tmp });
      expect(JSON.parse(jsonOut.stdout)).to.deep.equal(expected);
    });

    it("satisfies required dependencies with --declare, as other components of the program would", async () => {
      const without = await runCli(["plan", "whizard-alerting@1.0.3", ...OFFLINE]);
      expect(without.code).to.equal(1);
      expect(without.stderr).to.include('extension "whizard-alerting" has 2 problems');
      const r = await runCli(["plan", "whizard-alerting@1.0.3", ...OFFLINE, "--declare", "whizard-monitoring@1.1.1", "--installed", "whizard-telemetry=1.2.2"]);
      expect(r.code, r.stderr).to.equal(0);
      expect(r.stderr).to.include("warning: optional dependency whizard-notification >= 2.5.0 is not satisfied");
      const expected = (await resolveExtension(fixtureCatalog({ installed: { "whizard-telemetry": "1.2.2" } }),
        { name: "whizard-alerting", version: "1.0.3" }, { declared: { "whizard-monitoring": "1.1.1" } })).installPlan;
      expect(YAML.parse(r.stdout)).to.deep.equal(expected);
    });

    it("prints every problem resolution finds and exits 1; -o json/yaml also put them on stdout", async () => {
      const r = await runCli(["plan", "network@1.3.0", ...OFFLINE, "--clusters", "nowhere", "-o", "json"]);
      expect(r.code).to.equal(1);
      const out = JSON.parse(r.stdout);
      expect(out.extension).to.equal("network");
      expect(out.problems).to.have.length(2);
      expect(out.problems[0]).to.match(/requires KubeSphere >=4\.2\.0-0 \(ksVersion\) but the host runs v4\.1\.3.*versions that fit this host: 1\.1\.0/);
      expect(out.problems[1]).to.match(/names cluster\(s\) that do not exist: "nowhere"/);
      const expected = await resolveExtension(fixtureCatalog({ clusters: undefined }), { name: "network", version: "1.3.0", clusterScheduling: { clusters: ["nowhere"] } }).catch((e) => e);
      expect(out.problems).to.deep.equal(expected.problems.map((p: string) => p.replace(/, member1, member2/, "")));
      const asYaml = await runCli(["plan", "network@1.3.0", ...OFFLINE, "--clusters", "nowhere", "-o", "yaml"]);
      expect(asYaml.code).to.equal(1);
      expect(YAML.parse(asYaml.stdout)).to.deep.equal(out);
      const asTable = await runCli(["plan", "network@1.3.0", ...OFFLINE, "--clusters", "nowhere", "-o", "table"]);
      expect(asTable.stdout, "people get the problems on stderr only").to.equal("");
      expect(asTable.stderr).to.include('error: extension "network" has 2 problems:\n  - network 1.3.0 requires KubeSphere');
    });

    it("-o table adds a summary of what was resolved", async () => {
      const r = await runCli(["plan", "ob-operator@2.3.2", ...OFFLINE, "--installed", "cert-manager=1.0.0", "-o", "table"]);
      expect(r.code).to.equal(0);
      expect(r.stdout).to.match(/Target namespace:\s+oceanbase-system/);
      expect(r.stdout).to.match(/Dependencies:\s+cert-manager >= 1\.0\.0-0: installed \(1\.0\.0\)/);
      expect(r.stdout).to.include("kind: InstallPlan");
    });

    it("works offline from a museum index.yaml", async () => {
      const r = await runCli(["plan", "gateway@1.0.5", "--catalog", MUSEUM_INDEX, "--ks-version", "v4.1.3", "--kube-version", "v1.30.4"]);
      expect(r.code, r.stderr).to.equal(0);
      expect(YAML.parse(r.stdout).spec.extension).to.deep.equal({ name: "gateway", version: "1.0.5" });
      expect(r.stderr).to.match(/warning: .*no chart archive found for 36 version/);
    });

    it("versions and show say what a museum index alone cannot tell", async () => {
      const args = ["--catalog", MUSEUM_INDEX, "--ks-version", "v4.1.3", "--kube-version", "v1.30.4"];
      const v = JSON.parse((await runCli(["versions", "devops", ...args, "-o", "json"])).stdout).versions[0];
      expect(v).to.deep.include({ version: "1.1.1", kubeVersion: ">=1.19.0-0", fits: null, installationMode: "unknown" });
      expect(v.fitReasons).to.deep.equal(["spec from the museum index alone: ksVersion, namespace, installationMode and dependencies are unknown (they live in extension.yaml inside the chart archive)"]);
      const table = await runCli(["versions", "devops", ...args]);
      expect(table.stdout).to.include("\n1.1.1, 1.1.2, 1.1.3: spec from the museum index alone");
      const show = await runCli(["show", "devops@1.1.2", ...args]);
      expect(show.stdout).to.match(/Note:\s+spec from the museum index alone/);
    });
  });

  describe("usage errors (exit 2)", () => {
    const cases: Array<[string, string[], RegExp]> = [
      ["no command", [], /no command given; commands: catalog, versions, show, plan, diagnose/],
      ["unknown command", ["instal"], /unknown command "instal"/],
      ["unknown option", ["catalog", "--bogus"], /unknown option --bogus for `catalog`/],
      ["missing positional", ["versions"], /versions needs NAME/],
      ["extra positional", ["catalog", "devops"], /catalog takes no arguments, but got "devops"/],
      ["plan without a version", ["plan", "devops", ...OFFLINE], /needs an exact version: write NAME@VERSION, e.g. devops@1.1.2/],
      ["bad output format", ["catalog", "-o", "xml", ...OFFLINE], /-o "xml" is not an output format; use one of table, json, yaml/],
      ["bad boolean", ["plan", "devops@1.1.2", "--enabled=no", ...OFFLINE], /--enabled is a switch: give --enabled, --enabled=true or --enabled=false, not "no"/],
      ["missing option value", ["catalog", "--catalog"], /--catalog needs a value \(PATH\)/],
      ["unreadable config", ["plan", "devops@1.1.2", "--config", "/nonexistent.yaml", ...OFFLINE], /--config \/nonexistent\.yaml: cannot read it \(ENOENT\)/],
      ["bad --installed", ["catalog", "--catalog", CATALOG_DIR, "--installed", "devops"], /--installed "devops" is not of the form NAME=VERSION/],
      ["bad --override", ["plan", "gateway@1.0.5", "--override", "m1", ...OFFLINE], /--override "m1" is not of the form CLUSTER=FILE/],
      ["bad --retry", ["plan", "gateway@1.0.5", "--retry", "-1", ...OFFLINE], /--retry needs a value \(N\); a value starting with "-" must be written --retry=VALUE/],
      ["negative --retry", ["plan", "gateway@1.0.5", "--retry=-1", ...OFFLINE], /--retry "-1" must be a whole number of at least 0/],
      ["catalog path missing", ["catalog", "--catalog", "/nonexistent"], /--catalog: catalog path \/nonexistent does not exist/],
      ["--installed with a live cluster", ["catalog", "--installed", "a=1"], /--installed only applies to an offline catalog/],
      ["--catalog with --context", ["catalog", "--catalog", CATALOG_DIR, "--context", "x"], /--context and --catalog exclude each other/],
      ["bad --tail", ["diagnose", "devops", "--tail", "0", ...OFFLINE], /--tail "0" must be a positive whole number/],
    ];
    for (const [title, argv, message] of cases) {
      it(title, async () => {
        const r = await runCli(argv);
        expect(r.code, r.stderr).to.equal(2);
        expect(r.stderr).to.match(message);
        expect(r.stderr).to.match(/Run `kubesphere-ext( \w+)? --help` for usage\.\n$/);
        expect(r.stdout).to.equal("");
      });
    }
  });

  describe("help", () => {
    it("documents the exit codes and every command", async () => {
      const r = await runCli(["--help"]);
      expect(r.code).to.equal(0);
      for (const c of ["catalog", "versions NAME", "show NAME[@VERSION]", "plan NAME@VERSION", "diagnose NAME"]) expect(r.stdout).to.include(`  ${c}`);
      expect(r.stdout).to.match(/Exit codes:\n  0 .*\n  1 .*\n  2 .*usage error.*\n  3 .*unreachable/);
    });

    for (const c of ["catalog", "versions", "show", "plan", "diagnose"]) {
      it(`${c} --help shows usage, options, examples and exit codes`, async () => {
        const r = await runCli([c, "--help"]);
        expect(r.code).to.equal(0);
        expect(r.stdout).to.match(new RegExp(`^Usage: kubesphere-ext ${c}`));
        expect(r.stdout).to.include("Examples:\n  kubesphere-ext " + c);
        expect(r.stdout).to.include("Exit codes:");
        expect(r.stdout).to.include("--catalog PATH");
      });
    }

    it("--version prints the package version", async () => {
      const r = await runCli(["--version"]);
      expect(r.code).to.equal(0);
      expect(r.stdout).to.equal(`${JSON.parse(fs.readFileSync(path.resolve(__dirname, "../../package.json"), "utf8")).version}\n`);
    });

    it("`help plan` equals `plan --help`", async () => {
      expect((await runCli(["help", "plan"])).stdout).to.equal((await runCli(["plan", "--help"])).stdout);
    });
  });
});
