import type { ResourceValidationPolicy } from "@pulumi/policy";
import { explainNonExact, isExactVersion } from "../../components/semver/masterminds";
import { isInstallPlan, PACK_TAGS, planProps, show, subject } from "../lib/installPlan";

/**
 * Requires `spec.extension.version` to be one exact version (`1.1.2`, `4.2.0-rc.1`): no `latest`, no
 * ranges such as `^1.1`, no wildcards, no `v` prefix, not empty.
 *
 * The InstallPlan controller looks up the ExtensionVersion named `<extension>-<version>` literally
 * (docs/kubesphere-behavior.md §1.3). A range or tag names no object, and a plan whose ExtensionVersion is missing is
 * silently ignored: no status, no error, no retry (docs/kubesphere-behavior.md §3.3).
 *
 * @severity high
 */
export const requireExactVersion: ResourceValidationPolicy = {
  name: "kubesphere-installplan-exact-version",
  description: "InstallPlans must request one exact extension version (no \"latest\", ranges, wildcards or empty values).",
  enforcementLevel: "mandatory",
  severity: "high",
  tags: [...PACK_TAGS, "versions"],
  remediationSteps:
    "Set spec.extension.version (KubeSphereExtension: version) to one exact version that the repository has, " +
    "e.g. \"1.1.2\". List them with `kubectl get extensionversions -l kubesphere.io/extension-ref=<extension>`.",
  validateResource: (args, reportViolation) => {
    if (!isInstallPlan(args.type)) return;
    const version = planProps(args).spec?.extension?.version;
    if (typeof version !== "string") {
      reportViolation(
        `${subject(args)}: spec.extension.version is ${show(version)}; the CRD requires a string. ` +
        `Fix: set it to an exact version such as "1.1.2".`,
      );
      return;
    }
    if (isExactVersion(version)) return;
    reportViolation(
      `${subject(args)}: spec.extension.version ${show(version)} is not exact: ${explainNonExact(version)}. ` +
      `KubeSphere looks up the ExtensionVersion "<extension>-<version>" literally and silently ignores the plan ` +
      `when none has that name. Fix: pin one exact version that exists (\`kubectl get extensionversions ` +
      `-l kubesphere.io/extension-ref=<extension>\` lists them).`,
    );
  },
};
