import { expect } from "chai";
import * as fs from "fs";
import * as path from "path";
import * as ts from "typescript";
import * as YAML from "yaml";

const ROOT = path.resolve(__dirname, "../..");
const EXAMPLES = path.join(ROOT, "examples");
const dirs = fs.readdirSync(EXAMPLES).filter((d) => fs.statSync(path.join(EXAMPLES, d)).isDirectory()).sort();
const runtimeOf = (d: string) => YAML.parse(fs.readFileSync(path.join(EXAMPLES, d, "Pulumi.yaml"), "utf8")).runtime;
/** TypeScript programs import the package; YAML programs use it through `pulumi package add` (the provider). */
const tsDirs = dirs.filter((d) => runtimeOf(d)?.name === "nodejs");
const yamlDirs = dirs.filter((d) => runtimeOf(d) === "yaml" || runtimeOf(d)?.name === "yaml");

describe("examples", function () {
  this.timeout(120_000);

  it("docs/examples.md has one section per example, linking to it", () => {
    const md = fs.readFileSync(path.join(ROOT, "docs/examples.md"), "utf8");
    for (const d of dirs) expect(md, d).to.include(`(../examples/${d})`);
  });

  it("every example is a TypeScript or a YAML program", () => {
    expect([...tsDirs, ...yamlDirs].sort()).to.deep.equal(dirs);
  });

  for (const d of yamlDirs) {
    it(`${d}: a YAML Pulumi project on this package's provider (no node_modules), with a short README`, () => {
      const dir = path.join(EXAMPLES, d);
      const project = YAML.parse(fs.readFileSync(path.join(dir, "Pulumi.yaml"), "utf8"));
      expect(project.description).to.be.a("string").and.not.equal("");
      const types = Object.values(project.resources ?? {}).map((r) => (r as { type: string }).type);
      expect(types.some((t) => t.startsWith("kubesphere:index:"))).to.equal(true);
      expect(fs.existsSync(path.join(dir, "package.json"))).to.equal(false);
      const readme = fs.readFileSync(path.join(dir, "README.md"), "utf8").trim().split("\n").filter((l) => l.trim() !== "");
      expect(readme.length, "title plus 2-4 lines").to.be.within(3, 7);
    });
  }

  for (const d of tsDirs) {
    it(`${d}: a TypeScript Pulumi project on this package, with a short README`, () => {
      const dir = path.join(EXAMPLES, d);
      const project = YAML.parse(fs.readFileSync(path.join(dir, "Pulumi.yaml"), "utf8"));
      expect(project.runtime).to.deep.equal({ name: "nodejs", options: { typescript: true } });
      expect(project.description).to.be.a("string").and.not.equal("");
      const pkg = JSON.parse(fs.readFileSync(path.join(dir, "package.json"), "utf8"));
      expect(pkg.dependencies["@kubesphere-ext/pulumi-kubesphere"]).to.equal("file:../..");
      const readme = fs.readFileSync(path.join(dir, "README.md"), "utf8").trim().split("\n").filter((l) => l.trim() !== "");
      expect(readme.length, "title plus 2-4 lines").to.be.within(3, 7);
    });
  }

  it("every example type-checks against the package sources", () => {
    const program = ts.createProgram(tsDirs.map((d) => path.join(EXAMPLES, d, "index.ts")), {
      target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.CommonJS, moduleResolution: ts.ModuleResolutionKind.Node10,
      strict: true, noEmit: true, esModuleInterop: true, skipLibCheck: true, types: ["node"],
      typeRoots: [path.join(ROOT, "node_modules/@types")], baseUrl: ROOT,
      paths: { "@kubesphere-ext/pulumi-kubesphere": ["index.ts"] },
    });
    const diagnostics = ts.getPreEmitDiagnostics(program).map((x) =>
      `${x.file ? path.relative(ROOT, x.file.fileName) : ""}: ${ts.flattenDiagnosticMessageText(x.messageText, "\n")}`);
    expect(diagnostics).to.deep.equal([]);
  });

  it("examples/quickstart-yaml is the README's YAML program, exactly (the one the e2e tests run)", () => {
    const readme = fs.readFileSync(path.join(ROOT, "README.md"), "utf8");
    const shown = /```yaml\n(name: kubesphere-quickstart-yaml\n[\s\S]*?)```/.exec(readme)?.[1];
    const file = fs.readFileSync(path.join(EXAMPLES, "quickstart-yaml", "Pulumi.yaml"), "utf8");
    expect(shown, "the README shows the program").to.be.a("string");
    expect(file.replace(/^(#.*\n)*/, "")).to.equal(shown);
  });

  it("the offline example points at the shared catalog with stated host versions", () => {
    const src = fs.readFileSync(path.join(EXAMPLES, "offline/index.ts"), "utf8");
    expect(src).to.include('"../../../shared/kubesphere/catalog"');
    expect(fs.existsSync(path.resolve(EXAMPLES, "offline", "../../../shared/kubesphere/catalog"))).to.equal(true);
    expect(src).to.match(/ksVersion: .*"v4\.1\.3"/);
    expect(src).to.match(/kubeVersion: .*"v1\.30\.4"/);
  });
});
