/**
 * YAML parsing that accepts legitimate anchors and aliases (any number of them) and rejects real
 * "billion laughs" bombs, where nested aliases expand exponentially.
 *
 * The `yaml` library's own guard (`maxAliasCount`, default 100) counts alias uses, so a values file
 * that reuses one anchor 150 times is refused while its size is harmless. Here the document is
 * measured instead: the number of nodes it would have with every alias expanded, computed with
 * memoisation (so the measurement itself is linear in the document). Helm, the controller and
 * anyone else who reads the text expands it, so that number is what matters.
 */
import * as YAML from "yaml";

/** Most nodes a document may have once every alias is expanded (a large Helm values file has a few thousand). */
export const MAX_EXPANDED_YAML_NODES = 250_000;

/** Nodes of `node` with aliases expanded; throws on an alias that contains itself. */
function expandedSize(doc: YAML.Document, node: unknown, memo: Map<unknown, number>, visiting: Set<unknown>): number {
  if (node === null || node === undefined) return 1;
  const known = memo.get(node);
  if (known !== undefined) return known;
  if (visiting.has(node)) throw new Error("an alias refers to a node that contains it");
  visiting.add(node);
  let size = 1;
  if (YAML.isAlias(node)) {
    const target = node.resolve(doc);
    if (target === undefined) throw new Error(`the alias *${node.source} has no anchor &${node.source} before it in the same document`);
    size = expandedSize(doc, target, memo, visiting);
  } else if (YAML.isPair(node)) {
    size = expandedSize(doc, node.key, memo, visiting) + expandedSize(doc, node.value, memo, visiting);
  } else if (YAML.isCollection(node)) {
    for (const item of node.items) {
      size += expandedSize(doc, item, memo, visiting);
      if (size > MAX_EXPANDED_YAML_NODES) break;
    }
  }
  visiting.delete(node);
  size = Math.min(size, MAX_EXPANDED_YAML_NODES + 1);
  memo.set(node, size);
  return size;
}

/** Why a parsed document is unsafe or invalid to expand, or `undefined`. */
export function aliasExpansionProblem(doc: YAML.Document): string | undefined {
  let size: number;
  try {
    size = expandedSize(doc, doc.contents, new Map(), new Set());
  } catch (e) {
    return `cannot be expanded: ${(e as Error).message}`;
  }
  if (size > MAX_EXPANDED_YAML_NODES) {
    return `expands through nested aliases to more than ${MAX_EXPANDED_YAML_NODES.toLocaleString("en-US")} nodes ` +
      "(an exponential alias expansion, a \"billion laughs\" YAML bomb); write the values out, or reuse anchors " +
      "without nesting aliases of aliases";
  }
  return undefined;
}

/** One parsed document's first error as `line L, column C: message`. */
export function firstYamlError(doc: YAML.Document): string | undefined {
  const err = doc.errors[0];
  if (!err) return undefined;
  const pos = err.linePos?.[0];
  return `${pos ? `line ${pos.line}, column ${pos.col}` : "unknown position"}: ${err.message.split("\n")[0]}`;
}

/**
 * Parses every document of `text` to plain JavaScript values, checking syntax and alias expansion.
 *
 * @param text YAML text
 * @param source names the text in messages (a file path, or a field such as `configYaml`)
 * @param options `uniqueKeys: false` accepts duplicate keys (Helm repository indexes carry them)
 * @throws Error `<source>: invalid YAML at line L, column C: ...` or `<source>: ... YAML bomb ...`
 */
export function parseYamlSafely(text: string, source: string, options: { uniqueKeys?: boolean } = {}): unknown[] {
  const out: unknown[] = [];
  for (const doc of YAML.parseAllDocuments(text, { uniqueKeys: options.uniqueKeys ?? true })) {
    const err = firstYamlError(doc);
    if (err) throw new Error(`${source}: invalid YAML at ${err}`);
    const bomb = aliasExpansionProblem(doc);
    if (bomb) throw new Error(`${source}: YAML ${bomb}`);
    // Size is already bounded above; the library's alias counter would refuse legitimate reuse.
    try {
      out.push(doc.toJS({ maxAliasCount: -1 }));
    } catch (e) {
      throw new Error(`${source}: YAML cannot be read: ${(e as Error).message}`);
    }
  }
  return out;
}

/**
 * Decodes bytes as UTF-8, refusing invalid sequences instead of turning them into U+FFFD.
 *
 * @param data file contents
 * @param source names the file in messages
 */
export function decodeUtf8Strictly(data: Uint8Array, source: string): string {
  try {
    return new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(data);
  } catch {
    const bad = firstInvalidUtf8Offset(data);
    throw new Error(`${source} is not valid UTF-8 (first invalid byte at offset ${bad}); KubeSphere objects and Helm values ` +
      "must be UTF-8 text. Re-save the file as UTF-8");
  }
}

function firstInvalidUtf8Offset(data: Uint8Array): number {
  let lo = 0;
  let hi = data.length;
  // Binary search for the shortest invalid prefix (a truncated multi-byte tail is tolerated with stream: true).
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    try {
      new TextDecoder("utf-8", { fatal: true }).decode(data.subarray(0, mid + 1), { stream: true });
      lo = mid + 1;
    } catch {
      hi = mid;
    }
  }
  // Report where the broken sequence starts (its lead byte), not where the decoder noticed.
  for (let k = lo - 1; k >= Math.max(0, lo - 3); k--) {
    const b = data[k];
    if ((b & 0xc0) === 0x80) continue;
    return b >= 0xc0 ? k : lo;
  }
  return lo;
}
