/**
 * Runtime-type validation of raw user input. Values reach the components from TypeScript, from stack
 * config (where everything is a string: `"false"`, `"3"`), and from YAML/Python/Go programs through
 * the engine as plain JSON-like values, so the declared TypeScript types prove nothing. Every field
 * is checked for its type here, with a message that names the field, says what was found and what
 * would be valid. Nothing is coerced: `"false"` is not a boolean and `" vector"` is not trimmed.
 *
 * `null` in an optional field means "not set" (YAML `key:` with no value, Python `None`, Go nil).
 *
 * Pure: no catalog, no I/O. Semantic checks that need no catalog (name syntax, exact versions, YAML,
 * selector syntax, size) are in `requestChecks.ts`.
 */
import { unicodeProblem } from "../config/text";
import type { LabelSelector } from "../kubesphere/types";
import { CLUSTER_SCHEDULING_FIELDS, ClusterSchedulingRequest, EXTENSION_REQUEST_FIELDS, ExtensionRequest } from "./request";

/** One problem with user input. */
export interface InputProblem {
  /** Where: the field path, e.g. `extensions[1].clusterScheduling.clusters[0]`. */
  path: string;
  /** What was wrong and what would be valid, naming the field. */
  message: string;
}

/** The non-request arguments shared by `KubeSphereExtension` and `KubeSphereExtensionSet`, type-checked. */
export interface CommonArgs {
  /** Kubeconfig YAML text (a secret: its value never appears in messages). */
  kubeconfig?: string;
  /** Kubeconfig context name. */
  context?: string;
  /** Offline catalog files or directories. */
  catalogPaths?: string[];
  /** Offline catalog: extensions already installed, `name -> version`. */
  installedExtensions?: Record<string, string>;
  /** Offline catalog: cluster names known to the host. */
  clusterNames?: string[];
  /** KubeSphere version of the host. */
  ksVersion?: string;
  /** Kubernetes version of the host. */
  kubeVersion?: string;
  /** Seconds to wait for the install (positive, finite). */
  timeoutSeconds?: number;
  /** Seconds to wait for the uninstall (positive, finite). */
  deleteTimeoutSeconds?: number;
  /** Add `kubesphere.io/force-delete` before deleting. */
  forceDeleteOnDestroy?: boolean;
  /** Also remove extensions that require this one when it is removed. */
  removeWithDependents?: boolean;
  /** Take over existing InstallPlans not created by this stack. */
  adopt?: boolean;
  /** Directory of chart archives. */
  chartsPath?: string;
  /** Treat config keys the chart does not declare as errors. */
  strictConfig?: boolean;
}

/** `a.b`, or `b` at the top level. */
export function fieldPath(path: string | undefined, field: string): string {
  return path ? `${path}.${field}` : field;
}

/** `a["key"]`: keys are quoted so empty and whitespace keys stay visible. */
export function keyPath(path: string, key: string): string {
  return `${path}[${JSON.stringify(key)}]`;
}

/** How a value is described in messages: its type and, for short scalars, the value itself. */
export function describeValue(v: unknown): string {
  if (v === null) return "null";
  if (v === undefined) return "undefined";
  if (Array.isArray(v)) return `a list (${JSON.stringify(v).slice(0, 60)})`;
  switch (typeof v) {
    case "string": return `the string ${JSON.stringify(v.length > 80 ? `${v.slice(0, 80)}...` : v)}`;
    case "number": return Number.isNaN(v) ? "NaN" : !Number.isFinite(v) ? (v > 0 ? "Infinity" : "-Infinity") : `the number ${v}`;
    case "boolean": return `the boolean ${v}`;
    case "bigint": return `the BigInt ${v}n`;
    case "symbol": return `a symbol (${String(v.description ?? "")})`;
    case "function": return "a function";
    default: {
      const proto = Object.getPrototypeOf(v);
      if (proto !== null && proto !== Object.prototype) return `an instance of ${proto?.constructor?.name ?? "a class"}`;
      return "an object";
    }
  }
}

