/**
 * The bad-input corpus (issue 12): each entry is one bad input as stack config, another language, a
 * cluster or a museum may produce it, and three expectations on ONE reported problem line: it names
 * the field, says what was wrong, and says what would be valid. The runner is `corpus.spec.ts`.
 */
import type { ClusterFacts } from "../../components/catalog/staticCatalog";
import type { SetResolveContext } from "../../components/resolve/resolveSet";

/** Classes of bad input, as listed in issue 12. */
export type InputClass =
  | "runtime types" | "catalog data" | "YAML" | "size" | "placement" | "duplicates and names" | "unclear messages"
  | "taking over" | "dependencies";

/** How the entry is run. */
export type Run =
  | { kind: "request"; request: unknown; context?: SetResolveContext; facts?: ClusterFacts; docs?: unknown[] }
  | { kind: "set"; requests: unknown[]; context?: SetResolveContext; facts?: ClusterFacts; docs?: unknown[]; unreachable?: boolean }
  | { kind: "common"; args: Record<string, unknown> }
  | { kind: "catalogFile"; file: string; content: string | Buffer; museum?: boolean };

/** One corpus entry. */
export interface CorpusEntry {
  cls: InputClass;
  title: string;
  run: Run;
  /** The problem line must name the field... */
  field: RegExp;
  /** ...say what was wrong... */
  wrong: RegExp;
  /** ...and what would be valid. */
  valid: RegExp;
  /** Text that must NOT appear in any problem (e.g. a secret). */
  never?: string;
}

const MS = { name: "metrics-server", version: "0.7.1" };
const req = (extra: Record<string, unknown>, base: Record<string, unknown> = { name: "devops", version: "1.1.2" }): Run =>
  ({ kind: "request", request: { ...base, ...extra } });
const sched = (cs: Record<string, unknown>, extra: Record<string, unknown> = {}): Run =>
  ({ kind: "request", request: { ...MS, clusterScheduling: cs, ...extra } });

/** An ExtensionVersion document for catalog-data entries. */
export function ev(name: string, version: string, spec: Record<string, unknown> = {}, meta: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    apiVersion: "kubesphere.io/v1alpha1", kind: "ExtensionVersion",
    metadata: { name: `${name}-${version}`, labels: { "kubesphere.io/extension-ref": name }, ...meta },
    spec: { version, ...spec },
  };
}
const evReq = (name: string, version: string, docs: unknown[]): Run => ({ kind: "request", request: { name, version }, docs });

const entries: CorpusEntry[] = [];
const add = (e: CorpusEntry): void => { entries.push(e); };

// ------------------------------------------------------------------------------------------------
// Runtime types: values as stack config (strings) and other languages (JSON-like) deliver them.
// ------------------------------------------------------------------------------------------------
const BAD_BOOLEANS: Array<[unknown, RegExp]> = [
  ["false", /the string "false"/], ["true", /the string "true"/], ["yes", /the string "yes"/],
  [0, /the number 0/], [1, /the number 1/], [{}, /an object/],
];
for (const field of ["enabled", "allowDowngrade", "adopt"]) {
  for (const [value, wrong] of BAD_BOOLEANS) {
    add({ cls: "runtime types", title: `${field}: ${JSON.stringify(value)}`, run: req({ [field]: value }),
      field: new RegExp(`^${field} `), wrong, valid: /must be true or false \(a boolean\)/ });
  }
}
for (const [value, wrong] of BAD_BOOLEANS) {
  add({ cls: "runtime types", title: `clusterScheduling.allowNoClusters: ${JSON.stringify(value)}`,
    run: sched({ clusters: ["member1"], allowNoClusters: value }),
    field: /clusterScheduling\.allowNoClusters/, wrong, valid: /true or false/ });
}
add({ cls: "runtime types", title: 'allowDowngrade: "false" does not silently allow a downgrade',
  run: { kind: "request", request: { name: "devops", version: "1.1.1", allowDowngrade: "false" }, facts: { installed: { devops: "1.1.3" } } },
  field: /allowDowngrade/, wrong: /lower than the installed version 1\.1\.3/, valid: /allowDowngrade: true \(the boolean, not a string\)/ });
for (const field of ["forceDeleteOnDestroy", "strictConfig", "removeWithDependents", "adopt"]) {
  for (const value of ["false", 1]) {
    add({ cls: "runtime types", title: `common ${field}: ${JSON.stringify(value)}`, run: { kind: "common", args: { [field]: value } },
      field: new RegExp(`^${field} `), wrong: typeof value === "string" ? /the string "false"/ : /the number 1/, valid: /true or false/ });
  }
}
const BAD_SECONDS: Array<[unknown, RegExp]> = [
  [NaN, /NaN/], [Infinity, /Infinity/], [-Infinity, /-Infinity/], [-1, /the number -1/], [0, /the number 0/], ["600", /the string "600"/],
];
for (const field of ["timeoutSeconds", "deleteTimeoutSeconds"]) {
  for (const [value, wrong] of BAD_SECONDS) {
    add({ cls: "runtime types", title: `${field}: ${String(value)}`, run: { kind: "common", args: { [field]: value } },
      field: new RegExp(`^${field} `), wrong, valid: /number of seconds greater than 0/ });
  }
}
for (const field of ["catalogPaths", "clusterNames"]) {
  for (const [value, wrong] of [["./catalog", /the string "\.\/catalog"/], [{ a: "b" }, /an object/], [5, /the number 5/]] as Array<[unknown, RegExp]>) {
    add({ cls: "runtime types", title: `${field}: ${JSON.stringify(value)}`, run: { kind: "common", args: { [field]: value } },
      field: new RegExp(`^${field} `), wrong, valid: /must be a list of/ });
  }
}
for (const [value, wrong] of [["member1", /the string "member1"/], [{ member1: true }, /an object/], [1, /the number 1/]] as Array<[unknown, RegExp]>) {
  add({ cls: "runtime types", title: `clusterScheduling.clusters: ${JSON.stringify(value)}`, run: sched({ clusters: value }),
    field: /clusterScheduling\.clusters/, wrong, valid: /must be a list of cluster names/ });
}
add({ cls: "runtime types", title: "clusters as a string gets the list to write", run: sched({ clusters: "member1" }),
  field: /clusterScheduling\.clusters/, wrong: /not the string/, valid: /write \["member1"\]/ });
