import { expect } from "chai";
import * as fs from "fs";
import * as path from "path";
import type { PolicyConfigSchema } from "@pulumi/policy";
import { policies } from "../../policy-pack/policies";

const PACK_DIR = path.resolve(__dirname, "..", "..", "policy-pack");
const readme = fs.readFileSync(path.join(PACK_DIR, "README.md"), "utf8");
const exampleConfig = JSON.parse(fs.readFileSync(path.join(PACK_DIR, "policy-config.example.json"), "utf8")) as Record<string, unknown>;
const LEVELS = ["advisory", "mandatory", "remediate", "disabled"];

/** JSON-schema type name of a config value. */
function jsonType(v: unknown): string {
  if (Array.isArray(v)) return "array";
  if (v === null) return "null";
  if (typeof v === "number") return Number.isInteger(v) ? "integer" : "number";
  return typeof v;
}

describe("the kubesphere-extensions pack as a whole", () => {
  it("has 13 policies with unique kebab-case names", () => {
    const names = policies.map((p) => p.name);
    expect(names).to.have.length(13);
    expect(new Set(names).size).to.equal(13);
    for (const n of names) expect(n).to.match(/^kubesphere-(installplan|extension)-[a-z0-9]+(-[a-z0-9]+)*$/);
  });

  for (const p of policies) {
    describe(p.name, () => {
      it("states a description, remediation steps, a severity and a valid default enforcement level", () => {
        expect(p.description.length).to.be.greaterThan(20);
        expect(p.remediationSteps?.length ?? 0).to.be.greaterThan(40);
        expect(p.severity).to.be.oneOf(["low", "medium", "high", "critical"]);
        expect(p.enforcementLevel).to.be.oneOf(LEVELS);
      });

      it("keeps enforcementLevel out of its config schema (the server exits otherwise) and gives every option a default and a description", () => {
        const schema: PolicyConfigSchema | undefined = p.configSchema;
        if (!schema) return;
        expect(Object.keys(schema.properties)).not.to.include("enforcementLevel");
        expect(schema.required ?? []).not.to.include("enforcementLevel");
        for (const [key, prop] of Object.entries(schema.properties)) {
          expect(prop, key).to.be.an("object");
          expect((prop as { default?: unknown }).default, `${key} default`).not.to.equal(undefined);
          expect((prop as { description?: string }).description, `${key} description`).to.be.a("string");
        }
      });

      it("is documented in policy-pack/README.md with every config option", () => {
        expect(readme).to.contain(`### \`${p.name}\``);
        for (const key of Object.keys(p.configSchema?.properties ?? {})) expect(readme).to.contain(`\`${key}\``);
      });
    });
  }

  it("policy-config.example.json names only real policies and options, with the schema's types", () => {
    const byName = new Map(policies.map((p) => [p.name, p]));
    for (const [name, value] of Object.entries(exampleConfig)) {
      const policy = byName.get(name);
      expect(policy, name).not.to.equal(undefined);
      if (typeof value === "string") {
        expect(value).to.be.oneOf(LEVELS);
        continue;
      }
      for (const [key, v] of Object.entries(value as Record<string, unknown>)) {
        if (key === "enforcementLevel") {
          expect(v).to.be.oneOf(LEVELS);
          continue;
        }
        const prop = policy!.configSchema?.properties[key] as { type?: string } | undefined;
        expect(prop, `${name}.${key}`).not.to.equal(undefined);
        expect(jsonType(v), `${name}.${key}`).to.equal(prop!.type);
      }
    }
  });

  it("the README's example config is policy-config.example.json", () => {
    const block = /```json\n([\s\S]*?)```/.exec(readme);
    expect(JSON.parse(block![1])).to.deep.equal(exampleConfig);
  });
});
