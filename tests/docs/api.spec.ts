import { expect } from "chai";
import * as fs from "fs";
import * as path from "path";
import { generateApiMarkdown } from "../../docs/generate-api";

const ROOT = path.resolve(__dirname, "../..");

describe("docs/api.md", function () {
  this.timeout(60_000);
  let generated: string;
  before(() => { generated = generateApiMarkdown(ROOT); });

  it("is up to date with the JSDoc in the sources (regenerate: npx ts-node docs/generate-api.ts)", () => {
    const committed = fs.readFileSync(path.join(ROOT, "docs/api.md"), "utf8").split("\n");
    const fresh = generated.split("\n");
    const i = fresh.findIndex((line, n) => line !== committed[n]);
    const where = i < 0 ? (committed.length === fresh.length ? "" : `line ${fresh.length + 1}`) : `line ${i + 1}:\n  committed: ${committed[i] ?? "(end of file)"}\n  generated: ${fresh[i]}`;
    expect(where, "docs/api.md is stale: run `npx ts-node docs/generate-api.ts` and commit the result").to.equal("");
  });

  it("documents every argument of KubeSphereExtensionArgs (and the interfaces it extends) with its JSDoc", () => {
    const section = ["KubeSphereExtensionArgs", "ExtensionRequestArgs", "HostArgs"].map((t) => generated.split(`### \`${t}\``)[1].split("\n### ")[0]).join("\n");
    for (const arg of ["name", "version", "enabled", "config", "configYaml", "clusterScheduling", "retry", "catalogPaths", "ksVersion", "kubeVersion"]) {
      expect(section, arg).to.match(new RegExp(`\\| \`${arg}\`( \\(required\\))? \\| \`[^\`]+\` \\| [^—|]`));
    }
    expect(section).to.match(/\| `name` \(required\) \| `pulumi\.Input<string>` \| Extension name/);
  });

  it("lists the library exports of index.ts by module, with summaries", () => {
    expect(generated).to.match(/### `components\/resolve\/resolve\.ts`\n\n\| Export \| Kind \| Summary \|\n\|---\|---\|---\|\n(\|.*\n)*\| `resolveExtension` \| function \| Resolves a request against a catalog\. \|/);
  });
});
