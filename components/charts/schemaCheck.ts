/**
 * JSON-schema checks: Helm validates each chart's values (defaults coalesced with the user's, the
 * subchart's part under its key, `global` included) against that chart's `values.schema.json` and
 * refuses the install when they fail. We run the same validation at preview (Ajv; JSON Schema
 * draft-07, or 2020-12 when the schema says so) and report each violation at the user's line.
 */
import Ajv, { ErrorObject, ValidateFunction } from "ajv";
import Ajv2020 from "ajv/dist/2020";
import { ConfigFinding, formatPath } from "./findings";
import { lineOfPath, UserNode } from "./userValues";
import { isMap, mergeValues, SchemaAt, ValuesModel } from "./valuesModel";

/** Compiled validators of one model (compiled once per model, i.e. once per chart version per source). */
export class SchemaValidators {
  private readonly compiled = new Map<SchemaAt, ValidateFunction | string>();

  /** @param model the model whose schemas are validated */
  constructor(readonly model: ValuesModel) {}

  /** The validator of a schema, or why it cannot be compiled. */
  validator(s: SchemaAt): ValidateFunction | string {
    let v = this.compiled.get(s);
    if (v === undefined) {
      try {
        const draft2020 = typeof s.schema.$schema === "string" && s.schema.$schema.includes("2020-12");
        const ajv = draft2020 ? new Ajv2020({ allErrors: true, strict: false }) : new Ajv({ allErrors: true, strict: false });
        v = ajv.compile(s.schema);
      } catch (e) {
        v = (e as Error).message;
      }
      this.compiled.set(s, v);
    }
    return v;
  }
}

function at(value: unknown, path: readonly string[]): unknown {
  let node = value;
  for (const k of path) node = isMap(node) ? node[k] : undefined;
  return node;
}

function describe(e: ErrorObject): string {
  const p = e.params as Record<string, unknown>;
  if (e.keyword === "additionalProperties") return `has a key ${JSON.stringify(p.additionalProperty)} the schema does not allow`;
  if (e.keyword === "enum") return `must be one of ${(p.allowedValues as unknown[]).map((x) => JSON.stringify(x)).join(", ")}`;
  return e.message ?? e.keyword;
}

/**
 * Validates merged values against every schema of the model.
 *
 * @param validators the model's validators
 * @param userValues the user's plain values (config, or config with the cluster's override merged in)
 * @param userRoot the user document whose lines are reported (config, or the override)
 * @param only report only violations at paths present in `userRoot` (for overrides: the config's
 *   own violations are reported once, for config)
 * @param cluster the cluster of an override
 */
export function checkSchemas(
  validators: SchemaValidators, userValues: Record<string, unknown>, userRoot: UserNode,
  only: (path: string[]) => boolean, cluster?: string,
): ConfigFinding[] {
  const model = validators.model;
  if (model.schemas.length === 0) return [];
  const merged = mergeValues(model.defaults, userValues) as Record<string, unknown>;
  const findings: ConfigFinding[] = [];
  for (const s of model.schemas) {
    const v = validators.validator(s);
    const where = s.path.length ? formatPath(s.path) : "the chart";
    if (typeof v === "string") {
      findings.push({ severity: "warning", path: formatPath(s.path), message: `values.schema.json of ${s.chart} (for ${where}) cannot be used: ${v}; its rules are not checked` });
      continue;
    }
    const part = at(merged, s.path);
    const data = isMap(part) ? { ...part } : {};
    if (s.path.length > 0 && isMap(merged.global)) data.global = mergeValues(data.global, merged.global);
    if (v(data)) continue;
    for (const e of v.errors ?? []) {
      const rel = e.instancePath.split("/").slice(1).map((x) => x.replace(/~1/g, "/").replace(/~0/g, "~"));
      if (e.keyword === "additionalProperties") rel.push(String((e.params as { additionalProperty: string }).additionalProperty));
      if (e.keyword === "required") rel.push(String((e.params as { missingProperty: string }).missingProperty));
      const full = [...s.path, ...rel];
      if (!only(full)) continue;
      const shown = formatPath(full);
      const value = at(merged, full);
      findings.push({
        severity: "error", path: shown, line: lineOfPath(userRoot, full),
        ...(cluster !== undefined ? { cluster } : {}),
        message: `${shown} ${describe(e)}${value !== undefined && e.keyword !== "required" && e.keyword !== "additionalProperties" ? ` (got ${JSON.stringify(value)})` : ""} — values.schema.json of ${s.chart}; Helm refuses the install`,
      });
    }
  }
  return findings;
}
