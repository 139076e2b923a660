/**
 * Output formatting of `kubesphere-ext`: aligned tables for people, JSON and YAML for scripts, and
 * colour only when stdout is a terminal and `NO_COLOR` is not set.
 */
import * as YAML from "yaml";
import { UsageError } from "./errors";

/** Output formats of `-o`. */
export const OUTPUT_FORMATS = ["table", "json", "yaml"] as const;
/** One of {@link OUTPUT_FORMATS}. */
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];

/** A writable text stream (process.stdout, or a buffer in tests). */
export interface TextSink {
  /** Writes text as is. */
  write(text: string): unknown;
  /** True when the sink is a terminal. */
  isTTY?: boolean;
}

/** Checks an `-o` value. @throws UsageError naming the valid formats */
export function parseOutputFormat(value: string | undefined, fallback: OutputFormat): OutputFormat {
  if (value === undefined) return fallback;
  if ((OUTPUT_FORMATS as readonly string[]).includes(value)) return value as OutputFormat;
  throw new UsageError(`-o ${JSON.stringify(value)} is not an output format; use one of ${OUTPUT_FORMATS.join(", ")}`);
}

/** ANSI styling that becomes the identity when colour is off. */
export interface Style {
  /** Whether escape codes are emitted. */
  readonly enabled: boolean;
  bold(s: string): string;
  dim(s: string): string;
  red(s: string): string;
  green(s: string): string;
  yellow(s: string): string;
  cyan(s: string): string;
}

/**
 * Colour is used when `color` says so (`--color` / `--no-color`); by default only when the sink is a
 * TTY and `NO_COLOR` is unset or empty (https://no-color.org).
 */
export function makeStyle(sink: TextSink, env: Record<string, string | undefined>, color?: boolean): Style {
  const enabled = color ?? (sink.isTTY === true && !(env.NO_COLOR !== undefined && env.NO_COLOR !== ""));
  const wrap = (code: number, reset: number) => (s: string) => (enabled ? `\u001b[${code}m${s}\u001b[${reset}m` : s);
  return {
    enabled,
    bold: wrap(1, 22), dim: wrap(2, 22), red: wrap(31, 39), green: wrap(32, 39), yellow: wrap(33, 39), cyan: wrap(36, 39),
  };
}

// eslint-disable-next-line no-control-regex
const ANSI = /\u001b\[[0-9;]*m/g;

/** Display width of a string: code points, escape codes excluded. */
export function displayWidth(s: string): number {
  return [...s.replace(ANSI, "")].length;
}

/**
 * An aligned table in the style of kubectl: upper-case headers, columns separated by three spaces,
 * no trailing spaces. Empty cells print as `-`.
 */
export function formatTable(headers: string[], rows: string[][], indent = ""): string {
  const cells = rows.map((r) => headers.map((_, i) => (r[i] === undefined || r[i] === "" ? "-" : r[i])));
  const widths = headers.map((h, i) => Math.max(displayWidth(h), ...cells.map((r) => displayWidth(r[i]))));
  const line = (r: string[]) => indent + r.map((c, i) => (i === r.length - 1 ? c : c + " ".repeat(widths[i] - displayWidth(c) + 3))).join("").trimEnd();
  return [line(headers.map((h) => h.toUpperCase())), ...cells.map(line)].join("\n") + "\n";
}

/** `key: value` lines with the values aligned; entries with undefined values are left out. */
export function formatFields(fields: Array<[string, string | undefined]>, indent = ""): string {
  const present = fields.filter(([, v]) => v !== undefined && v !== "") as Array<[string, string]>;
  const width = Math.max(0, ...present.map(([k]) => displayWidth(k) + 1));
  return present.map(([k, v]) => {
    const pad = " ".repeat(width - displayWidth(k) - 1 + 2);
    const lines = v.split("\n");
    return `${indent}${k}:${pad}${lines[0]}` + lines.slice(1).map((l) => `\n${indent}${" ".repeat(width + 2)}${l}`).join("");
  }).join("\n") + "\n";
}

/** JSON for scripts: two-space indent, trailing newline. */
export function toJson(value: unknown): string {
  return JSON.stringify(value, null, 2) + "\n";
}

/** YAML for scripts and people: block style, no line folding. */
export function toYaml(value: unknown): string {
  return YAML.stringify(value, { lineWidth: 0 });
}

/** Writes a value as JSON or YAML according to the format (`table` is handled by each command). */
export function writeData(sink: TextSink, format: OutputFormat, value: unknown): void {
  sink.write(format === "yaml" ? toYaml(value) : toJson(value));
}
