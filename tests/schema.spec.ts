/**
 * The multi-language schema of the package, generated offline by the same analyzer that
 * `pulumi package add` runs (PulumiPlugin.yaml `runtime: nodejs`, pulumi-notes §5): every input and
 * output of `KubeSphereExtension` must survive the analyzer with its type and JSDoc.
 */
import { expect } from "chai";
import * as fs from "fs";
import * as path from "path";
import * as YAML from "yaml";
import * as ts from "typescript";
import { KubeSphereProvider } from "../components/provider/provider";
import { generateSchema, schemaText, SCHEMA_PATH } from "../scripts/generate-schema";

const REPO = path.resolve(__dirname, "..");

/** What the TypeScript source declares: the args interface's properties and the class's Output fields. */
function declaredApi(): { inputs: string[]; required: string[]; outputs: string[] } {
  const file = path.join(REPO, "components/extension.ts");
  const source = ts.createSourceFile(file, fs.readFileSync(file, "utf8"), ts.ScriptTarget.ES2022, true);
  const inputs: string[] = [];
  const required: string[] = [];
  const outputs: string[] = [];
  source.forEachChild((n) => {
    // KubeSphereExtensionArgs extends HostArgs and ExtensionRequestArgs: the schema has the members of all three.
    if (ts.isInterfaceDeclaration(n) && ["KubeSphereExtensionArgs", "HostArgs", "ExtensionRequestArgs"].includes(n.name.text)) {
      for (const m of n.members) {
        if (!ts.isPropertySignature(m)) continue;
        inputs.push(m.name.getText(source));
        if (!m.questionToken) required.push(m.name.getText(source));
      }
    }
    if (ts.isClassDeclaration(n) && n.name?.text === "KubeSphereExtension") {
      for (const m of n.members) {
        if (ts.isPropertyDeclaration(m) && m.type && /^pulumi\.Output</.test(m.type.getText(source))) outputs.push(m.name.getText(source));
      }
    }
  });
  return { inputs: inputs.sort(), required: required.sort(), outputs: outputs.sort() };
}

interface Prop { type?: string; $ref?: string; items?: Prop; additionalProperties?: Prop; description?: string; optional?: boolean; plain?: boolean }
interface Schema {
  name: string;
  resources: Record<string, { isComponent?: boolean; inputProperties: Record<string, Prop>; requiredInputs?: string[]; properties: Record<string, Prop>; required?: string[] }>;
  types: Record<string, { properties: Record<string, Prop> }>;
}