add({ cls: "runtime types", title: "clusters[1] a number", run: sched({ clusters: ["member1", 2] }),
  field: /clusterScheduling\.clusters\[1\]/, wrong: /the number 2/, valid: /must be a string/ });
for (const [value, wrong] of [[123, /the number 123/], [true, /the boolean true/], [["devops"], /a list/], [{ n: "devops" }, /an object/]] as Array<[unknown, RegExp]>) {
  add({ cls: "runtime types", title: `name: ${JSON.stringify(value)}`, run: { kind: "request", request: { name: value, version: "1.1.2" } },
    field: /^name /, wrong, valid: /must be a string \(the extension name, e\.g\. "devops"\)/ });
}
add({ cls: "runtime types", title: "name missing", run: { kind: "request", request: { version: "1.1.2" } },
  field: /^name /, wrong: /is missing/, valid: /give the extension name, e\.g\. "devops"/ });
for (const [value, wrong] of [[1.1, /the number 1\.1/], [2, /the number 2/]] as Array<[unknown, RegExp]>) {
  add({ cls: "runtime types", title: `version: ${String(value)}`, run: { kind: "request", request: { name: "devops", version: value } },
    field: /^version /, wrong, valid: /must be a string such as "1\.1\.2".*quote it/ });
}
for (const [value, wrong] of [[true, /the boolean true/], [["1.1.2"], /a list/]] as Array<[unknown, RegExp]>) {
  add({ cls: "runtime types", title: `version: ${JSON.stringify(value)}`, run: { kind: "request", request: { name: "devops", version: value } },
    field: /^version /, wrong, valid: /must be a string \(an exact version such as "1\.1\.2"\)/ });
}
add({ cls: "runtime types", title: "version missing", run: { kind: "request", request: { name: "devops" } },
  field: /^version /, wrong: /is missing/, valid: /exact version, e\.g\. "1\.1\.2"/ });
class Widget { size = 1; }
const cyclic: Record<string, unknown> = { a: 1 };
cyclic.self = cyclic;
const CONFIG_VALUES: Array<[string, unknown, RegExp, RegExp]> = [
  ["a function", { hook: () => 1 }, /config\.hook/, /a function/],
  ["a symbol", { s: Symbol("x") }, /config\.s/, /a symbol/],
  ["a BigInt", { big: 10n }, /config\.big/, /is a BigInt/],
  ["a cycle", cyclic, /config\.self/, /a cycle/],
  ["a Date", { when: new Date(0) }, /config\.when/, /an instance of Date/],
  ["a Map", { m: new Map() }, /config\.m/, /an instance of Map/],
  ["a class instance", { w: new Widget() }, /config\.w/, /an instance of Widget/],
  ["NaN", { n: NaN }, /config\.n/, /NaN/],
  ["Infinity", { n: Infinity }, /config\.n/, /Infinity/],
  ["a function in a list", { list: [1, () => 2] }, /config\.list\[1\]/, /a function/],
  ["a Buffer", { b: Buffer.from("x") }, /config\.b/, /an instance of Buffer/],
];
for (const [title, config, field, wrong] of CONFIG_VALUES) {
  add({ cls: "runtime types", title: `config holds ${title}`, run: req({ config }), field, wrong,
    valid: /(plain data|finite number|a number \(up to 2\^53\) or a string|tree of plain data)/ });
}
add({ cls: "runtime types", title: "config as YAML text (its value is never shown)", run: req({ config: "password: hunter2" }),
  field: /^config /, wrong: /not a string/, valid: /use configYaml for YAML text/, never: "hunter2" });
add({ cls: "runtime types", title: "config as a list", run: req({ config: [1] }),
  field: /^config /, wrong: /a list/, valid: /must be an object of Helm values/ });
add({ cls: "runtime types", title: "configYaml as an object", run: req({ configYaml: { a: 1 } }),
  field: /^configYaml /, wrong: /an object/, valid: /must be a string \(YAML text of Helm values\)/ });
add({ cls: "runtime types", title: "configYaml as a list (its value is never shown)", run: req({ configYaml: ["password: hunter2"] }),
  field: /^configYaml /, wrong: /not a list/, valid: /YAML text of Helm values/, never: "hunter2" });
