/**
 * Generates `components/provider/schema.json`, the package schema the provider serves, with the same
 * analyzer `pulumi package add` would run on a component package (`@pulumi/pulumi/provider/experimental`),
 * then marks the kubeconfig inputs secret (the analyzer has no way to say so).
 *
 * Usage: `npx ts-node --transpile-only scripts/generate-schema.ts` writes the file; `--check` exits 1
 * when the committed file is out of date (`tests/schema.spec.ts` runs the same comparison).
 */
import * as fs from "fs";
import * as path from "path";
import { ComponentProvider } from "@pulumi/pulumi/provider/experimental";
import { KubeSphereExtension } from "../components/extension";
import { KubeSphereExtensionSet } from "../components/extensionSet";
import { EXTENSION_SET_TYPE, PACKAGE_NAME } from "../components/tokens";

const REPO = path.resolve(__dirname, "..");
/** Where the provider reads its schema from. */
export const SCHEMA_PATH = path.join(REPO, "components/provider/schema.json");
/** Inputs that carry credentials. */
const SECRET_INPUTS = ["kubeconfig"];

/** The schema as the provider must serve it. */
export async function generateSchema(): Promise<Record<string, any>> {
  const provider = new ComponentProvider({
    components: [KubeSphereExtension, KubeSphereExtensionSet], dirname: REPO, name: PACKAGE_NAME,
  } as ConstructorParameters<typeof ComponentProvider>[0]);
  const raw = await provider.getSchema();
  const schema = (typeof raw === "string" ? JSON.parse(raw) : raw) as Record<string, any>;
  for (const r of Object.values(schema.resources ?? {}) as Array<{ inputProperties?: Record<string, Record<string, unknown>> }>) {
    for (const k of SECRET_INPUTS) if (r.inputProperties?.[k]) r.inputProperties[k].secret = true;
  }
  // The set's entries: a plain list (members are named when the program runs) of Input objects. With
  // plain items too, Go's codegen refers to an input type it never generates (the SDK does not compile).
  const extensions = schema.resources?.[EXTENSION_SET_TYPE]?.inputProperties?.extensions as { items?: { plain?: boolean } } | undefined;
  if (extensions?.items) delete extensions.items.plain;
  return renameTypes(schema);
}

/**
 * Object types are named without the TypeScript `Args` suffix (`kubesphere:index:ClusterScheduling`):
 * SDK generators append their own (`ClusterSchedulingArgs` in Python and Go, not `…ArgsArgs`).
 */
function renameTypes(schema: Record<string, any>): Record<string, any> {
  const renames = new Map<string, string>();
  for (const token of Object.keys(schema.types ?? {})) {
    if (token.endsWith("Args")) renames.set(token, token.slice(0, -"Args".length));
  }
  let text = JSON.stringify(schema);
  for (const [from, to] of renames) text = text.split(`"#/types/${from}"`).join(`"#/types/${to}"`);
  const renamed = JSON.parse(text);
  renamed.types = Object.fromEntries(Object.entries(renamed.types ?? {}).map(([k, v]) => [renames.get(k) ?? k, v]));
  return renamed;
}

/** The file text for a schema (stable formatting). */
export function schemaText(schema: Record<string, any>): string {
  return `${JSON.stringify(schema, null, 2)}\n`;
}

if (require.main === module) {
  generateSchema().then((schema) => {
    const text = schemaText(schema);
    if (process.argv.includes("--check")) {
      const current = fs.existsSync(SCHEMA_PATH) ? fs.readFileSync(SCHEMA_PATH, "utf8") : "";
      if (current !== text) {
        console.error(`${path.relative(REPO, SCHEMA_PATH)} is out of date: run npx ts-node --transpile-only scripts/generate-schema.ts`);
        process.exit(1);
      }
      console.log("schema is current");
      return;
    }
    fs.writeFileSync(SCHEMA_PATH, text);
    console.log(`wrote ${path.relative(REPO, SCHEMA_PATH)}`);
  }).catch((e) => {
    console.error(e);
    process.exit(1);
  });
}
