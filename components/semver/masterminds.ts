/**
 * A faithful TypeScript port of the version and constraint logic of the Go library
 * **Masterminds/semver v3.3.1** (`version.go`, `constraints.go`, tag v3.3.1, commit
 * 1558ca3488226e3490894a145e831ad58a5ff958, MIT, (C) 2014-2019 Matt Butcher and Matt Farina).
 *
 * KubeSphere computes `Extension.status.recommendedVersion` with
 * `semver.NewConstraint(c).Check(semver.NewVersion(v))` over `ExtensionVersion.spec.ksVersion` /
 * `kubeVersion` (docs/kubesphere-behavior.md §3.4), and Helm checks `Chart.yaml` `kubeVersion` with the same library. Its
 * rules differ from npm's `semver`:
 *
 * - `,` and whitespace both mean AND; `||` means OR;
 * - `1.4` parses as `1.4.0`, a leading lower-case `v` is allowed;
 * - partial versions and `x`/`X`/`*` wildcards make a comparator "dirty" (`4.1` means `4.1.x` for `=`, `!=`,
 *   `>`, `<=`, `~`, `^`, but plain `4.1.0` for `>=` and `<`);
 * - `A - B` (spaces required) is rewritten to `>= A, <= B`;
 * - a version with a pre-release only satisfies a comparator whose own version names a pre-release.
 *
 * The regular expressions below are the Go ones, with one deliberate translation: Go RE2's `\s` is the ASCII
 * class `[\t\n\f\r ]`, whereas JavaScript's `\s` also matches `\v` and Unicode spaces, so `\s` is spelled out.
 * Go's leftmost-first submatch semantics equal those of a backtracking engine, so JavaScript's `RegExp`
 * picks the same matches and groups. Unmatched Go groups are `""`; JavaScript's `undefined` is mapped to `""`.
 * Numbers are unsigned 64-bit in Go, so they are `bigint` here and values above 2^64-1 are rejected as Go's
 * `strconv.ParseUint` rejects them.
 *
 * Pure logic: no Pulumi, no I/O.
 */

/** Thrown when a version or constraint cannot be parsed. The message names the offending part. */
export class SemverError extends Error {
  /** Whether a version or a constraint failed to parse. */
  readonly kind: "version" | "constraint";
  /** The complete text that was being parsed. */
  readonly input: string;

  /**
   * @param kind what was being parsed
   * @param input the complete text that was being parsed
   * @param message the full, human-readable message
   */
  constructor(kind: "version" | "constraint", input: string, message: string) {
    super(message);
    this.name = "SemverError";
    this.kind = kind;
    this.input = input;
  }
}

// ---------------------------------------------------------------------------------------------------------
// Versions (version.go)
// ---------------------------------------------------------------------------------------------------------

const UINT64_MAX = 0xffffffffffffffffn;

/** `semVerRegex` from version.go: loose, allows a `v` prefix and missing minor/patch. */
const SEMVER_REGEX_SOURCE =
  "v?(0|[1-9]\\d*)(?:\\.(0|[1-9]\\d*))?(?:\\.(0|[1-9]\\d*))?" +
  "(?:-((?:0|[1-9]\\d*|\\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\\.(?:0|[1-9]\\d*|\\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?" +
  "(?:\\+([0-9a-zA-Z-]+(?:\\.[0-9a-zA-Z-]+)*))?";
const VERSION_REGEX = new RegExp(`^${SEMVER_REGEX_SOURCE}$`);

/** Strict `MAJOR.MINOR.PATCH[-PRERELEASE]`, no `v`, no build metadata (see {@link isExactVersion}). */
const EXACT_VERSION_REGEX =
  /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?$/;

/**
 * A parsed version, the equivalent of Masterminds' `*semver.Version`. Build metadata is kept but never takes
 * part in comparisons.
 */
export class MVersion {
  /** Major number (unsigned 64-bit, hence `bigint`). */
  readonly major: bigint;
  /** Minor number; `0` when the text omitted it. */
  readonly minor: bigint;
  /** Patch number; `0` when the text omitted it. */
  readonly patch: bigint;
  /** Pre-release without the leading `-`, or `""`. */
  readonly prerelease: string;
  /** Build metadata without the leading `+`, or `""`. */
  readonly metadata: string;
  /** The text the version was parsed from, unchanged (keeps a `v` prefix or a short form like `1.4`). */
  readonly original: string;

  /**
   * @param major major number
   * @param minor minor number
   * @param patch patch number
   * @param prerelease pre-release without `-`, or `""`
   * @param metadata build metadata without `+`, or `""`
   * @param original the source text; defaults to the canonical string
   */
  constructor(major: bigint, minor: bigint, patch: bigint, prerelease = "", metadata = "", original?: string) {
    this.major = major;
    this.minor = minor;
    this.patch = patch;
    this.prerelease = prerelease;
    this.metadata = metadata;
    this.original = original ?? formatVersion(major, minor, patch, prerelease, metadata);
  }

  /** Canonical form `MAJOR.MINOR.PATCH[-pre][+meta]` without a `v` prefix, like Go's `Version.String()`. */
  toString(): string {
    return formatVersion(this.major, this.minor, this.patch, this.prerelease, this.metadata);
  }
}

function formatVersion(major: bigint, minor: bigint, patch: bigint, pre: string, meta: string): string {
  return `${major}.${minor}.${patch}${pre ? `-${pre}` : ""}${meta ? `+${meta}` : ""}`;
}