/**
 * The type of a value without the value itself, for fields that may hold secrets (Helm values,
 * kubeconfig): `a string`, `a list`, `an instance of Date`, ...
 */
export function describeType(v: unknown): string {
  if (v === null) return "null";
  if (v === undefined) return "undefined";
  if (Array.isArray(v)) return "a list";
  switch (typeof v) {
    case "number": return Number.isFinite(v) ? "a number" : describeValue(v);
    case "bigint": return "a BigInt";
    case "object": return describeValue(v);
    default: return `a ${typeof v}`;
  }
}

/** True for `{...}` literals and `Object.create(null)`, false for class instances and arrays. */
export function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (v === null || typeof v !== "object" || Array.isArray(v)) return false;
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

const STACK_CONFIG_BOOLEAN_HINT = "stack config values are strings: read them with `config.requireBoolean(...)` " +
  "(or `config.getBoolean`) instead of `config.require(...)`";
const STACK_CONFIG_NUMBER_HINT = "stack config values are strings: read them with `config.requireNumber(...)`";

/** Collects problems for one object. */
class Checker {
  readonly problems: InputProblem[] = [];
  add(path: string, message: string): void {
    this.problems.push({ path, message: message.startsWith(path) ? message : `${path} ${message}` });
  }

  string(path: string, v: unknown, what: string, secret = false): string | undefined {
    if (v === undefined || v === null) return undefined;
    if (typeof v !== "string") {
      this.add(path, `must be a string (${what}), not ${secret ? describeType(v) : describeValue(v)}`);
      return undefined;
    }
    const u = unicodeProblem(v);
    if (u) {
      this.add(path, u);
      return undefined;
    }
    return v;
  }

  boolean(path: string, v: unknown): boolean | undefined {
    if (v === undefined || v === null) return undefined;
    if (typeof v === "boolean") return v;
    const hint = typeof v === "string" && /^(true|false|yes|no|0|1)$/i.test(v.trim()) ? `; ${STACK_CONFIG_BOOLEAN_HINT}` : "";
    this.add(path, `must be true or false (a boolean), not ${describeValue(v)}; strings are never read as booleans${hint}`);
    return undefined;
  }

  positiveNumber(path: string, v: unknown, unit: string): number | undefined {
    if (v === undefined || v === null) return undefined;
    if (typeof v !== "number") {
      const hint = typeof v === "string" && v.trim() !== "" && Number.isFinite(Number(v)) ? `; ${STACK_CONFIG_NUMBER_HINT}` : "";
      this.add(path, `must be a number of ${unit} greater than 0, not ${describeValue(v)}${hint}`);
      return undefined;
    }
    if (!Number.isFinite(v) || v <= 0) {
      this.add(path, `must be a finite number of ${unit} greater than 0, not ${describeValue(v)}`);
      return undefined;
    }
    return v;
  }

  stringList(path: string, v: unknown, what: string, example: string): string[] | undefined {
    if (v === undefined || v === null) return undefined;
    if (!Array.isArray(v)) {
      const hint = typeof v === "string" ? `; write [${JSON.stringify(v)}]` : "";
      this.add(path, `must be a list of ${what} (e.g. ${example}), not ${describeValue(v)}${hint}`);
      return undefined;
    }
    const out: string[] = [];
    let ok = true;
    v.forEach((item, i) => {
      const s = this.string(`${path}[${i}]`, item, `one of the ${what}`);
      if (s === undefined) ok = false;
      else out.push(s);
    });
    return ok ? out : undefined;
  }

  stringMap(path: string, v: unknown, what: string, example: string, secret = false): Record<string, string> | undefined {
    if (v === undefined || v === null) return undefined;
    if (!isPlainObject(v)) {
      this.add(path, `must be a mapping of ${what} (e.g. ${example}), not ${secret ? describeType(v) : describeValue(v)}`);
      return undefined;
    }
    const out: Record<string, string> = {};
    let ok = true;
    for (const [k, item] of Object.entries(v)) {
      const kp = unicodeProblem(k);
      if (kp) { this.add(keyPath(path, k), `key ${kp}`); ok = false; continue; }
      const s = this.string(keyPath(path, k), item, what, secret);
      if (s === undefined) ok = false;
      else out[k] = s;
    }
    return ok ? out : undefined;
  }

