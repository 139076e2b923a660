/**
 * Command-line parsing for `kubesphere-ext`, on Node's built-in `util.parseArgs`: global options,
 * per-command options, and `--flag=false` for booleans (rewritten to `--no-flag`).
 */
import { parseArgs } from "util";
import { UsageError } from "./errors";

/** One option: its `util.parseArgs` shape plus help text. */
export interface OptionSpec {
  /** `string` takes a value; `boolean` is a switch (accepts `--x`, `--no-x`, `--x=true|false`). */
  type: "string" | "boolean";
  /** One-letter alias, e.g. `o` for `--output`. */
  short?: string;
  /** The option may be given more than once (values are collected). */
  multiple?: boolean;
  /** Placeholder for the value in help, e.g. `FILE`. */
  valueName?: string;
  /** One-line description for help. */
  description: string;
}

/** Options by long name. */
export type OptionSpecs = Record<string, OptionSpec>;

/** Parsed values: strings, booleans or string lists, by long name. */
export type OptionValues = Record<string, string | boolean | string[] | undefined>;

/** Options every command accepts. */
export const GLOBAL_OPTIONS: OptionSpecs = {
  kubeconfig: { type: "string", valueName: "FILE", description: "kubeconfig file (default: $KUBECONFIG, then ~/.kube/config)" },
  context: { type: "string", valueName: "NAME", description: "kubeconfig context (default: the current context)" },
  "request-timeout": { type: "string", valueName: "SECONDS", description: "deadline of each API request, connect to last byte (default 15)" },
  catalog: {
    type: "string", multiple: true, valueName: "PATH",
    description: "offline: a directory or file of KubeSphere YAML objects, or a museum index.yaml (repeatable); nothing is read from a cluster",
  },
  charts: {
    type: "string", valueName: "DIR",
    description: "offline: a directory of chart archives (NAME-VERSION.tgz, or beside a museum index.yaml) for `values` and the config checks of `plan`",
  },
  "ks-version": { type: "string", valueName: "VERSION", description: "KubeSphere version of the host, e.g. v4.1.3 (offline: needed to check ksVersion)" },
  "kube-version": { type: "string", valueName: "VERSION", description: "Kubernetes version of the host, e.g. v1.30.4" },
  installed: { type: "string", multiple: true, valueName: "NAME=VERSION", description: "offline: an extension already installed (repeatable)" },
  "cluster-names": { type: "string", valueName: "A,B", description: "offline: clusters known to the host (default: host)" },
  output: { type: "string", short: "o", valueName: "FORMAT", description: "table (default), json or yaml" },
  color: { type: "boolean", description: "force colour on (--color) or off (--no-color); default: only on a terminal, without NO_COLOR" },
  help: { type: "boolean", short: "h", description: "show help" },
};

/** Result of {@link parseCommandLine}. */
export interface ParsedCommandLine {
  /** Option values (global and command). */
  values: OptionValues;
  /** Positional arguments after the command name. */
  positionals: string[];
}

/**
 * Rewrites `--flag=true|false` of boolean options into `--flag` / `--no-flag` (which `util.parseArgs`
 * with `allowNegative` understands); any other `=value` on a boolean is an error.
 */
function normaliseBooleans(argv: string[], specs: OptionSpecs): string[] {
  const out: string[] = [];
  for (const [i, arg] of argv.entries()) {
    if (arg === "--") { out.push(...argv.slice(i)); break; }
    const m = /^--([^=]+)=(.*)$/.exec(arg);
    if (m && specs[m[1]]?.type === "boolean") {
      if (m[2] === "true") out.push(`--${m[1]}`);
      else if (m[2] === "false") out.push(`--no-${m[1]}`);
      else throw new UsageError(`--${m[1]} is a switch: give --${m[1]}, --${m[1]}=true or --${m[1]}=false, not ${JSON.stringify(m[2])}`);
    } else {
      out.push(arg);
    }
  }
  return out;
}

/** Turns `util.parseArgs` messages into ones that say what is valid. */
function usageFromParseError(e: Error, specs: OptionSpecs, command: string | undefined): UsageError {
  const msg = e.message;
  const unknown = /Unknown option '([^']+)'/.exec(msg);
  const where = command ? `\`${command}\`` : "kubesphere-ext";
  if (unknown) {
    const names = Object.keys(specs).map((n) => `--${n}`);
    return new UsageError(`unknown option ${unknown[1]} for ${where}; options: ${names.join(", ")}`, command);
  }
  const ambiguous = /Option '(?:-\w, )?--([^ ']+)' argument is ambiguous/.exec(msg);
  if (ambiguous) {
    return new UsageError(`--${ambiguous[1]} needs a value (${specs[ambiguous[1]]?.valueName ?? "VALUE"}); a value starting with "-" must be written --${ambiguous[1]}=VALUE`, command);
  }
  const missing = /Option '(?:-\w, )?--([^ ']+)(?: <value>)?' argument missing/.exec(msg);
  if (missing) return new UsageError(`--${missing[1]} needs a value (${specs[missing[1]]?.valueName ?? "VALUE"})`, command);
  return new UsageError(msg.replace(/\. To specify.*$/s, ""), command);
}

