/**
 * Entry point of the `kubesphere-extensions` policy pack, run by the Pulumi CLI:
 * `pulumi preview --policy-pack ./policy-pack [--policy-pack-config policy-config.json]`.
 *
 * This is the only file that constructs the `PolicyPack`; it starts the analyzer's gRPC server and
 * never returns, so nothing else may import it.
 */
import { PolicyPack } from "@pulumi/policy";
import { policies } from "./policies";

// `PolicyPack` reads the version from `${process.cwd()}/package.json`, but the Node.js language host
// can start the pack with the Pulumi *program's* directory as the working directory (seen with the
// CLI built in e2e/: "Version must be defined in the package.json file"). Run from the pack's own.
process.chdir(__dirname);

new PolicyPack("kubesphere-extensions", {
  policies,
  // Each policy states its own level; this default applies to any policy that does not.
  enforcementLevel: "mandatory",
  displayName: "KubeSphere extensions",
  description:
    "Guards KubeSphere 4.x InstallPlans managed with Pulumi: exact versions, Manual upgrades, naming, explicit " +
    "enabled, allow/deny lists, multicluster placement and blast radius, config YAML, dependencies, no downgrades, " +
    "no duplicates.",
});