  /** Rejects fields that are not known, naming the closest known one. */
  unknownFields(path: string | undefined, obj: Record<string, unknown>, known: readonly string[]): void {
    for (const [k, v] of Object.entries(obj)) {
      if (v === undefined || v === null || known.includes(k)) continue;
      const close = known.find((f) => f.toLowerCase() === k.toLowerCase());
      this.add(fieldPath(path, k), `is not a known field${close ? `; did you mean ${JSON.stringify(close)}?` : ""} ` +
        `(valid fields: ${known.join(", ")}); an unknown field would be silently ignored`);
    }
  }

  /**
   * Helm values: plain data only (objects, lists, strings, finite numbers, booleans, null). Functions,
   * symbols, BigInt, class instances, NaN/Infinity and cycles have no YAML/JSON form the chart could read.
   */
  values(path: string, v: unknown, ancestors: unknown[] = []): void {
    if (v === null || typeof v === "boolean") return;
    if (typeof v === "string") {
      const u = unicodeProblem(v);
      if (u) this.add(path, u);
      return;
    }
    if (typeof v === "number") {
      if (!Number.isFinite(v)) this.add(path, `is ${describeValue(v)}, which has no JSON form Helm can read; give a finite number or a string`);
      return;
    }
    if (typeof v === "bigint") {
      this.add(path, `is ${describeType(v)}; Helm values cannot hold BigInt — give a number (up to 2^53) or a string`);
      return;
    }
    if (typeof v === "function" || typeof v === "symbol" || v === undefined) {
      this.add(path, `is ${describeValue(v)}; Helm values are plain data: objects, lists, strings, numbers, booleans and null`);
      return;
    }
    if (ancestors.includes(v)) {
      this.add(path, "refers back to an object that contains it (a cycle); Helm values must be a tree of plain data");
      return;
    }
    if (Array.isArray(v)) {
      v.forEach((item, i) => this.values(`${path}[${i}]`, item, [...ancestors, v]));
      return;
    }
    if (!isPlainObject(v)) {
      this.add(path, `is ${describeValue(v)}, not plain data; Helm values are objects, lists, strings, numbers, booleans and null` +
        " (convert dates and other objects to strings first)");
      return;
    }
    if (Object.getOwnPropertySymbols(v).length > 0) {
      this.add(path, "has symbol keys; Helm values need string keys");
    }
    for (const [k, item] of Object.entries(v)) {
      const kp = unicodeProblem(k);
      if (kp) { this.add(keyPath(path, k), `key ${kp}`); continue; }
      if (item === undefined) continue; // like JSON: an undefined property is absent
      this.values(`${path}.${/^[A-Za-z_][A-Za-z0-9_-]*$/.test(k) ? k : JSON.stringify(k)}`, item, [...ancestors, v]);
    }
  }
}

