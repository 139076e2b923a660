// The set every benchmark program declares: a JSON file written by bench/engine/run.ts
// ([{ name, version, deps: [names], config? }]), path in BENCH_GRAPH.
"use strict";
const fs = require("fs");

function loadGraph() {
  const file = process.env.BENCH_GRAPH;
  if (!file) throw new Error("BENCH_GRAPH is not set (the path of the set's JSON file; bench/engine/run.ts sets it)");
  const set = JSON.parse(fs.readFileSync(file, "utf8"));
  if (!Array.isArray(set)) throw new Error(`BENCH_GRAPH ${file}: expected a JSON array of { name, version, deps }`);
  return set;
}

/** Declares `make(entry, deps)` for every entry, dependencies first (the file is in any order). */
function declareInOrder(set, make) {
  const byName = new Map(set.map((e) => [e.name, e]));
  const made = new Map();
  const visit = (e, path) => {
    if (made.has(e.name)) return made.get(e.name);
    if (path.includes(e.name)) throw new Error(`BENCH_GRAPH: cycle ${[...path, e.name].join(" -> ")}`);
    const deps = (e.deps || []).map((d) => {
      const dep = byName.get(d);
      if (!dep) throw new Error(`BENCH_GRAPH: ${e.name} requires ${d}, which is not in the set`);
      return visit(dep, [...path, e.name]);
    });
    const r = make(e, deps);
    made.set(e.name, r);
    return r;
  };
  for (const e of set) visit(e, []);
  return made;
}

module.exports = { loadGraph, declareInOrder };