/** `strconv.ParseUint(s, 10, 64)`: ASCII digits only (leading zeros allowed), at most 2^64-1. */
function parseUint64(s: string): bigint | undefined {
  if (!/^[0-9]+$/.test(s)) return undefined;
  const n = BigInt(s);
  return n > UINT64_MAX ? undefined : n;
}

const EXAMPLE_VERSIONS = '"1.2.3", "v1.2", "1.2.3-rc.1"';

/**
 * Parses a version the way Masterminds `NewVersion` does: loose, so `v1.2`, `1.4` and `1` are accepted (missing
 * parts become `0`), build metadata is kept, leading zeros and four-part versions are rejected.
 *
 * @param text the version text; it is not trimmed (Masterminds does not trim either)
 * @returns the parsed version
 * @throws SemverError naming what is wrong, e.g. `invalid version "1.2.beta": "beta" is not a number ...`
 */
export function parseVersion(text: string): MVersion {
  const m = VERSION_REGEX.exec(text);
  if (m) {
    const parts = [m[1], m[2] ?? "", m[3] ?? ""];
    const nums: bigint[] = [];
    for (const p of parts) {
      if (p === "") {
        nums.push(0n);
        continue;
      }
      const n = parseUint64(p);
      if (n === undefined) {
        throw new SemverError(
          "version",
          text,
          `invalid version ${JSON.stringify(text)}: the number ${p} is larger than ${UINT64_MAX}, the largest supported value`,
        );
      }
      nums.push(n);
    }
    // validatePrerelease / validateMetadata cannot fail once the regex matched: the regex is stricter.
    return new MVersion(nums[0], nums[1], nums[2], m[4] ?? "", m[5] ?? "", text);
  }
  throw new SemverError(
    "version",
    text,
    `invalid version ${JSON.stringify(text)}: ${diagnoseVersion(text)}; expected a version such as ${EXAMPLE_VERSIONS}`,
  );
}

/** Parses, returning `undefined` instead of throwing. */
function tryParseVersion(text: string): MVersion | undefined {
  try {
    return parseVersion(text);
  } catch (e) {
    if (e instanceof SemverError) return undefined;
    throw e;
  }
}

/** Says why `text` does not match `semVerRegex` (only called after it failed to match). */
function diagnoseVersion(text: string): string {
  if (text === "") return "it is empty";
  if (text.trim() === "") return "it contains only whitespace";
  if (text.trim() !== text) return "it has leading or trailing whitespace";
  const op = /^(\|\||!=|>=|=>|<=|=<|~>|[=<>~^])/.exec(text);
  if (op) return `it starts with the operator "${op[1]}", which makes it a constraint, not a version`;
  if (!/[0-9]/.test(text)) return "it contains no version number";
  let rest = text;
  if (rest.startsWith("V")) return 'it starts with an upper-case "V"; only a lower-case "v" prefix is accepted';
  if (rest.startsWith("v")) rest = rest.slice(1);
  const plus = rest.indexOf("+");
  const beforeMeta = plus >= 0 ? rest.slice(0, plus) : rest;
  const meta = plus >= 0 ? rest.slice(plus + 1) : undefined;
  const dash = beforeMeta.indexOf("-");
  const core = dash >= 0 ? beforeMeta.slice(0, dash) : beforeMeta;
  const pre = dash >= 0 ? beforeMeta.slice(dash + 1) : undefined;

  const nums = core.split(".");
  if (nums.length > 3) return `it has ${nums.length} dot-separated numbers; a version has at most three (MAJOR.MINOR.PATCH)`;
  for (const n of nums) {
    if (n === "") return core === "" ? "it does not start with a number" : `"${core}" has an empty number`;
    if (n === "x" || n === "X" || n === "*") return `"${n}" is a wildcard, which makes it a range, not a version`;
    if (!/^[0-9]+$/.test(n)) return `"${n}" is not a number`;
    if (n.length > 1 && n.startsWith("0")) return `the number "${n}" has a leading zero`;
  }
  if (pre !== undefined) {
    const why = diagnoseIdentifiers(pre, "pre-release", true);
    if (why) return why;
  }
  if (meta !== undefined) {
    const why = diagnoseIdentifiers(meta, "build metadata", false);
    if (why) return why;
  }
  return "it is not a valid semantic version";
}

/** Explains what is wrong with a dot-separated pre-release or build-metadata string, or `undefined`. */
function diagnoseIdentifiers(s: string, what: string, numericNoLeadingZero: boolean): string | undefined {
  if (s === "") return `the ${what} is empty`;
  for (const id of s.split(".")) {
    if (id === "") return `the ${what} "${s}" has an empty identifier`;
    const bad = /[^0-9A-Za-z-]/.exec(id);
    if (bad) {
      return `the ${what} "${s}" contains "${bad[0]}"; only ASCII letters, digits, "-" and "." separators are allowed`;
    }
    if (numericNoLeadingZero && /^[0-9]+$/.test(id) && id.length > 1 && id.startsWith("0")) {
      return `the ${what} identifier "${id}" is numeric and has a leading zero`;
    }
  }
  return undefined;
}

