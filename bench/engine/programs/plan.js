// `spec.config` of a raw InstallPlan: the entry's values as YAML (only the stale-status check sets them).
"use strict";
function yamlConfig(e) {
  // `yaml` is loaded only when needed, so programs B and C load nothing beyond the Kubernetes SDK.
  return e.config ? { config: require("yaml").stringify(e.config, { sortMapEntries: true }) } : {};
}

module.exports = { yamlConfig };