function parseSelector(c: Checker, path: string, v: unknown): LabelSelector | undefined {
  if (v === undefined || v === null) return undefined;
  if (!isPlainObject(v)) {
    c.add(path, `must be a label selector object ({ matchLabels: {...}, matchExpressions: [...] }), not ${describeValue(v)}`);
    return undefined;
  }
  const before = c.problems.length;
  c.unknownFields(path, v, ["matchLabels", "matchExpressions"]);
  const matchLabels = c.stringMap(fieldPath(path, "matchLabels"), v.matchLabels, "label values (strings)",
    '{ "region": "eu" }');
  let matchExpressions: LabelSelector["matchExpressions"];
  const mePath = fieldPath(path, "matchExpressions");
  if (v.matchExpressions !== undefined) {
    if (!Array.isArray(v.matchExpressions)) {
      c.add(mePath, `must be a list of { key, operator, values } requirements, not ${describeValue(v.matchExpressions)}`);
    } else {
      matchExpressions = [];
      v.matchExpressions.forEach((e, i) => {
        const p = `${mePath}[${i}]`;
        if (!isPlainObject(e)) {
          c.add(p, `must be a requirement object { key, operator, values }, not ${describeValue(e)}`);
          return;
        }
        c.unknownFields(p, e, ["key", "operator", "values"]);
        const key = c.string(fieldPath(p, "key"), e.key, "a label key");
        if (e.key === undefined) c.add(fieldPath(p, "key"), "is missing; give the label key the requirement tests");
        const operator = c.string(fieldPath(p, "operator"), e.operator, "In, NotIn, Exists or DoesNotExist");
        if (e.operator === undefined) c.add(fieldPath(p, "operator"), "is missing; use In, NotIn, Exists or DoesNotExist");
        const values = c.stringList(fieldPath(p, "values"), e.values, "label values (strings)", '["eu", "us"]');
        if (key !== undefined && operator !== undefined) {
          matchExpressions!.push({ key, operator: operator as "In", ...(values !== undefined ? { values } : {}) });
        }
      });
    }
  }
  if (c.problems.length > before) return undefined;
  return {
    ...(matchLabels !== undefined ? { matchLabels } : {}),
    ...(matchExpressions !== undefined ? { matchExpressions } : {}),
  };
}

function parseValuesMap(c: Checker, path: string, v: unknown): Record<string, Record<string, unknown>> | undefined {
  if (v === undefined || v === null) return undefined;
  if (!isPlainObject(v)) {
    c.add(path, `must be a mapping of cluster name to Helm values objects (e.g. { "member1": { "replicas": 2 } }), not ${describeType(v)}`);
    return undefined;
  }
  const before = c.problems.length;
  for (const [k, item] of Object.entries(v)) {
    const p = keyPath(path, k);
    if (!isPlainObject(item)) c.add(p, `must be an object of Helm values, not ${describeType(item)} (use overridesYaml for YAML text)`);
    else c.values(p, item);
  }
  return c.problems.length > before ? undefined : (v as Record<string, Record<string, unknown>>);
}

function parseScheduling(c: Checker, path: string, v: unknown): ClusterSchedulingRequest | undefined {
  if (v === undefined || v === null) return undefined;
  if (!isPlainObject(v)) {
    c.add(path, `must be an object { clusters, clusterSelector, overrides, overridesYaml }, not ${describeType(v)}`);
    return undefined;
  }
  c.unknownFields(path, v, CLUSTER_SCHEDULING_FIELDS);
  const out: ClusterSchedulingRequest = {};
  const clusters = c.stringList(fieldPath(path, "clusters"), v.clusters, "cluster names", '["member1"]');
  if (clusters !== undefined) out.clusters = clusters;
  const selector = parseSelector(c, fieldPath(path, "clusterSelector"), v.clusterSelector);
  if (selector !== undefined) out.clusterSelector = selector;
  const overrides = parseValuesMap(c, fieldPath(path, "overrides"), v.overrides);
  if (overrides !== undefined) out.overrides = overrides;
  const overridesYaml = c.stringMap(fieldPath(path, "overridesYaml"), v.overridesYaml, "YAML text of Helm values",
    '{ "member1": "replicas: 2" }', true);
  if (overridesYaml !== undefined) out.overridesYaml = overridesYaml;
  const allow = c.boolean(fieldPath(path, "allowNoClusters"), v.allowNoClusters);
  if (allow !== undefined) out.allowNoClusters = allow;
  return out;
}

/**
 * Type-checks one raw extension request. The returned `partial` holds every field that was
 * well-typed (fields with problems are left out), so catalog checks can still run and be reported
 * together with the type problems.
 *
 * @param raw the value as received
 * @param path prefix for field paths, e.g. `extensions[1]`
 */
