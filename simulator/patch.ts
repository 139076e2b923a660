/**
 * The two patch formats the API server accepts for custom resources: JSON merge patch (RFC 7386,
 * `application/merge-patch+json`) and JSON patch (RFC 6902, `application/json-patch+json`).
 * Pure functions over plain JSON values; inputs are never mutated.
 */

/** A JSON value. */
export type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** Deep copy of a JSON value. */
export function clone<T>(value: T): T {
  return value === undefined ? value : (JSON.parse(JSON.stringify(value)) as T);
}

/** RFC 7386 merge patch: objects merge recursively, `null` deletes, anything else replaces. */
export function applyMergePatch(target: unknown, patch: unknown): unknown {
  if (!isObject(patch)) return clone(patch);
  const result: Record<string, unknown> = isObject(target) ? clone(target) : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete result[key];
    else result[key] = applyMergePatch(result[key], value);
  }
  return result;
}

/** One RFC 6902 operation. */
export interface JsonPatchOp {
  /** Operation. */
  op: "add" | "remove" | "replace" | "move" | "copy" | "test";
  /** JSON pointer of the target (`/metadata/finalizers/-`). */
  path: string;
  /** Value for add/replace/test. */
  value?: unknown;
  /** Source pointer for move/copy. */
  from?: string;
}

function parsePointer(pointer: string): string[] {
  if (pointer === "") return [];
  if (!pointer.startsWith("/")) throw new Error(`invalid JSON pointer "${pointer}"`);
  return pointer.slice(1).split("/").map((s) => s.replace(/~1/gu, "/").replace(/~0/gu, "~"));
}

function getAt(doc: unknown, tokens: string[]): unknown {
  let cur: unknown = doc;
  for (const t of tokens) {
    if (Array.isArray(cur)) cur = cur[Number(t)];
    else if (isObject(cur)) cur = cur[t];
    else return undefined;
  }
  return cur;
}

function parentOf(doc: unknown, tokens: string[], pointer: string): unknown {
  const parent = getAt(doc, tokens.slice(0, -1));
  if (!Array.isArray(parent) && !isObject(parent)) {
    throw new Error(`the server rejected our request due to an error in our request: path "${pointer}" does not exist`);
  }
  return parent;
}

function removeAt(doc: unknown, pointer: string): unknown {
  const tokens = parsePointer(pointer);
  const parent = parentOf(doc, tokens, pointer);
  const last = tokens[tokens.length - 1];
  if (Array.isArray(parent)) {
    const i = Number(last);
    if (!Number.isInteger(i) || i < 0 || i >= parent.length) throw new Error(`unable to remove nonexistent index ${last} at "${pointer}"`);
    return parent.splice(i, 1)[0];
  }
  const obj = parent as Record<string, unknown>;
  if (!(last in obj)) throw new Error(`unable to remove nonexistent key: ${last}: missing value`);
  const old = obj[last];
  delete obj[last];
  return old;
}

function addAt(doc: unknown, pointer: string, value: unknown, replace: boolean): unknown {
  const tokens = parsePointer(pointer);
  if (tokens.length === 0) return clone(value);
  const parent = parentOf(doc, tokens, pointer);
  const last = tokens[tokens.length - 1];
  if (Array.isArray(parent)) {
    const i = last === "-" ? parent.length : Number(last);
    if (!Number.isInteger(i) || i < 0 || i > parent.length || (replace && i >= parent.length)) {
      throw new Error(`index ${last} out of bounds at "${pointer}"`);
    }
    if (replace) parent[i] = clone(value);
    else parent.splice(i, 0, clone(value));
  } else {
    const obj = parent as Record<string, unknown>;
    if (replace && !(last in obj)) throw new Error(`replace operation does not apply: doc is missing key: ${pointer}: missing value`);
    obj[last] = clone(value);
  }
  return doc;
}

/** Applies RFC 6902 operations in order; throws on the first failing one (the whole patch fails). */
export function applyJsonPatch(target: unknown, ops: JsonPatchOp[]): unknown {
  if (!Array.isArray(ops)) throw new Error("json patch body must be an array of operations");
  let doc = clone(target);
  for (const op of ops) {
    switch (op.op) {
      case "add": doc = addAt(doc, op.path, op.value, false); break;
      case "replace": doc = addAt(doc, op.path, op.value, true); break;
      case "remove": removeAt(doc, op.path); break;
      case "move": { const v = removeAt(doc, op.from ?? ""); doc = addAt(doc, op.path, v, false); break; }
      case "copy": doc = addAt(doc, op.path, getAt(doc, parsePointer(op.from ?? "")), false); break;
      case "test":
        if (JSON.stringify(getAt(doc, parsePointer(op.path))) !== JSON.stringify(op.value)) {
          throw new Error(`testing value ${op.path} failed: test failed`);
        }
        break;
      default: throw new Error(`unexpected json patch operation ${JSON.stringify((op as { op: unknown }).op)}`);
    }
  }
  return doc;
}

/** Structural equality of two JSON values (key order ignored). */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((v, i) => jsonEqual(v, b[i]));
  if (isObject(a) && isObject(b)) {
    const ka = Object.keys(a).filter((k) => a[k] !== undefined);
    const kb = Object.keys(b).filter((k) => b[k] !== undefined);
    return ka.length === kb.length && ka.every((k) => jsonEqual(a[k], b[k]));
  }
  return false;
}