for (const [value, wrong] of [["1", /the string "1"/], [-1, /the number -1/], [1.5, /the number 1\.5/], [NaN, /NaN/]] as Array<[unknown, RegExp]>) {
  add({ cls: "runtime types", title: `retry: ${String(value)}`, run: req({ retry: value }),
    field: /^retry /, wrong, valid: /whole number of at least 0/ });
}
for (const [value, wrong, valid] of [
  [1, /the number 1/, /must be a string \("Manual"\)/],
  ["manual", /"manual" is not valid/, /case-sensitive: write "Manual"/],
  ["AUTOMATIC", /"AUTOMATIC" is not valid/, /write "Automatic"/],
  ["Never", /"Never" is not valid/, /use "Manual"/],
] as Array<[unknown, RegExp, RegExp]>) {
  add({ cls: "runtime types", title: `upgradeStrategy: ${JSON.stringify(value)}`, run: req({ upgradeStrategy: value }),
    field: /^upgradeStrategy /, wrong, valid });
}
add({ cls: "runtime types", title: "kubeconfig as a number is not quoted", run: { kind: "common", args: { kubeconfig: 424242 } },
  field: /^kubeconfig /, wrong: /not a number/, valid: /kubeconfig YAML text/, never: "424242" });
add({ cls: "runtime types", title: "kubeconfig as an object never shows its token", run: { kind: "common", args: { kubeconfig: { token: "s3cr3t-token" } } },
  field: /^kubeconfig /, wrong: /not an object/, valid: /must be a string/, never: "s3cr3t-token" });
add({ cls: "runtime types", title: "context as a number", run: { kind: "common", args: { context: 5 } },
  field: /^context /, wrong: /the number 5/, valid: /kubeconfig context name/ });
add({ cls: "runtime types", title: "ksVersion as a YAML number", run: { kind: "common", args: { ksVersion: 4.13 } },
  field: /^ksVersion /, wrong: /the number 4\.13/, valid: /e\.g\. "v4\.1\.3"/ });
add({ cls: "runtime types", title: "kubeVersion as a boolean", run: { kind: "common", args: { kubeVersion: true } },
  field: /^kubeVersion /, wrong: /the boolean true/, valid: /e\.g\. "v1\.30\.4"/ });
add({ cls: "runtime types", title: "installedExtensions as a string", run: { kind: "common", args: { installedExtensions: "devops=1.1.2" } },
  field: /^installedExtensions /, wrong: /the string "devops=1\.1\.2"/, valid: /mapping of extension name to version/ });
add({ cls: "runtime types", title: "installedExtensions version as a number", run: { kind: "common", args: { installedExtensions: { devops: 1.1 } } },
  field: /installedExtensions\["devops"\]/, wrong: /the number 1\.1/, valid: /must be a string/ });
add({ cls: "runtime types", title: "unknown field with another casing", run: req({ allowdowngrade: true }),
  field: /^allowdowngrade /, wrong: /is not a known field/, valid: /did you mean "allowDowngrade"/ });
add({ cls: "runtime types", title: "misspelt field", run: req({ versoin: "1.1.2" }),
  field: /^versoin /, wrong: /is not a known field/, valid: /valid fields: name, version/ });
add({ cls: "runtime types", title: "unknown clusterScheduling field", run: sched({ clusters: ["member1"], placement: { clusters: ["member1"] } }),
  field: /clusterScheduling\.placement/, wrong: /not a known field/, valid: /valid fields: clusters, clusterSelector/ });
for (const [value, wrong] of [["devops", /not a string/], [[{ name: "devops" }], /not a list/], [42, /not a number/]] as Array<[unknown, RegExp]>) {
  add({ cls: "runtime types", title: `request is ${JSON.stringify(value)}`, run: { kind: "request", request: value },
    field: /^extension /, wrong, valid: /must be an object with at least name and version/ });
}
add({ cls: "runtime types", title: "overrides as YAML text", run: sched({ clusters: ["member1"], overrides: "member1: {}" }),
  field: /clusterScheduling\.overrides/, wrong: /not a string/, valid: /mapping of cluster name to Helm values objects/ });
add({ cls: "runtime types", title: "an override given as text", run: sched({ clusters: ["member1"], overrides: { member1: "replicas: 2" } }),
  field: /clusterScheduling\.overrides\["member1"\]/, wrong: /not a string/, valid: /use overridesYaml for YAML text/, never: "replicas: 2" });
add({ cls: "runtime types", title: "an overridesYaml entry as a number", run: sched({ clusters: ["member1"], overridesYaml: { member1: 2 } }),
  field: /clusterScheduling\.overridesYaml\["member1"\]/, wrong: /not a number/, valid: /YAML text of Helm values/ });
add({ cls: "runtime types", title: "matchLabels value as a number", run: sched({ clusterSelector: { matchLabels: { tier: 1 } } }),
  field: /clusterScheduling\.clusterSelector\.matchLabels\["tier"\]/, wrong: /the number 1/, valid: /label values \(strings\)/ });
add({ cls: "runtime types", title: "matchExpressions as an object", run: sched({ clusterSelector: { matchExpressions: { key: "a" } } }),
  field: /clusterScheduling\.clusterSelector\.matchExpressions/, wrong: /an object/, valid: /list of \{ key, operator, values \}/ });
add({ cls: "runtime types", title: "matchExpressions values as a string", run: sched({ clusterSelector: { matchExpressions: [{ key: "a", operator: "In", values: "x" }] } }),
  field: /matchExpressions\[0\]\.values/, wrong: /the string "x"/, valid: /list of label values/ });