export function parseRequestFields(raw: unknown, path?: string): { partial: Partial<ExtensionRequest>; problems: InputProblem[] } {
  const c = new Checker();
  const at = (f: string): string => fieldPath(path, f);
  if (!isPlainObject(raw)) {
    c.add(path || "extension", `must be an object with at least name and version (e.g. { name: "devops", version: "1.1.2" }), not ${describeType(raw)}`);
    return { partial: {}, problems: c.problems };
  }
  c.unknownFields(path, raw, EXTENSION_REQUEST_FIELDS);
  const partial: Partial<ExtensionRequest> = {};

  if (raw.name === undefined || raw.name === null) {
    c.add(at("name"), 'is missing; give the extension name, e.g. "devops" (see `kubesphere-ext catalog`)');
  } else if (typeof raw.name !== "string") {
    c.add(at("name"), `must be a string (the extension name, e.g. "devops"), not ${describeValue(raw.name)}`);
  } else {
    const s = c.string(at("name"), raw.name, "the extension name");
    if (s !== undefined) partial.name = s;
  }

  if (raw.version === undefined || raw.version === null) {
    c.add(at("version"), 'is missing; give an exact version, e.g. "1.1.2"');
  } else if (typeof raw.version === "number") {
    c.add(at("version"), `must be a string such as "1.1.2", not ${describeValue(raw.version)}: a number cannot hold ` +
      "an exact version (1.10 reads as 1.1, and a patch number is impossible); quote it");
  } else {
    const s = c.string(at("version"), raw.version, 'an exact version such as "1.1.2"');
    if (s !== undefined) partial.version = s;
  }

  const enabled = c.boolean(at("enabled"), raw.enabled);
  if (enabled !== undefined) partial.enabled = enabled;
  const allowDowngrade = c.boolean(at("allowDowngrade"), raw.allowDowngrade);
  if (allowDowngrade !== undefined) partial.allowDowngrade = allowDowngrade;
  const adopt = c.boolean(at("adopt"), raw.adopt);
  if (adopt !== undefined) partial.adopt = adopt;

  const strategy = c.string(at("upgradeStrategy"), raw.upgradeStrategy, '"Manual"');
  if (strategy !== undefined) {
    if (strategy === "Manual" || strategy === "Automatic") partial.upgradeStrategy = strategy;
    else {
      const cased = ["Manual", "Automatic"].find((s) => s.toLowerCase() === strategy.trim().toLowerCase());
      c.add(at("upgradeStrategy"), `${JSON.stringify(strategy)} is not valid; ` +
        (cased ? `values are case-sensitive: write ${JSON.stringify(cased)}` : 'use "Manual" (the default)'));
    }
  }

  if (raw.retry !== undefined && raw.retry !== null) {
    if (typeof raw.retry !== "number" || !Number.isInteger(raw.retry) || raw.retry < 0) {
      const hint = typeof raw.retry === "string" ? `; ${STACK_CONFIG_NUMBER_HINT}` : "";
      c.add(at("retry"), `must be a whole number of at least 0, not ${describeValue(raw.retry)}${hint}`);
    } else partial.retry = raw.retry;
  }

  if (raw.config !== undefined && raw.config !== null) {
    if (!isPlainObject(raw.config)) {
      c.add(at("config"), `must be an object of Helm values, not ${describeType(raw.config)}` +
        (typeof raw.config === "string" ? " (use configYaml for YAML text)" : ""));
    } else {
      const before = c.problems.length;
      c.values(at("config"), raw.config);
      if (c.problems.length === before) partial.config = raw.config;
    }
  }
  const configYaml = c.string(at("configYaml"), raw.configYaml, "YAML text of Helm values", true);
  if (configYaml !== undefined) partial.configYaml = configYaml;

  const cs = parseScheduling(c, at("clusterScheduling"), raw.clusterScheduling);
  if (cs !== undefined) partial.clusterScheduling = cs;
  return { partial, problems: c.problems };
}

