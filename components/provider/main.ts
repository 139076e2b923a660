/**
 * Entry point of the `kubesphere` provider plugin. `PulumiPlugin.yaml` (runtime nodejs) makes the
 * package a source-based plugin; the language host requires the package directory, whose
 * package.json `main` is this module (TypeScript programs import the package through its `exports`
 * map instead, which never loads this file).
 */
import "../nodeVersion";
import * as pulumi from "@pulumi/pulumi";
import { KubeSphereProvider } from "./provider";

// The language host passes the engine's address as the first argument after the program directory.
const args = process.argv.slice(2).filter((a) => !a.startsWith("-"));
pulumi.provider.main(new KubeSphereProvider(args[0]), process.argv.slice(2)).catch((e: Error) => {
  process.stderr.write(`kubesphere provider: ${e.message}\n`);
  process.exit(1);
});