add({ cls: "runtime types", title: "clusterScheduling as a list", run: sched(["member1"] as never),
  field: /^clusterScheduling /, wrong: /a list/, valid: /must be an object \{ clusters, clusterSelector/ });

// ------------------------------------------------------------------------------------------------
// Catalog data as a real cluster or a museum may serve it.
// ------------------------------------------------------------------------------------------------
const ORPHAN = { apiVersion: "kubesphere.io/v1alpha1", kind: "ExtensionVersion", metadata: { name: "orphan-1.0.0", labels: { "kubesphere.io/extension-ref": "orphan" } } };
add({ cls: "catalog data", title: "ExtensionVersion without spec", run: evReq("orphan", "1.0.0", [ORPHAN]),
  field: /"orphan-1\.0\.0"/, wrong: /spec is missing/, valid: /needs at least spec\.version/ });
add({ cls: "catalog data", title: "spec is a string", run: evReq("orphan", "1.0.0", [{ ...ORPHAN, spec: "1.0.0" }]),
  field: /spec must be an object/, wrong: /a string \("1\.0\.0"\)/, valid: /spec\.version/ });
add({ cls: "catalog data", title: "spec.version disagrees with the name", run: evReq("vx", "1.0.0", [ev("vx", "1.0.0", { version: "1.0.1" })]),
  field: /spec\.version "1\.0\.1"/, wrong: /disagrees with the name "vx-1\.0\.0"/, valid: /named `<extension>-<version>`/ });
add({ cls: "catalog data", title: "two ExtensionVersions with one name", run: evReq("dup", "1.0.0", [ev("dup", "1.0.0"), ev("dup", "1.0.0", { namespace: "x" })]),
  field: /"dup-1\.0\.0"/, wrong: /2 ExtensionVersion objects are named "dup-1\.0\.0"/, valid: /keep one/ });
add({ cls: "catalog data", title: "dependency without a name", run: evReq("dn", "1.0.0", [ev("dn", "1.0.0", { externalDependencies: [{ version: ">=1.0.0", required: true }] })]),
  field: /spec\.externalDependencies\[0\]\.name/, wrong: /is missing/, valid: /names the extension it needs/ });
add({ cls: "catalog data", title: "unparsable dependency range", run: evReq("dr", "1.0.0", [ev("dr", "1.0.0", { externalDependencies: [{ name: "devops", version: ">>= one", required: true }] })]),
  field: /spec\.externalDependencies\[0\]\.version/, wrong: /unparsable range/, valid: /Masterminds range such as ">= 1\.0\.0-0"/ });
for (const mode of ["multicluster", "hostonly", "MULTICLUSTER"]) {
  add({ cls: "catalog data", title: `installationMode "${mode}"`, run: evReq("im", "1.0.0", [ev("im", "1.0.0", { installationMode: mode })]),
    field: /spec\.installationMode/, wrong: new RegExp(`"${mode}" is not valid`), valid: /case-sensitive: write "(Multicluster|HostOnly)"/ });
}
add({ cls: "catalog data", title: "installationMode unknown", run: evReq("im", "1.0.0", [ev("im", "1.0.0", { installationMode: "Everywhere" })]),
  field: /spec\.installationMode/, wrong: /"Everywhere" is not valid/, valid: /"HostOnly" or "Multicluster"/ });
add({ cls: "catalog data", title: "spec.version a number", run: evReq("num", "1.0.0", [ev("num", "1.0.0", { version: 1.0 })]),
  field: /spec\.version must be a string/, wrong: /a number/, valid: /must be a string/ });
add({ cls: "catalog data", title: "ksVersion a number", run: evReq("ksn", "1.0.0", [ev("ksn", "1.0.0", { ksVersion: 4.1 })]),
  field: /spec\.ksVersion/, wrong: /a number \(4\.1\)/, valid: /must be a string/ });
add({ cls: "catalog data", title: "keywords a string", run: evReq("kw", "1.0.0", [ev("kw", "1.0.0", { keywords: "monitoring" })]),
  field: /spec\.keywords/, wrong: /a string/, valid: /list of strings/ });
add({ cls: "catalog data", title: "externalDependencies an object", run: evReq("edo", "1.0.0", [ev("edo", "1.0.0", { externalDependencies: { name: "devops" } })]),
  field: /spec\.externalDependencies/, wrong: /an object/, valid: /list of \{ name, version, required \}/ });
add({ cls: "catalog data", title: "dependency required as a string", run: evReq("drs", "1.0.0", [ev("drs", "1.0.0", { externalDependencies: [{ name: "devops", version: ">=1.0.0", required: "true" }] })]),
  field: /spec\.externalDependencies\[0\]\.required/, wrong: /a string \("true"\)/, valid: /true or false/ });
add({ cls: "catalog data", title: "labels with a number value", run: evReq("lb", "1.0.0", [ev("lb", "1.0.0", {}, { labels: { "kubesphere.io/extension-ref": "lb", tier: 1 } })]),
  field: /metadata\.labels\["tier"\]/, wrong: /a number/, valid: /must be a string/ });
add({ cls: "catalog data", title: "existing InstallPlan without spec", run: { kind: "request", request: { name: "devops", version: "1.1.2" },
  docs: [{ apiVersion: "kubesphere.io/v1alpha1", kind: "InstallPlan", metadata: { name: "devops" } }] },
field: /InstallPlan named "devops"/, wrong: /malformed \(spec is missing/, valid: /fix or delete it first/ });
add({ cls: "catalog data", title: "Extension status.installedVersion a number", run: { kind: "request", request: { name: "zz", version: "1.0.0" },
  docs: [{ apiVersion: "kubesphere.io/v1alpha1", kind: "Extension", metadata: { name: "zz" }, status: { installedVersion: 1 } }, ev("zz", "1.0.0")] },
field: /Extension "zz".*status\.installedVersion/, wrong: /must be a string, not a number/, valid: /Fix or re-sync the catalog source/ });
const BOMB = (() => {
  let y = 'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n';
  const l = "abcdefghi";
  for (let i = 1; i < 9; i++) y += `${l[i]}: &${l[i]} [${Array(9).fill(`*${l[i - 1]}`).join(",")}]\n`;
  return y;
})();
export const YAML_BOMB = BOMB;
add({ cls: "catalog data", title: "YAML bomb in a catalog file", run: { kind: "catalogFile", file: "bomb-catalog.yaml", content: BOMB },
  field: /bomb-catalog\.yaml/, wrong: /YAML bomb/, valid: /write the values out/ });
add({ cls: "catalog data", title: "non-UTF-8 catalog file", run: { kind: "catalogFile", file: "latin1.yaml", content: Buffer.from([0x6b, 0x69, 0x6e, 0x64, 0x3a, 0x20, 0xe9, 0x0a]) },
  field: /latin1\.yaml/, wrong: /not valid UTF-8 \(first invalid byte at offset 6\)/, valid: /Re-save the file as UTF-8/ });
add({ cls: "catalog data", title: "catalog file that does not parse", run: { kind: "catalogFile", file: "broken.yaml", content: "kind: [\n" },
  field: /broken\.yaml/, wrong: /invalid YAML at line \d+/, valid: /line \d+, column \d+/ });
add({ cls: "catalog data", title: "YAML bomb in a museum index", run: { kind: "catalogFile", file: "index.yaml", content: `apiVersion: v1\nentries: {}\n${BOMB}`, museum: true },
  field: /index\.yaml/, wrong: /YAML bomb/, valid: /write the values out/ });

// ------------------------------------------------------------------------------------------------
// YAML values.
// ------------------------------------------------------------------------------------------------
add({ cls: "YAML", title: "configYaml bomb", run: req({ configYaml: BOMB }),
  field: /^configYaml /, wrong: /YAML bomb/, valid: /reuse anchors without nesting aliases of aliases/ });
add({ cls: "YAML", title: "overridesYaml bomb", run: sched({ clusters: ["member1"], overridesYaml: { member1: BOMB } }),
  field: /clusterScheduling\.overridesYaml\["member1"\]/, wrong: /YAML bomb/, valid: /write the values out/ });
add({ cls: "YAML", title: "configYaml with a lone surrogate (not UTF-8)", run: req({ configYaml: "a: \uD800x\n" }),
  field: /^configYaml /, wrong: /lone UTF-16 surrogate at character 3/, valid: /Give UTF-8 text/ });
add({ cls: "YAML", title: "config string with a lone surrogate", run: req({ config: { motd: "caf\uDC00" } }),
  field: /config\.motd/, wrong: /lone UTF-16 surrogate/, valid: /U\+FFFD replacement characters\. Give UTF-8 text/ });
add({ cls: "YAML", title: "name with a lone surrogate", run: { kind: "request", request: { name: "dev\uD800", version: "1.1.2" } },
  field: /^name /, wrong: /not valid Unicode text/, valid: /Give UTF-8 text/ });
add({ cls: "YAML", title: "configYaml with two documents", run: req({ configYaml: "a: 1\n---\nb: 2\n" }),
  field: /^configYaml /, wrong: /holds 2 YAML documents/, valid: /must be a single document/ });
add({ cls: "YAML", title: "configYaml a scalar", run: req({ configYaml: "just text" }),
  field: /^configYaml /, wrong: /is a YAML string/, valid: /must be a mapping/ });
add({ cls: "YAML", title: "configYaml with a tab indent", run: req({ configYaml: "a:\n\tb: 1\n" }),
  field: /^configYaml /, wrong: /does not parse as YAML at line 2/, valid: /column/ });
add({ cls: "YAML", title: "configYaml with an undefined alias", run: req({ configYaml: "a: *nope\n" }),
  field: /^configYaml /, wrong: /the alias \*nope has no anchor/, valid: /&nope before it in the same document/ });

// ------------------------------------------------------------------------------------------------
// Size: the plan must fit etcd's default 1.5 MiB request limit.
// ------------------------------------------------------------------------------------------------
add({ cls: "size", title: "2 MiB config string", run: req({ config: { blob: "x".repeat(2 * 1024 * 1024) } }),
  field: /the InstallPlan would be 2\.\d\d MiB/, wrong: /more than the API server can store/, valid: /etcd's default request limit is 1\.5 MiB \(1572864 bytes/ });
add({ cls: "size", title: "1.6 MiB configYaml", run: req({ configYaml: `blob: ${"y".repeat(1.6 * 1024 * 1024)}\n` }),
  field: /Its config is 1\.60 MiB/, wrong: /more than the API server can store/, valid: /move large values .* into a ConfigMap/ });
add({ cls: "size", title: "overrides that add up past the limit", run: sched({ clusters: ["member1", "member2"],
  overrides: { member1: { a: "z".repeat(900 * 1024) }, member2: { a: "z".repeat(900 * 1024) } } }),
field: /the InstallPlan would be 1\.\d\d MiB/, wrong: /more than the API server can store/, valid: /1\.5 MiB/ });

// ------------------------------------------------------------------------------------------------
// Placement: selectors as Kubernetes validates them; nothing targeted unless asked; overrides that apply.
// ------------------------------------------------------------------------------------------------
const expr = (e: Record<string, unknown>): Run => sched({ clusterSelector: { matchExpressions: [e] } });
add({ cls: "placement", title: 'operator "in"', run: expr({ key: "region", operator: "in", values: ["eu"] }),
  field: /matchExpressions\[0\]\.operator/, wrong: /"in" is not valid/, valid: /case-sensitive: write "In"/ });
add({ cls: "placement", title: 'operator "Equals"', run: expr({ key: "region", operator: "Equals", values: ["eu"] }),
  field: /matchExpressions\[0\]\.operator/, wrong: /"Equals" is not valid/, valid: /use one of In, NotIn, Exists, DoesNotExist/ });
add({ cls: "placement", title: "In without values", run: expr({ key: "region", operator: "In" }),
  field: /matchExpressions\[0\]\.values/, wrong: /must be non-empty when operator is In/, valid: /list the label values to match/ });
add({ cls: "placement", title: "NotIn with empty values", run: expr({ key: "region", operator: "NotIn", values: [] }),
  field: /matchExpressions\[0\]\.values/, wrong: /non-empty when operator is NotIn/, valid: /list the label values/ });
add({ cls: "placement", title: "Exists with values", run: expr({ key: "region", operator: "Exists", values: ["eu"] }),
  field: /matchExpressions\[0\]\.values/, wrong: /must be empty when operator is Exists/, valid: /remove values/ });
add({ cls: "placement", title: "DoesNotExist with values", run: expr({ key: "region", operator: "DoesNotExist", values: ["eu"] }),
  field: /matchExpressions\[0\]\.values/, wrong: /must be empty when operator is DoesNotExist/, valid: /remove values/ });
add({ cls: "placement", title: "key starting with '-'", run: expr({ key: "-region", operator: "Exists" }),
  field: /matchExpressions\[0\]\.key "-region"/, wrong: /must consist of/, valid: /start and end with a letter or digit/ });
add({ cls: "placement", title: "key with two slashes", run: expr({ key: "a/b/c", operator: "Exists" }),
  field: /matchExpressions\[0\]\.key "a\/b\/c"/, wrong: /more than one '\/'/, valid: /`name` or `prefix\/name`/ });
add({ cls: "placement", title: "key prefix upper-case", run: expr({ key: "Example.com/region", operator: "Exists" }),
  field: /key "Example\.com\/region"/, wrong: /prefix "Example\.com"/, valid: /lower-case letters/ });
add({ cls: "placement", title: "key name longer than 63", run: expr({ key: `k${"x".repeat(63)}`, operator: "Exists" }),
  field: /matchExpressions\[0\]\.key/, wrong: /name part of 64 characters/, valid: /at most 63/ });
add({ cls: "placement", title: "empty key", run: expr({ key: "", operator: "Exists" }),
  field: /matchExpressions\[0\]\.key ""/, wrong: /is empty/, valid: /`name` or `prefix\/name`/ });
add({ cls: "placement", title: "value longer than 63", run: expr({ key: "region", operator: "In", values: ["v".repeat(64)] }),
  field: /matchExpressions\[0\]\.values\[0\]/, wrong: /64 characters long/, valid: /at most 63/ });
add({ cls: "placement", title: "value with a space", run: sched({ clusterSelector: { matchLabels: { region: "eu west" } } }),
  field: /matchLabels\["region"\]/, wrong: /label value "eu west"/, valid: /letters, digits, '-', '_' and '\.'/ });
add({ cls: "placement", title: "matchLabels key with a space", run: sched({ clusterSelector: { matchLabels: { "my region": "eu" } } }),
  field: /matchLabels\["my region"\]/, wrong: /label key "my region"/, valid: /start and end with a letter or digit/ });
add({ cls: "placement", title: "requirement without operator", run: expr({ key: "region" }),
  field: /matchExpressions\[0\]\.operator/, wrong: /is missing/, valid: /In, NotIn, Exists or DoesNotExist/ });
add({ cls: "placement", title: "selector that matches no cluster", run: sched({ clusterSelector: { matchLabels: { region: "mars" } } }),
  field: /clusterScheduling\.clusterSelector/, wrong: /matches no Cluster/, valid: /allowNoClusters: true/ });
add({ cls: "placement", title: "explicit empty placement", run: sched({}),
  field: /^clusterScheduling /, wrong: /neither clusters nor a clusterSelector/, valid: /allowNoClusters: true/ });
add({ cls: "placement", title: "explicit empty clusters list", run: sched({ clusters: [] }),
  field: /^clusterScheduling /, wrong: /removes metrics-server's agents from every member cluster/, valid: /give a clusterSelector \(\{\} selects all\)/ });
add({ cls: "placement", title: "overrides without any placement", run: sched({ overrides: { member1: { a: 1 } } }),
  field: /clusterScheduling\.overrides for "member1"/, wrong: /can never apply: there is no placement/, valid: /list those clusters in clusterScheduling\.clusters/ });
add({ cls: "placement", title: "override for a cluster outside the list", run: sched({ clusters: ["member1"], overrides: { member2: { a: 1 } } }),
  field: /clusterScheduling\.overrides for "member2"/, wrong: /not selected by the placement \(clusters "member1"/, valid: /add them to the placement or remove their overrides/ });
add({ cls: "placement", title: "override for a cluster outside the selector", run: sched({ clusterSelector: { matchLabels: { "cluster-role.kubesphere.io/host": "" } }, overridesYaml: { member1: "a: 1" } }),
  field: /clusterScheduling\.overrides for "member1"/, wrong: /not selected by the placement \(clusterSelector/, valid: /which selects "host"/ });
add({ cls: "placement", title: "both clusters and clusterSelector", run: sched({ clusters: ["member1"], clusterSelector: {} }),
  field: /^clusterScheduling gives both clusters and clusterSelector/, wrong: /silently ignore the selector/, valid: /Give one of them/ });
add({ cls: "placement", title: "clusterScheduling removed from a placed plan (agents would silently stay)",
  run: { kind: "request", request: { ...MS }, docs: [{ apiVersion: "kubesphere.io/v1alpha1", kind: "InstallPlan", metadata: { name: "metrics-server" },
    spec: { extension: MS, enabled: true, clusterScheduling: { placement: { clusters: ["member1"] } } } }] },
  field: /^clusterScheduling is not set, but the existing InstallPlan "metrics-server" places agents by clusters "member1"/,
  wrong: /does NOT uninstall them/, valid: /clusterScheduling: \{ clusters: \[\], allowNoClusters: true \} to uninstall every agent/ });
add({ cls: "placement", title: "empty cluster name", run: sched({ clusters: ["member1", ""] }),
  field: /clusterScheduling\.clusters\[1\] ""/, wrong: /is empty/, valid: /not a valid cluster name/ });
add({ cls: "placement", title: "whitespace cluster name", run: sched({ clusters: [" member1"] }),
  field: /clusterScheduling\.clusters\[0\] " member1"/, wrong: /leading or trailing whitespace/, valid: /never trimmed/ });
add({ cls: "placement", title: "override key empty", run: sched({ clusters: ["member1"], overrides: { "": { a: 1 } } }),
  field: /clusterScheduling\.overrides key ""/, wrong: /is empty/, valid: /not a valid cluster name/ });
add({ cls: "placement", title: "unknown cluster", run: sched({ clusters: ["member9"] }),
  field: /clusterScheduling names cluster\(s\)/, wrong: /do not exist: "member9"/, valid: /clusters that exist: host, member1, member2/ });
add({ cls: "placement", title: "duplicate cluster", run: sched({ clusters: ["member1", "member1"] }),
  field: /clusterScheduling\.clusters lists "member1" more than once/, wrong: /rejects duplicates/, valid: /list each cluster once/ });
add({ cls: "placement", title: "clusterScheduling on a HostOnly extension", run: { kind: "request", request: { name: "grafana", version: "10.4.1", clusterScheduling: { clusters: ["member1"] } } },
  field: /clusterScheduling is set/, wrong: /is HostOnly/, valid: /remove clusterScheduling/ });

// ------------------------------------------------------------------------------------------------
// Duplicates and names: one InstallPlan per extension, names never trimmed.
// ------------------------------------------------------------------------------------------------
add({ cls: "duplicates and names", title: "one extension twice in a set", run: { kind: "set", requests: [{ name: "devops", version: "1.1.2" }, { name: "grafana", version: "10.4.1" }, { name: "devops", version: "1.1.3" }] },
  field: /extensions\[0\] and extensions\[2\]/, wrong: /all declare "devops": each becomes the InstallPlan "devops"/, valid: /declare each extension once/ });
add({ cls: "duplicates and names", title: "member also passed in dependsOn", run: { kind: "set", requests: [{ name: "devops", version: "1.1.2" }, { name: "grafana", version: "10.4.1" }], context: { declared: { devops: "1.1.2" } } },
  field: /"devops" is also passed in `dependsOn`/, wrong: /both would write the InstallPlan "devops"/, valid: /declare it once/ });
for (const [name, wrong] of [[" vector", /leading or trailing whitespace/], ["vector ", /leading or trailing whitespace/]] as Array<[string, RegExp]>) {
  add({ cls: "duplicates and names", title: `name ${JSON.stringify(name)}`, run: { kind: "request", request: { name, version: "1.0.0" } },
    field: new RegExp(`^name ${JSON.stringify(name).replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}`), wrong, valid: /write "vector"/ });
}
for (const name of ["Vector", "dev_ops", "a".repeat(64), "-devops"]) {
  add({ cls: "duplicates and names", title: `name ${JSON.stringify(name.slice(0, 20))}`, run: { kind: "request", request: { name, version: "1.0.0" } },
    field: /^name "/, wrong: /is not a valid extension name/, valid: /DNS-1123 subdomain of at most 63 characters/ });
}
add({ cls: "duplicates and names", title: "name only whitespace", run: { kind: "request", request: { name: "   ", version: "1.0.0" } },
  field: /^name "   "/, wrong: /is only whitespace/, valid: /e\.g\. `devops`/ });
add({ cls: "duplicates and names", title: "set member problems are prefixed with the member", run: { kind: "set", requests: [{ name: "devops", version: "1.1.2" }, { name: "whizard-monitoring", version: "1.1.1", enabled: "yes" }], context: { declared: { "whizard-telemetry": "1.2.2" } } },
  field: /^extensions\[1\] \(whizard-monitoring\): enabled/, wrong: /the string "yes"/, valid: /true or false/ });

// ------------------------------------------------------------------------------------------------
// Messages that were unclear.
// ------------------------------------------------------------------------------------------------
add({ cls: "unclear messages", title: "name: 123 no longer says empty", run: { kind: "request", request: { name: 123, version: "1.0.0" } },
  field: /^name /, wrong: /not the number 123/, valid: /must be a string/ });
add({ cls: "unclear messages", title: "empty cluster name is visible", run: sched({ clusters: [""] }),
  field: /clusters\[0\] ""/, wrong: /is empty/, valid: /valid cluster name/ });
add({ cls: "unclear messages", title: "self-dependency advice", run: evReq("selfie", "1.0.0", [ev("selfie", "1.0.0", { externalDependencies: [{ name: "selfie", version: ">=1.0.0", required: true }] })]),
  field: /lists itself in spec\.externalDependencies/, wrong: /error in the catalog, not in your program/, valid: /use another version of selfie or ask its publisher/ });
add({ cls: "unclear messages", title: "ksVersion range that does not parse", run: evReq("ksr", "1.0.0", [ev("ksr", "1.0.0", { ksVersion: ">= four" })]),
  field: /\(ksVersion\)/, wrong: /unparsable constraint/, valid: /no version of it fits this host|versions that fit this host/ });

// ------------------------------------------------------------------------------------------------
// Nothing is taken over.
// ------------------------------------------------------------------------------------------------
const plan = (annotations: Record<string, string>): Record<string, unknown> => ({
  apiVersion: "kubesphere.io/v1alpha1", kind: "InstallPlan", metadata: { name: "devops", annotations },
  spec: { extension: { name: "devops", version: "1.1.2" }, enabled: true },
});
add({ cls: "taking over", title: "existing plan from the console", run: { kind: "request", request: { name: "devops", version: "1.1.2" }, docs: [plan({})], context: { stack: "proj/dev" } },
  field: /InstallPlan named "devops" already exists/, wrong: /no kubesphere-ext\.io\/managed-by-stack annotation/, valid: /set adopt: true .*or import it first with `pulumi import kubernetes:kubesphere\.io\/v1alpha1:InstallPlan <resource name> devops`/ });
add({ cls: "taking over", title: "existing plan of another stack", run: { kind: "request", request: { name: "devops", version: "1.1.2" }, docs: [plan({ "kubesphere-ext.io/managed-by-stack": "proj/prod" })], context: { stack: "proj/dev" } },
  field: /InstallPlan named "devops"/, wrong: /managed by the stack "proj\/prod"/, valid: /set adopt: true/ });
add({ cls: "taking over", title: 'adopt: "true" is not adoption', run: { kind: "request", request: { name: "devops", version: "1.1.2", adopt: "true" }, docs: [plan({})], context: { stack: "proj/dev" } },
  field: /^adopt /, wrong: /the string "true"/, valid: /true or false/ });
add({ cls: "taking over", title: "set member over a foreign plan", run: { kind: "set", requests: [{ name: "devops", version: "1.1.2" }, { name: "grafana", version: "10.4.1" }], docs: [plan({})], context: { stack: "proj/dev" } },
  field: /^extensions\[0\] \(devops\): an InstallPlan named "devops"/, wrong: /not created by this stack \(proj\/dev\)/, valid: /extensions\[0\]\.adopt|adopt: true/ });

// ------------------------------------------------------------------------------------------------
// Dependencies, cycles, and an unreachable catalog never hiding shape errors.
// ------------------------------------------------------------------------------------------------
add({ cls: "dependencies", title: "required dependency neither member, declared nor installed", run: { kind: "request", request: { name: "ob-operator", version: "2.3.2" } },
  field: /requires extension cert-manager >= 1\.0\.0-0/, wrong: /neither declared .* nor installed/, valid: /add cert-manager at a satisfying version to the KubeSphereExtensionSet, or declare it as a KubeSphereExtension and pass that resource in this extension's `dependsOn`/ });
add({ cls: "dependencies", title: "cycle in a set", run: { kind: "set", requests: [{ name: "cyc-a", version: "1.0.0" }, { name: "cyc-b", version: "1.0.0" }],
  docs: [ev("cyc-a", "1.0.0", { externalDependencies: [{ name: "cyc-b", version: ">=1.0.0", required: true }] }), ev("cyc-b", "1.0.0", { externalDependencies: [{ name: "cyc-a", version: ">=1.0.0", required: true }] })] },
field: /cyc-a -> cyc-b -> cyc-a/, wrong: /depend on each other in a cycle/, valid: /choose versions that do not require each other/ });
add({ cls: "dependencies", title: "unreachable catalog does not hide a shape error (shape)", run: { kind: "set", requests: [{ name: "devops", version: "1.1.2", enabled: "false" }, { name: "grafana", version: "10.4.1" }], unreachable: true },
  field: /extensions\[0\] \(devops\): enabled/, wrong: /the string "false"/, valid: /true or false/ });
add({ cls: "dependencies", title: "unreachable catalog does not hide a shape error (catalog)", run: { kind: "set", requests: [{ name: "devops", version: "1.1.2", enabled: "false" }, { name: "grafana", version: "10.4.1" }], unreachable: true },
  field: /cannot read the catalog \(the unreachable cluster\)/, wrong: /connect ECONNREFUSED/, valid: /cannot read the catalog/ });
add({ cls: "dependencies", title: "member declared at a version that does not satisfy", run: { kind: "set", requests: [{ name: "whizard-telemetry", version: "1.0.0" }, { name: "whizard-monitoring", version: "1.1.1" }] },
  field: /extensions\[1\] \(whizard-monitoring\)/, wrong: /declared in this set at 1\.0\.0, which does not satisfy >= 1\.2\.1-0/, valid: /at a satisfying version/ });

/** Every entry. */
export const CORPUS: readonly CorpusEntry[] = entries;