/**
 * Type-checks one raw extension request. `request` is set only when there is no problem.
 *
 * @param raw the value as received (from TypeScript, stack config or another language)
 * @param path prefix for field paths in messages, e.g. `extensions[1]`
 */
export function parseExtensionRequest(raw: unknown, path?: string): { request?: ExtensionRequest; problems: InputProblem[] } {
  const { partial, problems } = parseRequestFields(raw, path);
  return problems.length === 0 ? { request: partial as ExtensionRequest, problems } : { problems };
}

/**
 * Type-checks the arguments shared by `KubeSphereExtension` and `KubeSphereExtensionSet`. Fields not
 * listed in `CommonArgs` are ignored here (they are request fields, checked by `parseExtensionRequest`).
 * The kubeconfig's value never appears in a message.
 *
 * @param raw the argument object (already resolved from Pulumi inputs)
 * @param path prefix for field paths in messages
 */
export function parseCommonArgs(raw: Record<string, unknown>, path?: string): { args: CommonArgs; problems: InputProblem[] } {
  const c = new Checker();
  const at = (f: string): string => fieldPath(path, f);
  const args: CommonArgs = {};
  if (!isPlainObject(raw)) {
    c.add(path || "args", `must be an object of arguments, not ${describeValue(raw)}`);
    return { args, problems: c.problems };
  }
  const set = <K extends keyof CommonArgs>(k: K, v: CommonArgs[K] | undefined): void => { if (v !== undefined) args[k] = v; };
  set("kubeconfig", c.string(at("kubeconfig"), raw.kubeconfig, "kubeconfig YAML text", true));
  set("context", c.string(at("context"), raw.context, "a kubeconfig context name"));
  set("catalogPaths", c.stringList(at("catalogPaths"), raw.catalogPaths, "file or directory paths", '["./catalog"]'));
  set("installedExtensions", c.stringMap(at("installedExtensions"), raw.installedExtensions, "extension name to version",
    '{ "devops": "1.1.2" }'));
  set("clusterNames", c.stringList(at("clusterNames"), raw.clusterNames, "cluster names", '["host", "member1"]'));
  set("ksVersion", c.string(at("ksVersion"), raw.ksVersion, 'the KubeSphere version, e.g. "v4.1.3"'));
  set("kubeVersion", c.string(at("kubeVersion"), raw.kubeVersion, 'the Kubernetes version, e.g. "v1.30.4"'));
  set("timeoutSeconds", c.positiveNumber(at("timeoutSeconds"), raw.timeoutSeconds, "seconds"));
  set("deleteTimeoutSeconds", c.positiveNumber(at("deleteTimeoutSeconds"), raw.deleteTimeoutSeconds, "seconds"));
  set("forceDeleteOnDestroy", c.boolean(at("forceDeleteOnDestroy"), raw.forceDeleteOnDestroy));
  set("removeWithDependents", c.boolean(at("removeWithDependents"), raw.removeWithDependents));
  set("adopt", c.boolean(at("adopt"), raw.adopt));
  set("chartsPath", c.string(at("chartsPath"), raw.chartsPath, "a directory path"));
  set("strictConfig", c.boolean(at("strictConfig"), raw.strictConfig));
  for (const [k, v] of Object.entries(args.installedExtensions ?? {})) {
    if (k.trim() === "" || k !== k.trim()) c.add(keyPath(at("installedExtensions"), k), "is not a valid extension name (empty or with surrounding whitespace)");
    if (v.trim() === "") c.add(keyPath(at("installedExtensions"), k), "has an empty version; give the installed version, e.g. \"1.1.2\"");
  }
  (args.clusterNames ?? []).forEach((n, i) => {
    if (n.trim() === "" || n !== n.trim()) {
      c.add(`${at("clusterNames")}[${i}]`, `${JSON.stringify(n)} is not a valid cluster name (empty or with surrounding whitespace)`);
    }
  });
  return { args, problems: c.problems };
}

/** One line per problem, as used in error messages. */
export function formatProblems(problems: InputProblem[]): string[] {
  return problems.map((p) => p.message);
}
