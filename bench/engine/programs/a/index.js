// A: one KubeSphereExtension per extension, ordered with dependsOn (the package's documented form).
"use strict";
const { KubeSphereExtension } = require("@kubesphere-ext/pulumi-kubesphere");
const { loadGraph, declareInOrder } = require("../graph");

declareInOrder(loadGraph(), (e, deps) => new KubeSphereExtension(e.name, {
  name: e.name,
  version: e.version,
  config: e.config,
  timeoutSeconds: 300,
  deleteTimeoutSeconds: 300,
}, { dependsOn: deps }));
