/**
 * Generates `docs/api.md`, the API reference of the package, from the JSDoc in the sources with the
 * TypeScript compiler API: the `KubeSphereExtension` component (constructor, inputs, outputs and the
 * types they use) in full, then every other export of `index.ts` with its summary.
 *
 * Usage: `npx ts-node docs/generate-api.ts` writes docs/api.md; `--check` exits 1 when the committed
 * file is out of date (the test `tests/docs/api.spec.ts` does the same).
 */
import * as fs from "fs";
import * as path from "path";
import * as ts from "typescript";

/** Interfaces of `components/extension.ts` documented in full, in this order. */
const COMPONENT_TYPES = [
  "KubeSphereExtensionArgs", "ExtensionRequestArgs", "HostArgs", "ClusterSchedulingArgs", "RolloutArgs", "LabelSelectorArgs", "LabelSelectorRequirementArgs",
  "KubeSphereExtensionOptions", "ClusterStateOutput",
];

function jsDocOf(node: ts.Node): { text: string; internal: boolean; tags: Array<{ name: string; text: string }> } {
  const docs = (node as { jsDoc?: ts.JSDoc[] }).jsDoc ?? [];
  const doc = docs[docs.length - 1];
  if (!doc) return { text: "", internal: false, tags: [] };
  const comment = typeof doc.comment === "string" ? doc.comment : ts.getTextOfJSDocComment(doc.comment) ?? "";
  const tags = (doc.tags ?? []).map((t) => ({
    name: t.tagName.text,
    text: (typeof t.comment === "string" ? t.comment : ts.getTextOfJSDocComment(t.comment) ?? "").trim(),
  }));
  return { text: comment.trim(), internal: tags.some((t) => t.name === "internal"), tags };
}

/** The first sentence of a doc text (up to a period before a capital letter, or the end), one line. */
function summary(text: string): string {
  const flat = text.replace(/```[\s\S]*?```/g, "").replace(/\{@link\s+([^}\s]+)\s*\}/g, "`$1`").replace(/\s+/g, " ").trim();
  const m = /^(.*?\.)(?=\s+[A-Z]|$)/.exec(flat);
  return (m ? m[1] : flat).replace(/\|/g, "\\|");
}

function cell(text: string): string {
  return text.replace(/\s*\n\s*/g, " ").replace(/\|/g, "\\|").trim();
}

function typeText(node: ts.TypeNode | undefined, source: ts.SourceFile): string {
  return node ? node.getText(source).replace(/\s+/g, " ") : "unknown";
}

function propertyRows(members: ts.NodeArray<ts.TypeElement | ts.ClassElement>, source: ts.SourceFile, isClass: boolean): string[] {
  const rows: string[] = [];
  for (const m of members) {
    if (!ts.isPropertySignature(m) && !ts.isPropertyDeclaration(m)) continue;
    const mods = ts.canHaveModifiers(m) ? ts.getModifiers(m) ?? [] : [];
    if (isClass && mods.some((x) => x.kind === ts.SyntaxKind.PrivateKeyword || x.kind === ts.SyntaxKind.ProtectedKeyword)) continue;
    const doc = jsDocOf(m);
    if (doc.internal) continue;
    const name = m.name.getText(source);
    const required = !isClass && m.questionToken === undefined;
    const text = doc.text.replace(/\{@link\s+([^}\s]+)\s*\}/g, "`$1`");
    rows.push(`| \`${name}\`${required ? " (required)" : ""} | \`${cell(typeText(m.type, source))}\` | ${cell(text) || "—"} |`);
  }
  return rows;
}

function findDeclaration<T extends ts.Node>(source: ts.SourceFile, name: string, test: (n: ts.Node) => n is T): T {
  let found: T | undefined;
  source.forEachChild((n) => {
    if (test(n) && (n as unknown as { name?: ts.Identifier }).name?.text === name) found = n;
  });
  if (!found) throw new Error(`generate-api: ${name} not found in ${source.fileName}`);
  return found;
}

