// B: raw InstallPlans through the Kubernetes provider, the same dependency graph, no readiness.
"use strict";
const k8s = require("@pulumi/kubernetes");
const { loadGraph, declareInOrder } = require("../graph");
const { yamlConfig } = require("../plan");

declareInOrder(loadGraph(), (e, deps) => new k8s.apiextensions.CustomResource(e.name, {
  apiVersion: "kubesphere.io/v1alpha1",
  kind: "InstallPlan",
  metadata: { name: e.name },
  spec: { extension: { name: e.name, version: e.version }, enabled: true, upgradeStrategy: "Manual", ...yamlConfig(e) },
}, { dependsOn: deps }));