/** Go `comparePrePart`, including its "numbers sort before strings" and uint64-only numeric rule. */
function comparePrePart(s: string, o: string): -1 | 0 | 1 {
  if (s === o) return 0;
  if (s === "") return -1;
  if (o === "") return 1;
  const oi = parseUint64(o);
  const si = parseUint64(s);
  if (oi === undefined && si === undefined) return s > o ? 1 : -1;
  if (oi === undefined) return -1; // s is a number, o is a string
  if (si === undefined) return 1; // s is a string, o is a number
  return si > oi ? 1 : -1;
}

/** Go `comparePrerelease`: identifier by identifier; a missing identifier sorts first. */
function comparePrerelease(v: string, o: string): -1 | 0 | 1 {
  const sparts = v.split(".");
  const oparts = o.split(".");
  const l = Math.max(sparts.length, oparts.length);
  for (let i = 0; i < l; i++) {
    const d = comparePrePart(i < sparts.length ? sparts[i] : "", i < oparts.length ? oparts[i] : "");
    if (d !== 0) return d;
  }
  return 0;
}

function cmpBig(a: bigint, b: bigint): -1 | 0 | 1 {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Go `Version.Compare` on parsed versions. */
function compareParsed(v: MVersion, o: MVersion): -1 | 0 | 1 {
  const d = cmpBig(v.major, o.major) || cmpBig(v.minor, o.minor) || cmpBig(v.patch, o.patch);
  if (d !== 0) return d;
  const ps = v.prerelease;
  const po = o.prerelease;
  if (ps === "" && po === "") return 0;
  if (ps === "") return 1;
  if (po === "") return -1;
  return comparePrerelease(ps, po);
}

function toVersion(v: MVersion | string): MVersion {
  return typeof v === "string" ? parseVersion(v) : v;
}

/**
 * Semantic-version precedence, as Masterminds `Version.Compare`: numbers first, a pre-release sorts before its
 * release, pre-release identifiers compare numerically or lexically (numeric ones first), build metadata is
 * ignored (so `1.0.0+a` and `1.0.0+b` are equal).
 *
 * @param a a version or version text (parsed loosely with {@link parseVersion})
 * @param b a version or version text
 * @returns -1 when `a < b`, 0 when equal in precedence, 1 when `a > b`
 * @throws SemverError when a string argument is not a version
 */
export function compareVersions(a: MVersion | string, b: MVersion | string): -1 | 0 | 1 {
  return compareParsed(toVersion(a), toVersion(b));
}

// ---------------------------------------------------------------------------------------------------------
// Constraints (constraints.go)
// ---------------------------------------------------------------------------------------------------------

/** Go RE2 `\s`. */
const WS = "[\\t\\n\\f\\r ]";

/** `cvRegex` from constraints.go (note: `|` inside the character classes is a literal, as in Go). */
const CV_REGEX =
  "v?([0-9|x|X|\\*]+)(\\.[0-9|x|X|\\*]+)?(\\.[0-9|x|X|\\*]+)?" +
  "(-([0-9A-Za-z\\-]+(\\.[0-9A-Za-z\\-]+)*))?" +
  "(\\+([0-9A-Za-z\\-]+(\\.[0-9A-Za-z\\-]+)*))?";

/** The operator alternation, including the empty operator between `=` and `!=`. */
const OPS = "=||!=|>|<|>=|=>|<=|=<|~|~>|\\^";

/** The operators without the empty one, for the linear-time validation regex below. */
const NON_EMPTY_OPS = "!=|>=|=>|<=|=<|~>|=|>|<|~|\\^";

/**
 * Not inside a whitespace run (the previous or the current character is not whitespace). Only used as a
 * prefix of unanchored searches whose pattern starts with `\s*`: the leftmost match can never start strictly
 * inside a whitespace run (starting at the run's first character matches too, `\s*` absorbing the rest), so
 * skipping those positions finds exactly Go's matches while avoiding quadratic backtracking on long runs.
 */
const NOT_MID_WS = `(?:(?<!${WS})|(?!${WS}))`;

/** `constraintRegex`: one comparator, anchored. */
const CONSTRAINT_REGEX = new RegExp(`^${WS}*(${OPS})${WS}*(${CV_REGEX})${WS}*$`);
/** `constraintRangeRegex`: `A - B`; group 1 is A, group 11 is B. */
const CONSTRAINT_RANGE_REGEX_SOURCE = `${NOT_MID_WS}${WS}*(${CV_REGEX})${WS}+-${WS}+(${CV_REGEX})${WS}*`;
/** `findConstraintRegex`: finds each comparator in an AND-list. */
const FIND_CONSTRAINT_REGEX_SOURCE = `${NOT_MID_WS}(${OPS})${WS}*(${CV_REGEX})`;

/**
 * Go's `validConstraintRegex`, verbatim. RE2 matches it in linear time, but a backtracking engine needs
 * polynomial time on inputs like `"1" + " ".repeat(5000) + "!"` (the empty operator lets adjacent `\s*` split
 * whitespace many ways), so it is kept only as the reference the tests compare {@link VALID_CONSTRAINT_REGEX}
 * against.
 * @internal
 */
export const GO_VALID_CONSTRAINT_REGEX_SOURCE = `^(${WS}*(${OPS})${WS}*(${CV_REGEX})${WS}*)((?:${WS}+|,${WS}*)(${OPS})${WS}*(${CV_REGEX})${WS}*)*$`;

/**
 * The same language as Go's `validConstraintRegex`, rewritten so that no two quantifiers compete for the same
 * whitespace: `S*(OPS)S*CV S*` equals `S*(OP S*)?CV S*` with OP a non-empty operator, and a trailing `S*`
 * followed by the separator `(S+|,S*)` equals `S+|S*,S*`. So an AND-list is
 * `S*(OP S*)?CV((S+|S*,S*)(OP S*)?CV)*S*`.
 * @internal
 */
export const VALID_CONSTRAINT_REGEX = new RegExp(
  `^${WS}*(?:(?:${NON_EMPTY_OPS})${WS}*)?(?:${CV_REGEX})` +
    `(?:(?:${WS}+|${WS}*,${WS}*)(?:(?:${NON_EMPTY_OPS})${WS}*)?(?:${CV_REGEX}))*${WS}*$`,
);

/** The comparison operators Masterminds accepts (`""` is the bare form, e.g. `1.2`). */
export type ConstraintOperator = "" | "=" | "!=" | ">" | "<" | ">=" | "=>" | "<=" | "=<" | "~" | "~>" | "^";

/** One comparator, e.g. `>=1.2` or `~1.x` (Go's unexported `constraint`). */
export interface Comparator {
  /** The operator as written (`=>` and `>=` are both kept as written). */
  readonly operator: ConstraintOperator;
  /** The version part as written, e.g. `1.x` or `v4.1.2-0`. */
  readonly original: string;
  /** The version compared against: wildcards and missing parts filled with `0`. */
  readonly version: MVersion;
  /** True when any part was a wildcard or missing (`1.x`, `1.2`, `*`). */
  readonly dirty: boolean;
  /** True when the minor part (and so the patch) was a wildcard or missing (`1`, `1.x`). */
  readonly minorDirty: boolean;
  /** True when only the patch part was a wildcard or missing (`1.2`, `1.2.x`). */
  readonly patchDirty: boolean;
}

type Outcome = { ok: true } | { ok: false; reason: string };
const OK: Outcome = { ok: true };
const fail = (reason: string): Outcome => ({ ok: false, reason });

function preMismatch(v: MVersion, c: Comparator): Outcome | undefined {
  // "If there is a pre-release on the version but the constraint isn't looking for them assume that
  // pre-releases are not compatible." (Masterminds issue 21)
  if (v.prerelease !== "" && c.version.prerelease === "") {
    return fail(`${v} is a prerelease version and the constraint is only looking for release versions`);
  }
  return undefined;
}

function constraintNotEqual(v: MVersion, c: Comparator): Outcome {
  if (c.dirty) {
    const pm = preMismatch(v, c);
    if (pm) return pm;
    if (c.version.major !== v.major) return OK;
    if (c.version.minor !== v.minor && !c.minorDirty) {
      return OK;
    } else if (c.minorDirty) {
      return fail(`${v} is equal to ${c.original}`);
    } else if (c.version.patch !== v.patch && !c.patchDirty) {
      return OK;
    } else if (c.patchDirty) {
      if (v.prerelease !== "" || c.version.prerelease !== "") {
        if (comparePrerelease(v.prerelease, c.version.prerelease) !== 0) return OK;
        return fail(`${v} is equal to ${c.original}`);
      }
      return fail(`${v} is equal to ${c.original}`);
    }
  }
  if (compareParsed(v, c.version) === 0) return fail(`${v} is equal to ${c.original}`);
  return OK;
}

function constraintGreaterThan(v: MVersion, c: Comparator): Outcome {
  const pm = preMismatch(v, c);
  if (pm) return pm;
  const no = fail(`${v} is less than or equal to ${c.original}`);
  if (!c.dirty) return compareParsed(v, c.version) === 1 ? OK : no;
  if (v.major > c.version.major) return OK;
  if (v.major < c.version.major) return no;
  if (c.minorDirty) return no; // >11 needs 12 or higher
  if (c.patchDirty) return v.minor > c.version.minor ? OK : no; // >11.1 needs 11.2 or higher
  return compareParsed(v, c.version) === 1 ? OK : no;
}

function constraintLessThan(v: MVersion, c: Comparator): Outcome {
  const pm = preMismatch(v, c);
  if (pm) return pm;
  return compareParsed(v, c.version) < 0 ? OK : fail(`${v} is greater than or equal to ${c.original}`);
}

function constraintGreaterThanEqual(v: MVersion, c: Comparator): Outcome {
  const pm = preMismatch(v, c);
  if (pm) return pm;
  return compareParsed(v, c.version) >= 0 ? OK : fail(`${v} is less than ${c.original}`);
}

function constraintLessThanEqual(v: MVersion, c: Comparator): Outcome {
  const pm = preMismatch(v, c);
  if (pm) return pm;
  const no = fail(`${v} is greater than ${c.original}`);
  if (!c.dirty) return compareParsed(v, c.version) <= 0 ? OK : no;
  if (v.major > c.version.major) return no;
  if (v.major === c.version.major && v.minor > c.version.minor && !c.minorDirty) return no;
  return OK;
}

function constraintTilde(v: MVersion, c: Comparator): Outcome {
  const pm = preMismatch(v, c);
  if (pm) return pm;
  if (compareParsed(v, c.version) < 0) return fail(`${v} is less than ${c.original}`);
  // ~0.0.0 is a special case where all versions are accepted (>= 0.0.0).
  if (c.version.major === 0n && c.version.minor === 0n && c.version.patch === 0n && !c.minorDirty && !c.patchDirty) {
    return OK;
  }
  if (v.major !== c.version.major) return fail(`${v} does not have same major version as ${c.original}`);
  if (v.minor !== c.version.minor && !c.minorDirty) {
    return fail(`${v} does not have same major and minor version as ${c.original}`);
  }
  return OK;
}

function constraintTildeOrEqual(v: MVersion, c: Comparator): Outcome {
  const pm = preMismatch(v, c);
  if (pm) return pm;
  if (c.dirty) return constraintTilde(v, c);
  return compareParsed(v, c.version) === 0 ? OK : fail(`${v} is not equal to ${c.original}`);
}

function constraintCaret(v: MVersion, c: Comparator): Outcome {
  const pm = preMismatch(v, c);
  if (pm) return pm;
  if (compareParsed(v, c.version) < 0) return fail(`${v} is less than ${c.original}`);
  // ^ when the major > 0 is >=x.y.z < x+1
  if (c.version.major > 0n || c.minorDirty) {
    return v.major === c.version.major ? OK : fail(`${v} does not have same major version as ${c.original}`);
  }
  // ^ when the major is 0 and minor > 0 is >=0.y.z < 0.y+1
  if (c.version.major === 0n && v.major > 0n) {
    return fail(`${v} does not have same major version as ${c.original}`);
  }
  if (c.version.minor > 0n || c.patchDirty) {
    return v.minor === c.version.minor
      ? OK
      : fail(
          `${v} does not have same minor version as ${c.original}. Expected minor versions to match when constraint major version is 0`,
        );
  }
  // ^ when the minor is 0 and minor > 0 is =0.0.z
  if (c.version.minor === 0n && v.minor > 0n) {
    return fail(`${v} does not have same minor version as ${c.original}`);
  }
  return c.version.patch === v.patch
    ? OK
    : fail(
        `${v} does not equal ${c.original}. Expect version and constraint to equal when major and minor versions are 0`,
      );
}

const CONSTRAINT_OPS: Record<ConstraintOperator, (v: MVersion, c: Comparator) => Outcome> = {
  "": constraintTildeOrEqual,
  "=": constraintTildeOrEqual,
  "!=": constraintNotEqual,
  ">": constraintGreaterThan,
  "<": constraintLessThan,
  ">=": constraintGreaterThanEqual,
  "=>": constraintGreaterThanEqual,
  "<=": constraintLessThanEqual,
  "=<": constraintLessThanEqual,
  "~": constraintTilde,
  "~>": constraintTilde,
  "^": constraintCaret,
};

function isX(x: string): boolean {
  return x === "x" || x === "*" || x === "X";
}

/** Go `parseConstraint` for one comparator string found by `findConstraintRegex`. */
function parseComparator(c: string, whole: string): Comparator {
  if (c.length === 0) {
    // Unreachable from NewConstraint (the validation regex needs a version), kept for fidelity: "" is >=0.0.0.
    return { operator: "", original: c, version: new MVersion(0n, 0n, 0n), dirty: true, minorDirty: false, patchDirty: false };
  }
  const m = CONSTRAINT_REGEX.exec(c);
  if (!m) {
    throw new SemverError("constraint", whole, `invalid constraint ${JSON.stringify(whole)}: ${JSON.stringify(c)} is not a comparison`);
  }
  const g = (i: number): string => m[i] ?? "";
  const operator = g(1) as ConstraintOperator;
  const original = g(2);
  let ver = original;
  let minorDirty = false;
  let patchDirty = false;
  let dirty = false;
  if (isX(g(3)) || g(3) === "") {
    ver = `0.0.0${g(6)}`;
    dirty = true;
  } else if (isX(g(4).replace(/^\./, "")) || g(4) === "") {
    minorDirty = true;
    dirty = true;
    ver = `${g(3)}.0.0${g(6)}`;
  } else if (isX(g(5).replace(/^\./, "")) || g(5) === "") {
    dirty = true;
    patchDirty = true;
    ver = `${g(3)}${g(4)}.0${g(6)}`;
  }
  let version: MVersion;
  try {
    version = parseVersion(ver);
  } catch (e) {
    if (!(e instanceof SemverError)) throw e;
    // Go reports this as "constraint Parser Error"; say which comparator and why.
    throw new SemverError(
      "constraint",
      whole,
      `invalid constraint ${JSON.stringify(whole)}: the version ${JSON.stringify(original)} in ` +
        `${JSON.stringify(c.trim())} is invalid: ${diagnoseConstraintVersion(original)}`,
    );
  }
  return { operator, original, version, dirty, minorDirty, patchDirty };
}

/**
 * Why a comparator's version part (which matched `cvRegex`, so it may hold wildcards as whole number parts)
 * does not parse as a version.
 */
function diagnoseConstraintVersion(text: string): string {
  const body = text.startsWith("v") ? text.slice(1) : text;
  const cut = body.search(/[-+]/);
  const core = cut >= 0 ? body.slice(0, cut) : body;
  for (const n of core.split(".")) {
    if (isX(n)) continue;
    if (!/^[0-9]+$/.test(n)) return `"${n}" is neither a number nor a wildcard (x, X, *)`;
    if (n.length > 1 && n.startsWith("0")) return `the number "${n}" has a leading zero`;
    if (parseUint64(n) === undefined) return `the number ${n} is larger than ${UINT64_MAX}`;
  }
  return diagnoseVersion(`0.0.0${cut >= 0 ? body.slice(cut) : ""}`);
}

/** Go `rewriteRange`: each `A - B` becomes `>= A, <= B `. */
function rewriteRange(i: string): string {
  const matches = [...i.matchAll(new RegExp(CONSTRAINT_RANGE_REGEX_SOURCE, "g"))];
  if (matches.length === 0) return i;
  let o = i;
  for (const v of matches) {
    const t = `>= ${v[1]}, <= ${v[11]} `;
    const at = o.indexOf(v[0]);
    if (at >= 0) o = o.slice(0, at) + t + o.slice(at + v[0].length); // strings.Replace(o, v[0], t, 1)
  }
  return o;
}

const CONSTRAINT_HELP =
  'expected comparisons such as ">=1.2.3", "<2", "~1.2", "^1.2.3", "1.x" or "1.2 - 1.4.5", joined by "," or spaces for AND and "||" for OR';

/** Explains why one `||` alternative failed `validConstraintRegex`. */
function diagnoseSegment(segment: string): string {
  const j = JSON.stringify;
  if (segment.trim() === "") return 'an alternative next to "||" is empty';
  const found = [...segment.matchAll(new RegExp(FIND_CONSTRAINT_REGEX_SOURCE, "g"))];
  if (found.length === 0) return `${j(segment.trim())} is not a comparison`;
  let pos = 0;
  let prev: string | undefined;
  for (const f of found) {
    const rawGap = segment.slice(pos, f.index);
    const gap = rawGap.trim();
    const cur = f[0].trim();
    if (prev === undefined) {
      if (gap !== "") return `unexpected ${j(gap)} before ${j(cur)}`;
    } else if (rawGap === "") {
      return `${j(prev)} and ${j(cur)} are run together; separate comparisons with "," or a space`;
    } else if (gap !== "" && gap !== ",") {
      return `unexpected ${j(gap)} between ${j(prev)} and ${j(cur)}`;
    }
    prev = cur;
    pos = f.index + f[0].length;
  }
  const tail = segment.slice(pos).trim();
  if (tail !== "") return `unexpected ${j(tail)} after ${j(prev)}`;
  return `${j(segment.trim())} is not a valid list of comparisons`;
}

/**
 * A parsed constraint: an OR (`||`) of AND groups of comparators, Masterminds' `*semver.Constraints`.
 */
export class Constraint {
  /** The text that was parsed, unchanged. */
  readonly original: string;
  /** OR-alternatives, each an AND-list of comparators. */
  readonly alternatives: readonly (readonly Comparator[])[];

  /**
   * Use {@link parseConstraint} to build one.
   * @param original the source text
   * @param alternatives OR-alternatives of AND-lists
   */
  constructor(original: string, alternatives: readonly (readonly Comparator[])[]) {
    this.original = original;
    this.alternatives = alternatives;
  }

  /**
   * Masterminds `Constraints.Check`: true when the version satisfies every comparator of at least one
   * alternative.
   *
   * @param version a version, or text parsed with {@link parseVersion}
   * @throws SemverError when `version` is text that is not a version
   */
  check(version: MVersion | string): boolean {
    return this.explain(version).ok;
  }

  /**
   * Like {@link Constraint.check} but also says why not. `ok` always equals `check`; `reason` lists, per
   * alternative, the first comparator that failed, using Masterminds' own failure messages (e.g.
   * `1.30.0-tke.1 is a prerelease version and the constraint is only looking for release versions`).
   *
   * @param version a version, or text parsed with {@link parseVersion}
   * @throws SemverError when `version` is text that is not a version
   */
  explain(version: MVersion | string): { ok: boolean; reason?: string } {
    const v = toVersion(version);
    const reasons: string[] = [];
    for (const and of this.alternatives) {
      let failed: string | undefined;
      for (const c of and) {
        const r = CONSTRAINT_OPS[c.operator](v, c);
        if (!r.ok) {
          failed = r.reason;
          break;
        }
      }
      if (failed === undefined) return { ok: true };
      reasons.push(failed);
    }
    return { ok: false, reason: reasons.join("; ") };
  }

  /** Canonical form like Go's `Constraints.String()`: comparators space-separated, alternatives joined by ` || `. */
  toString(): string {
    return this.alternatives.map((and) => and.map((c) => c.operator + c.original).join(" ")).join(" || ");
  }
}

/**
 * Parses a constraint the way Masterminds `NewConstraint` does: `A - B` ranges are rewritten first, the text is
 * split on `||`, each alternative must match Masterminds' validation regex, and each comparator's version must
 * parse. An empty string is **not** a valid constraint here (as in Masterminds); KubeSphere's special case for
 * an empty constraint lives in {@link satisfies} / {@link checkConstraint}.
 *
 * @param text the constraint text, e.g. `>= 1.0.0-0`, `>=4.1, <5 || 6.x`
 * @returns the parsed constraint
 * @throws SemverError naming the alternative or comparator that is invalid and what would be valid
 */
export function parseConstraint(text: string): Constraint {
  const rewritten = rewriteRange(text);
  const ors = rewritten.split("||");
  const alternatives: Comparator[][] = [];
  for (const segment of ors) {
    if (!VALID_CONSTRAINT_REGEX.test(segment)) {
      const where = ors.length > 1 ? ` in the alternative ${JSON.stringify(segment.trim())}` : "";
      throw new SemverError(
        "constraint",
        text,
        `invalid constraint ${JSON.stringify(text)}${where}: ${diagnoseSegment(segment)}; ${CONSTRAINT_HELP}`,
      );
    }
    const found = [...segment.matchAll(new RegExp(FIND_CONSTRAINT_REGEX_SOURCE, "g"))].map((m) => m[0]);
    const cs = found.length > 0 ? found : [segment];
    alternatives.push(cs.map((s) => parseComparator(s, text)));
  }
  return new Constraint(text, alternatives);
}

/**
 * Whether `version` satisfies `constraint`, exactly as KubeSphere's recommendedVersion matching decides
 * (docs/kubesphere-behavior.md §3.4): an **empty** constraint matches; a constraint that does not parse counts as **not
 * matched**; otherwise Masterminds `Check`. A version that does not parse also gives `false`.
 *
 * @param constraint e.g. `>=4.1.0-0`
 * @param version e.g. `v4.1.3`
 */
export function satisfies(constraint: string, version: string): boolean {
  return checkConstraint(constraint, version).ok;
}

/**
 * Like {@link satisfies} but with a human-readable `reason` whenever `ok` is false: the constraint or the version
 * does not parse (the parser's message), or the version does not satisfy it (Masterminds' failure message,
 * e.g. that a pre-release version only matches constraints naming a pre-release).
 *
 * @param constraint the constraint text; `""` matches everything, as in KubeSphere
 * @param version the version text (loose: `v` prefix and short forms allowed)
 */
export function checkConstraint(constraint: string, version: string): { ok: boolean; reason?: string } {
  let c: Constraint | undefined;
  if (constraint !== "") {
    try {
      c = parseConstraint(constraint);
    } catch (e) {
      if (!(e instanceof SemverError)) throw e;
      return { ok: false, reason: `${e.message} (KubeSphere counts an unparsable constraint as not matched)` };
    }
  }
  let v: MVersion;
  try {
    v = parseVersion(version);
  } catch (e) {
    if (!(e instanceof SemverError)) throw e;
    return { ok: false, reason: e.message };
  }
  if (c === undefined) return { ok: true };
  const r = c.explain(v);
  return r.ok ? { ok: true } : { ok: false, reason: `${version} does not satisfy ${JSON.stringify(constraint)}: ${r.reason}` };
}

// ---------------------------------------------------------------------------------------------------------
// Exact versions (KubeSphere ExtensionVersion names)
// ---------------------------------------------------------------------------------------------------------

/**
 * True only for a strict, complete semantic version `MAJOR.MINOR.PATCH[-PRERELEASE]`: no `v` prefix, no
 * missing parts, no operators, ranges or wildcards, no leading zeros, no surrounding whitespace and no
 * `+build` metadata (ExtensionVersion names are DNS-1123, so `+` never occurs). Numbers must fit in 64 bits.
 *
 * @param text the candidate, e.g. `1.2.0` or `4.2.0-rc.1`
 */
export function isExactVersion(text: string): boolean {
  const m = EXACT_VERSION_REGEX.exec(text);
  return m !== null && [m[1], m[2], m[3]].every((n) => parseUint64(n) !== undefined);
}

/**
 * A precise, human-readable reason why `text` is not an exact version (see {@link isExactVersion}), with the
 * exact version to write instead when one is evident, for example:
 * "`^1.2` is a range, not an exact version", "`latest` is not a version", "the version is empty",
 * "`v1.2.0` has a `v` prefix; write `1.2.0`", "`1.2` lacks a patch number; write `1.2.0`".
 * For an exact version it returns "`<text>` is an exact version".
 *
 * @param text the candidate that {@link isExactVersion} rejected
 */
export function explainNonExact(text: string): string {
  const q = (s: string): string => `\`${s}\``;
  if (isExactVersion(text)) return `${q(text)} is an exact version`;
  if (text === "") return "the version is empty; write an exact version such as `1.2.0`";
  if (text.trim() === "") return "the version is only whitespace; write an exact version such as `1.2.0`";
  if (text.trim() !== text) {
    const inner = text.trim();
    return isExactVersion(inner)
      ? `${q(text)} has leading or trailing whitespace; write ${q(inner)}`
      : `${q(text)} has leading or trailing whitespace, and ${explainNonExact(inner)}`;
  }
  const loose = tryParseVersion(text);
  if (loose) {
    const issues: string[] = [];
    if (text.startsWith("v")) issues.push("has a `v` prefix");
    const core = text.replace(/^v/, "").split(/[-+]/, 1)[0].split(".");
    if (core.length === 1) issues.push("lacks minor and patch numbers");
    else if (core.length === 2) issues.push("lacks a patch number");
    if (loose.metadata !== "") {
      issues.push(`has build metadata ${q(`+${loose.metadata}`)} (ExtensionVersion names cannot contain \`+\`)`);
    }
    const fix = `${loose.major}.${loose.minor}.${loose.patch}${loose.prerelease ? `-${loose.prerelease}` : ""}`;
    return `${q(text)} ${issues.length ? issues.join(" and ") : "is not in strict MAJOR.MINOR.PATCH form"}; write ${q(fix)}`;
  }
  let constraint: Constraint | undefined;
  try {
    constraint = parseConstraint(text);
  } catch (e) {
    if (!(e instanceof SemverError)) throw e;
    constraint = undefined;
  }
  if (constraint) {
    const only = constraint.alternatives.length === 1 && constraint.alternatives[0].length === 1
      ? constraint.alternatives[0][0]
      : undefined;
    if (only && (only.operator === "=" || only.operator === "") && !only.dirty) {
      const v = only.version;
      const fix = `${v.major}.${v.minor}.${v.patch}${v.prerelease ? `-${v.prerelease}` : ""}`;
      return `${q(text)} is a constraint with the operator \`=\`, not an exact version; write ${q(fix)}`;
    }
    if (only && (only.operator === "=" || only.operator === "") && /[*xX]/.test(only.original)) {
      return `${q(text)} is a wildcard range, not an exact version`;
    }
    return `${q(text)} is a range, not an exact version`;
  }
  if (!/[0-9]/.test(text)) return `${q(text)} is not a version; write an exact version such as \`1.2.0\``;
  return `${q(text)} is not a valid version: ${diagnoseVersion(text)}`;
}

// ---------------------------------------------------------------------------------------------------------
// Kubernetes versions
// ---------------------------------------------------------------------------------------------------------

/**
 * The Kubernetes version to check `kubeVersion` constraints against, given the discovery
 * `ServerVersion().GitVersion`.
 *
 * **Decision: KubeSphere semantics, unchanged.** ks-controller-manager passes the discovery gitVersion to
 * Masterminds as-is, so the returned `version` is always `gitVersion` itself. Consequences, which `note`
 * spells out:
 * - a vendor suffix such as `v1.30.0-tke.1` or `v1.31.1-eks-ce1d5eb` is a semver **pre-release**, so it fails
 *   `>=1.19.0` but passes `>=1.19.0-0` (which is why the catalog writes `-0`, docs/kubesphere-catalog.md §9);
 * - build metadata such as `v1.29.3+k3s1` is ignored by every comparison, so it behaves as `v1.29.3`.
 *
 * We never relax this, so we never accept what KubeSphere's recommendedVersion logic (or Helm's `kubeVersion`
 * check in the install Job) would reject. A caller that wants to tell the user that a failure is only due to
 * the vendor suffix can use {@link stripVendorSuffix} to re-check the release version and phrase a hint.
 *
 * @param gitVersion e.g. `v1.30.0-tke.1`
 * @returns `version` (= `gitVersion`) and, when it is a pre-release, carries build metadata or does not parse,
 *   a `note` explaining the effect
 */
export function kubeVersionForConstraints(gitVersion: string): { version: string; note?: string } {
  let v: MVersion;
  try {
    v = parseVersion(gitVersion);
  } catch (e) {
    if (!(e instanceof SemverError)) throw e;
    return {
      version: gitVersion,
      note: `${e.message}; every kubeVersion constraint except an empty one will count as not matched`,
    };
  }
  const notes: string[] = [];
  if (v.prerelease !== "") {
    const release = `${v.major}.${v.minor}.${v.patch}`;
    notes.push(
      `Kubernetes ${gitVersion} carries the suffix \`-${v.prerelease}\`, which KubeSphere (Masterminds semver) treats as a pre-release: it only satisfies constraints that name a pre-release, e.g. \`>=1.19.0-0\` but not \`>=1.19.0\`, although the release ${release} would`,
    );
  }
  if (v.metadata !== "") {
    notes.push(`the build metadata \`+${v.metadata}\` of ${gitVersion} is ignored when checking constraints`);
  }
  return notes.length ? { version: gitVersion, note: notes.join("; ") } : { version: gitVersion };
}

/**
 * The release version under a vendor pre-release suffix: `v1.30.0-tke.1` → `v1.30.0`,
 * `v1.31.1-eks-ce1d5eb` → `v1.31.1`, `1.28.2-gke.1+abc` → `1.28.2` (a `v` prefix is kept as written; missing
 * minor/patch are filled in). Returns `undefined` when there is no pre-release suffix (`v1.29.3`, and also
 * `v1.29.3+k3s1`, whose build metadata never affects a check) or when `gitVersion` does not parse.
 *
 * @param gitVersion the discovery gitVersion
 */
export function stripVendorSuffix(gitVersion: string): string | undefined {
  const v = tryParseVersion(gitVersion);
  if (!v || v.prerelease === "") return undefined;
  return `${gitVersion.startsWith("v") ? "v" : ""}${v.major}.${v.minor}.${v.patch}`;
}

/**
 * Versions sorted ascending by Masterminds precedence; text that is not a version sorts after the
 * versions, by text. The one version ordering used for listing versions in messages and views.
 *
 * @param versions version texts (loose forms such as `v1.2` are accepted, as Masterminds accepts them)
 */
export function sortVersions(versions: string[]): string[] {
  const parsed = new Map<string, MVersion | undefined>();
  for (const v of versions) {
    try { parsed.set(v, parseVersion(v)); } catch { parsed.set(v, undefined); }
  }
  return [...versions].sort((a, b) => {
    const pa = parsed.get(a);
    const pb = parsed.get(b);
    if (pa && pb) return compareVersions(pa, pb) || a.localeCompare(b);
    if (pa || pb) return pa ? -1 : 1;
    return a.localeCompare(b);
  });
}