describe("multi-language schema (component analyzer)", function () {
  this.timeout(120_000);
  let schema: Schema;

  before(async () => {
    try {
      schema = (await generateSchema()) as unknown as Schema;
    } catch (e) {
      const message = (e as Error).message;
      if (/__pulumiType for resource class 'CustomResource'.*output '(\w+)'/.test(message)) {
        throw new Error(`${message}\nThe analyzer treats every property declaration of the class (public or private) as an output, and ` +
          "a @pulumi/kubernetes CustomResource has no __pulumiType. Keep the InstallPlan child out of the class's fields " +
          "(a local variable in the constructor, or a module-level WeakMap with an exported accessor).");
      }
      throw e;
    }
  });

  it("the provider serves exactly the generated schema (components/provider/schema.json is current)", async () => {
    expect(fs.readFileSync(SCHEMA_PATH, "utf8"), "run: npm run schema").to.equal(schemaText(schema as never));
    expect(JSON.parse(await new KubeSphereProvider().getSchema())).to.deep.equal(schema);
  });

  it("the plugin entry (package.json main) is the provider, not the library: no npm-derived package name", () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(REPO, "package.json"), "utf8"));
    // The language host requires the package directory (its `main`); were that the library, Pulumi's
    // run-plugin would find the exported components and serve them under a name derived from the npm
    // name (`pulumi-kubesphere`), with none of this provider's resources.
    expect(pkg.main).to.equal("bin/components/provider/main.js");
    expect(pkg.exports["."].default).to.equal("./bin/index.js");
    const entry = fs.readFileSync(path.join(REPO, "components/provider/main.ts"), "utf8");
    expect(entry).to.not.match(/^export /m);
  });

  it("marks the kubeconfig inputs secret", () => {
    for (const t of ["kubesphere:index:KubeSphereExtension", "kubesphere:index:KubeSphereExtensionSet"]) {
      expect((schema.resources[t].inputProperties.kubeconfig as Prop & { secret?: boolean }).secret, t).to.equal(true);
    }
  });

  it("PulumiPlugin.yaml declares the nodejs runtime", () => {
    expect(YAML.parse(fs.readFileSync(path.join(REPO, "PulumiPlugin.yaml"), "utf8"))).to.deep.include({ runtime: "nodejs" });
  });

  it("has the component under the token kubesphere:index:KubeSphereExtension", () => {
    expect(schema.name).to.equal("kubesphere");
    expect(Object.keys(schema.resources).sort()).to.deep.equal(["kubesphere:index:KubeSphereExtension", "kubesphere:index:KubeSphereExtensionSet"]);
    expect(schema.resources["kubesphere:index:KubeSphereExtension"].isComponent).to.equal(true);
  });

  it("has every input of KubeSphereExtensionArgs, and the core ones with their types", () => {
    const r = schema.resources["kubesphere:index:KubeSphereExtension"];
    const declared = declaredApi();
    expect(Object.keys(r.inputProperties).sort()).to.deep.equal(declared.inputs);
    expect([...(r.requiredInputs ?? [])].sort()).to.deep.equal(declared.required);
    expect(declared.required).to.deep.equal(["name", "version"]);
    expect(declared.inputs).to.include.members(["name", "version", "enabled", "upgradeStrategy", "config", "configYaml",
      "clusterScheduling", "allowDowngrade", "retry", "kubeconfig", "context", "catalogPaths", "installedExtensions",
      "clusterNames", "ksVersion", "kubeVersion", "timeoutSeconds"]);
    const p = r.inputProperties;
    expect(p.name.type).to.equal("string");
    expect(p.version.type).to.equal("string");
    expect(p.enabled.type).to.equal("boolean");
    expect(p.retry.type).to.match(/^(number|integer)$/);
    expect(p.timeoutSeconds.type).to.match(/^(number|integer)$/);
    expect(p.kubeconfig.type).to.equal("string");
    expect(p.configYaml.type).to.equal("string");
    expect(p.config).to.deep.include({ type: "object", additionalProperties: { $ref: "pulumi.json#/Any" } });
    expect(p.catalogPaths).to.deep.include({ type: "array", items: { type: "string" } });
    expect(p.installedExtensions).to.deep.include({ type: "object", additionalProperties: { type: "string" } });
    expect(p.clusterScheduling.$ref).to.equal("#/types/kubesphere:index:ClusterScheduling");
    for (const [name, prop] of Object.entries(p)) expect(prop.plain, `${name} accepts Inputs`).to.not.equal(true);
  });

  it("describes clusterScheduling and its label selector as object types", () => {
    const cs = schema.types["kubesphere:index:ClusterScheduling"].properties;
    expect(Object.keys(cs).sort()).to.deep.equal(["allowNoClusters", "clusterSelector", "clusters", "overrides", "overridesYaml"]);
    expect(cs.clusterSelector.$ref).to.equal("#/types/kubesphere:index:LabelSelector");
    expect(cs.overridesYaml).to.deep.include({ type: "object", additionalProperties: { type: "string" } });
    const sel = schema.types["kubesphere:index:LabelSelector"].properties;
    expect(Object.keys(sel).sort()).to.deep.equal(["matchExpressions", "matchLabels"]);
    expect(Object.keys(schema.types["kubesphere:index:LabelSelectorRequirement"].properties).sort()).to.deep.equal(["key", "operator", "values"]);
  });

  it("has exactly the component's Output fields as outputs", () => {
    const r = schema.resources["kubesphere:index:KubeSphereExtension"];
    expect(Object.keys(r.properties).sort()).to.deep.equal(declaredApi().outputs);
    expect(Object.keys(r.properties)).to.include.members(["extensionName", "version", "targetNamespace", "installationMode",
      "configHash", "installedVersionAtPreview", "installedDependencies", "previousClusters", "targetClusters", "state",
      "installedVersion", "jobName", "clusterStates", "installPlanSpec"]);
    expect(r.properties.clusterStates).to.deep.include({ type: "object", additionalProperties: { $ref: "#/types/kubesphere:index:ClusterStateOutput" } });
    expect(r.properties.targetClusters).to.deep.include({ type: "array", items: { type: "string" } });
    expect(r.properties.installedVersionAtPreview.optional).to.equal(true);
    expect(r.required ?? []).to.include.members(["extensionName", "version", "state", "configHash"]);
  });

  it("carries the JSDoc of every input, output and type property into the schema", () => {
    const r = schema.resources["kubesphere:index:KubeSphereExtension"];
    const undocumented = [
      ...Object.entries(r.inputProperties).map(([k, v]) => [`input ${k}`, v] as const),
      ...Object.entries(r.properties).map(([k, v]) => [`output ${k}`, v] as const),
      ...Object.entries(schema.types).flatMap(([t, def]) => Object.entries(def.properties).map(([k, v]) => [`${t}.${k}`, v] as const)),
    ].filter(([, v]) => !v.description || v.description.trim() === "").map(([k]) => k);
    expect(undocumented).to.deep.equal([]);
  });

  it("describes the set-level component: its extensions as a list of entry objects, its order as an output", () => {
    const r = schema.resources["kubesphere:index:KubeSphereExtensionSet"];
    expect(r, "KubeSphereExtensionSet is in the schema").to.not.equal(undefined);
    expect(r.requiredInputs).to.include("extensions");
    expect(r.inputProperties.extensions.type).to.equal("array");
    expect(r.properties.order).to.deep.include({ type: "array", items: { type: "string" } });
  });
});
