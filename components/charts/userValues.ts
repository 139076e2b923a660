/**
 * The user's Helm values with the line of every key, read with the `yaml` Document API (YAML 1.1
 * like Helm, `<<` merge keys and aliases resolved), so that each finding can name its line.
 */
import * as YAML from "yaml";
import { HELM_YAML_OPTIONS } from "./chart";

/** A value of the user's YAML with its 1-based line. */
export type UserNode =
  | { kind: "map"; line?: number; entries: UserEntry[] }
  | { kind: "list"; line?: number; items: UserNode[] }
  | { kind: "scalar"; line?: number; value: unknown; quoted: boolean };

/** One `key: value` of a user mapping. */
export interface UserEntry {
  /** The key as a string (Helm stringifies keys). */
  key: string;
  /** 1-based line of the key. */
  line?: number;
  /** The value. */
  value: UserNode;
}

/** Most alias expansions accepted in one values document. */
export const MAX_ALIAS_EXPANSIONS = 10_000;

class AliasBudget extends Error {}

/** Parsed user values, or why they could not be parsed. */
export type ParsedUserValues = { ok: true; root: UserNode } | { ok: false; problem: string };

/**
 * Parses Helm values text keeping lines.
 *
 * @param text the YAML text (empty text is an empty map)
 */
export function parseUserValues(text: string): ParsedUserValues {
  const lc = new YAML.LineCounter();
  const doc = YAML.parseDocument(text, { ...HELM_YAML_OPTIONS, lineCounter: lc });
  const err = doc.errors[0];
  if (err) {
    const pos = err.linePos?.[0];
    return { ok: false, problem: `does not parse as YAML${pos ? ` at line ${pos.line}` : ""}: ${err.message.split("\n")[0]}` };
  }
  const lineOf = (n: { range?: [number, number, number] | null } | null | undefined) =>
    n?.range ? lc.linePos(n.range[0]).line : undefined;
  const seen = new Set<unknown>();
  // Aliases are expanded as Helm expands them; a budget keeps an alias bomb from running away.
  let aliases = 0;
  const convert = (node: unknown, depth: number): UserNode => {
    if (depth > 200) throw new AliasBudget("nests deeper than 200 levels");
    if (YAML.isAlias(node)) {
      if (++aliases > MAX_ALIAS_EXPANSIONS) throw new AliasBudget(`expands more than ${MAX_ALIAS_EXPANSIONS} aliases (an alias bomb?)`);
      const target = node.resolve(doc);
      // A self-referencing alias would recurse forever; Helm's parser rejects it too.
      if (seen.has(target)) return { kind: "scalar", line: lineOf(node), value: null, quoted: false };
      seen.add(target);
      const out = convert(target, depth + 1);
      seen.delete(target);
      return out;
    }
    if (YAML.isMap(node)) {
      const entries: UserEntry[] = [];
      const merged: UserEntry[] = [];
      for (const pair of node.items) {
        const keyNode = pair.key;
        const keyValue = YAML.isScalar(keyNode) ? keyNode.value : keyNode;
        if (keyValue === "<<" || (YAML.isScalar(keyNode) && keyNode.source === "<<")) {
          // Merge key: entries of the merged maps count, explicit keys win.
          const sources = YAML.isSeq(pair.value) ? pair.value.items : [pair.value];
          for (const s of sources) {
            const m = convert(s, depth + 1);
            if (m.kind === "map") merged.push(...m.entries);
          }
          continue;
        }
        entries.push({ key: String(keyValue), line: lineOf(keyNode as YAML.Node), value: convert(pair.value, depth + 1) });
      }
      for (const m of merged) if (!entries.some((e) => e.key === m.key)) entries.push(m);
      return { kind: "map", line: lineOf(node), entries };
    }
    if (YAML.isSeq(node)) return { kind: "list", line: lineOf(node), items: node.items.map((i) => convert(i, depth + 1)) };
    if (YAML.isScalar(node)) {
      return { kind: "scalar", line: lineOf(node), value: node.value, quoted: node.type === "QUOTE_DOUBLE" || node.type === "QUOTE_SINGLE" };
    }
    return { kind: "scalar", value: null, quoted: false };
  };
  let root: UserNode;
  try {
    root = doc.contents === null ? { kind: "map", entries: [] } : convert(doc.contents, 0);
  } catch (e) {
    if (e instanceof AliasBudget) return { ok: false, problem: e.message };
    throw e;
  }
  if (root.kind === "scalar" && root.value === null) return { ok: true, root: { kind: "map", entries: [] } };
  if (root.kind !== "map") return { ok: false, problem: `is a YAML ${root.kind}, but Helm values must be a mapping (key: value)` };
  return { ok: true, root };
}

/** Plain data of a user node (for merging and schema validation). */
export function toPlain(node: UserNode): unknown {
  if (node.kind === "map") return Object.fromEntries(node.entries.map((e) => [e.key, toPlain(e.value)]));
  if (node.kind === "list") return node.items.map(toPlain);
  return node.value;
}

/** The line of the deepest key of `path` the user wrote (the closest the user's text gets). */
export function lineOfPath(root: UserNode, path: readonly string[]): number | undefined {
  let node: UserNode | undefined = root;
  let line: number | undefined;
  for (const k of path) {
    if (node?.kind === "map") {
      const e: UserEntry | undefined = node.entries.find((x) => x.key === k);
      if (!e) break;
      line = e.line ?? line;
      node = e.value;
    } else if (node?.kind === "list" && /^\d+$/.test(k)) {
      node = node.items[Number(k)];
      line = node?.line ?? line;
    } else break;
  }
  return line;
}

/** Whether the user wrote the exact key path. */
export function hasPath(root: UserNode, path: readonly string[]): boolean {
  let node: UserNode | undefined = root;
  for (const k of path) {
    if (node?.kind === "map") node = node.entries.find((x) => x.key === k)?.value;
    else if (node?.kind === "list" && /^\d+$/.test(k)) node = node.items[Number(k)];
    else return false;
    if (!node) return false;
  }
  return true;
}

/** Every key path the user set to a scalar, list or empty map (the leaves), with its line. */
export function leafPaths(root: UserNode): Array<{ path: string[]; line?: number }> {
  const out: Array<{ path: string[]; line?: number }> = [];
  const walk = (n: UserNode, path: string[], line?: number) => {
    if (n.kind === "map" && n.entries.length > 0) {
      for (const e of n.entries) walk(e.value, [...path, e.key], e.line);
    } else if (path.length > 0) out.push({ path, line });
  };
  walk(root, []);
  return out;
}