/** The component section: class, constructor, outputs, and the argument types. */
function componentSection(program: ts.Program, root: string): string {
  const source = program.getSourceFile(path.join(root, "components/extension.ts"))!;
  const cls = findDeclaration(source, "KubeSphereExtension", ts.isClassDeclaration);
  const clsDoc = jsDocOf(cls);
  const ctor = cls.members.find(ts.isConstructorDeclaration);
  let out = "## `KubeSphereExtension`\n\n";
  out += `${clsDoc.text}\n\n`;
  out += "Type token: `kubesphere:index:KubeSphereExtension`.\n\n";
  if (ctor) {
    const params = ctor.parameters.map((p) => `${p.name.getText(source)}${p.questionToken || p.initializer ? "?" : ""}: ${typeText(p.type, source)}`).join(", ");
    out += `### Constructor\n\n\`\`\`ts\nnew KubeSphereExtension(${params})\n\`\`\`\n\n`;
  }
  out += "### Outputs\n\n| Output | Type | Description |\n|---|---|---|\n";
  out += propertyRows(cls.members, source, true).join("\n") + "\n\n";
  for (const name of COMPONENT_TYPES) {
    const decl = findDeclaration(source, name, ts.isInterfaceDeclaration);
    const doc = jsDocOf(decl);
    const heritage = decl.heritageClauses?.map((h) => h.getText(source)).join(" ");
    out += `### \`${name}\`\n\n${doc.text}${heritage ? `\n\n\`${heritage}\`` : ""}\n\n`;
    out += "| Property | Type | Description |\n|---|---|---|\n";
    out += propertyRows(decl.members, source, false).join("\n") + "\n\n";
  }
  return out;
}

function kindOf(decl: ts.Declaration): string {
  if (ts.isClassDeclaration(decl)) return "class";
  if (ts.isInterfaceDeclaration(decl)) return "interface";
  if (ts.isTypeAliasDeclaration(decl)) return "type";
  if (ts.isFunctionDeclaration(decl)) return "function";
  if (ts.isVariableDeclaration(decl)) return "const";
  if (ts.isEnumDeclaration(decl)) return "enum";
  return "export";
}

/** Every other export of index.ts: name, kind, module, summary. */
function librarySection(program: ts.Program, root: string): string {
  const checker = program.getTypeChecker();
  const index = program.getSourceFile(path.join(root, "index.ts"))!;
  const moduleSymbol = checker.getSymbolAtLocation(index)!;
  const component = new Set(["KubeSphereExtension", ...COMPONENT_TYPES]);
  const rows: Array<{ module: string; line: string }> = [];
  for (const exp of checker.getExportsOfModule(moduleSymbol)) {
    if (component.has(exp.name)) continue;
    const target = exp.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exp) : exp;
    const decl = target.declarations?.[0];
    if (!decl) continue;
    const docNode = ts.isVariableDeclaration(decl) ? decl.parent.parent : decl;
    const doc = jsDocOf(docNode);
    if (doc.internal) continue;
    const module = path.relative(root, decl.getSourceFile().fileName).replace(/\\/g, "/");
    rows.push({ module, line: `| \`${exp.name}\` | ${kindOf(decl)} | ${summary(doc.text) || "—"} |` });
  }
  rows.sort((a, b) => a.module.localeCompare(b.module) || a.line.localeCompare(b.line));
  let out = "## Library exports\n\nThe building blocks the component is made of, exported so that tools (the `kubesphere-ext` CLI, " +
    "policies, tests) share one code path. Grouped by module; the sources carry the full JSDoc.\n\n";
  let current = "";
  for (const r of rows) {
    if (r.module !== current) {
      current = r.module;
      out += `${out.endsWith("|\n") ? "\n" : ""}### \`${current}\`\n\n| Export | Kind | Summary |\n|---|---|---|\n`;
    }
    out += r.line + "\n";
  }
  return out;
}

/** The whole of docs/api.md for the repository at `root`. */
export function generateApiMarkdown(root: string): string {
  const program = ts.createProgram([path.join(root, "index.ts")], {
    target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.CommonJS, strict: true, skipLibCheck: true, noEmit: true,
    esModuleInterop: true, resolveJsonModule: true,
  });
  return "<!-- Generated by docs/generate-api.ts from the JSDoc in the sources. Do not edit: run `npx ts-node docs/generate-api.ts`. -->\n" +
    "# API reference — `@kubesphere-ext/pulumi-kubesphere`\n\n" +
    componentSection(program, root) + librarySection(program, root);
}

if (require.main === module) {
  const root = path.resolve(__dirname, "..");
  const file = path.join(root, "docs", "api.md");
  const text = generateApiMarkdown(root);
  if (process.argv.includes("--check")) {
    const current = fs.existsSync(file) ? fs.readFileSync(file, "utf8") : "";
    if (current !== text) {
      process.stderr.write("docs/api.md is out of date: run `npx ts-node docs/generate-api.ts`\n");
      process.exitCode = 1;
    }
  } else {
    fs.writeFileSync(file, text);
    process.stdout.write(`wrote ${path.relative(process.cwd(), file)}\n`);
  }
}