/** Parses argv with the given options; positionals are returned in order. @throws UsageError */
export function parseCommandLine(argv: string[], specs: OptionSpecs, command?: string): ParsedCommandLine {
  const options: Record<string, { type: "string" | "boolean"; short?: string; multiple?: boolean }> = {};
  for (const [name, s] of Object.entries(specs)) {
    options[name] = { type: s.type, ...(s.short ? { short: s.short } : {}), ...(s.multiple ? { multiple: true } : {}) };
  }
  try {
    const r = parseArgs({ args: normaliseBooleans(argv, specs), options, allowPositionals: true, strict: true, allowNegative: true });
    return { values: r.values as OptionValues, positionals: r.positionals };
  } catch (e) {
    if (e instanceof UsageError) throw e;
    throw usageFromParseError(e as Error, specs, command);
  }
}

/**
 * Finds the command name: the first positional when every known option is taken into account
 * (so that `--context dev catalog` finds `catalog`, not `dev`). Unknown options are left for the
 * strict parse of the command.
 */
export function findCommand(argv: string[], allSpecs: OptionSpecs): { command?: string; rest: string[] } {
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === "--") return { command: argv[i + 1], rest: [...argv.slice(0, i), ...argv.slice(i + 2)] };
    if (!arg.startsWith("-") || arg === "-") return { command: arg, rest: [...argv.slice(0, i), ...argv.slice(i + 1)] };
    if (arg.includes("=")) continue;
    const long = arg.startsWith("--") ? arg.slice(2) : undefined;
    const spec = long !== undefined ? allSpecs[long] : Object.values(allSpecs).find((s) => s.short === arg.slice(1));
    if (spec?.type === "string") i++; // skip its value
  }
  return { rest: argv };
}

/** A string option (last one wins when given more than once). */
export function str(values: OptionValues, name: string): string | undefined {
  const v = values[name];
  if (Array.isArray(v)) return v[v.length - 1];
  return typeof v === "string" ? v : undefined;
}

/** A repeatable string option as a list (empty when absent). */
export function list(values: OptionValues, name: string): string[] {
  const v = values[name];
  if (Array.isArray(v)) return v;
  return typeof v === "string" ? [v] : [];
}

/** A comma-separated list option (`a,b`), trimmed, empty entries dropped. */
export function commaList(value: string | undefined): string[] | undefined {
  if (value === undefined) return undefined;
  return value.split(",").map((s) => s.trim()).filter((s) => s !== "");
}

/** Splits `key=value`; the message names the option and shows an example. @throws UsageError */
export function keyValue(text: string, option: string, example: string): [string, string] {
  const i = text.indexOf("=");
  if (i <= 0) throw new UsageError(`${option} ${JSON.stringify(text)} is not of the form ${example}`);
  return [text.slice(0, i).trim(), text.slice(i + 1).trim()];
}

/** Splits `name@version` (at the last `@`). @throws UsageError when the version is required and missing */
export function nameAtVersion(text: string, what: string, versionRequired: boolean): { name: string; version?: string } {
  const i = text.lastIndexOf("@");
  if (i < 0) {
    if (versionRequired) throw new UsageError(`${what} ${JSON.stringify(text)} needs an exact version: write NAME@VERSION, e.g. devops@1.1.2 (see \`kubesphere-ext versions ${text}\`)`);
    return { name: text };
  }
  const name = text.slice(0, i);
  const version = text.slice(i + 1);
  if (name === "" || version === "") {
    throw new UsageError(`${what} ${JSON.stringify(text)} is not of the form NAME@VERSION, e.g. devops@1.1.2`);
  }
  return { name, version };
}

/** Help lines for a set of options, aligned. */
export function formatOptionHelp(specs: OptionSpecs): string {
  const rows = Object.entries(specs).map(([name, s]) => {
    const flag = `${s.short ? `-${s.short}, ` : "    "}--${name}${s.type === "string" ? ` ${s.valueName ?? "VALUE"}` : ""}`;
    return [flag, s.description];
  });
  const width = Math.max(...rows.map(([f]) => f.length));
  return rows.map(([f, d]) => `  ${f.padEnd(width)}   ${d}`).join("\n") + "\n";
}
