/**
 * Properties of the in-memory store that clients rely on, over random operation sequences:
 * watch resumption replays exactly what a live watch saw, generation moves exactly on
 * non-metadata changes, and resourceVersions strictly increase.
 */
import { expect } from "chai";
import * as fc from "fast-check";
import { ManualClock } from "../../simulator/clock";
import { ApiError } from "../../simulator/errors";
import { ObjectStore, type KubeObject, type WatchEvent } from "../../simulator/store";

type Op =
  | { kind: "create"; name: string; team: string }
  | { kind: "label"; name: string; team: string }
  | { kind: "spec"; name: string; enabled: boolean }
  | { kind: "finalize"; name: string }
  | { kind: "unfinalize"; name: string }
  | { kind: "delete"; name: string };

const names = fc.constantFrom("a", "b", "c");
const teams = fc.constantFrom("x", "y");
const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ kind: fc.constant("create" as const), name: names, team: teams }),
  fc.record({ kind: fc.constant("label" as const), name: names, team: teams }),
  fc.record({ kind: fc.constant("spec" as const), name: names, enabled: fc.boolean() }),
  fc.record({ kind: fc.constant("finalize" as const), name: names }),
  fc.record({ kind: fc.constant("unfinalize" as const), name: names }),
  fc.record({ kind: fc.constant("delete" as const), name: names }),
);

function apply(store: ObjectStore, o: Op): void {
  try {
    switch (o.kind) {
      case "create":
        store.create("installplans", { apiVersion: "kubesphere.io/v1alpha1", kind: "InstallPlan", metadata: { name: o.name, labels: { team: o.team } }, spec: { extension: { name: o.name, version: "1.0.0" }, enabled: true } });
        break;
      case "label": store.patch("installplans", o.name, undefined, "merge", { metadata: { labels: { team: o.team } } }); break;
      case "spec": store.patch("installplans", o.name, undefined, "merge", { spec: { enabled: o.enabled } }); break;
      case "finalize": store.patch("installplans", o.name, undefined, "merge", { metadata: { finalizers: ["f"] } }); break;
      case "unfinalize": store.patch("installplans", o.name, undefined, "merge", { metadata: { finalizers: null } }); break;
      case "delete": store.delete("installplans", o.name); break;
    }
  } catch (e) {
    if (!(e instanceof ApiError)) throw e; // 404/409/422 are part of the game
  }
}

const show = (e: WatchEvent): string => `${e.type} ${e.object.metadata.name}@${e.object.metadata.resourceVersion}`;

describe("simulator object store (properties)", () => {
  it("a watch resumed from any resourceVersion sees exactly the suffix a live watch saw, selectors included", () => {
    fc.assert(fc.property(fc.array(op, { maxLength: 40 }), fc.nat(), fc.constantFrom("", "team=x"), (ops, cut, labelSelector) => {
      const store = new ObjectStore({ clock: new ManualClock() });
      const start = store.resourceVersion;
      const live: WatchEvent[] = [];
      store.watch("installplans", { resourceVersion: start, labelSelector }, (e) => live.push(e));
      const versions = [start];
      for (const o of ops) {
        apply(store, o);
        versions.push(store.resourceVersion);
      }
      const from = versions[cut % versions.length];
      const resumed: WatchEvent[] = [];
      const w = store.watch("installplans", { resourceVersion: from, labelSelector }, (e) => resumed.push(e));
      w.stop();
      expect(resumed.map(show)).to.deep.equal(live.filter((e) => Number(e.object.metadata.resourceVersion) > Number(from)).map(show));
    }));
  });

  it("moves generation exactly when something outside metadata changes, and resourceVersion on every change", () => {
    fc.assert(fc.property(fc.array(op, { maxLength: 40 }), (ops) => {
      const store = new ObjectStore({ clock: new ManualClock() });
      let previous = new Map<string, KubeObject>();
      for (const o of ops) {
        apply(store, o);
        const now = new Map(store.list("installplans").items.map((i) => [i.metadata.name, i]));
        for (const [name, obj] of now) {
          const before = previous.get(name);
          if (!before || before.metadata.uid !== obj.metadata.uid) {
            expect(obj.metadata.generation).to.equal(1);
            continue;
          }
          const specChanged = JSON.stringify(before.spec) !== JSON.stringify(obj.spec);
          expect(obj.metadata.generation).to.equal((before.metadata.generation ?? 1) + (specChanged ? 1 : 0));
          const changed = JSON.stringify(before) !== JSON.stringify(obj);
          if (changed) expect(Number(obj.metadata.resourceVersion)).to.be.greaterThan(Number(before.metadata.resourceVersion));
          else expect(obj.metadata.resourceVersion).to.equal(before.metadata.resourceVersion);
        }
        previous = now;
      }
    }));
  });

  it("keeps deleted-with-finalizer objects until the finalizer goes, whatever the order of operations", () => {
    fc.assert(fc.property(fc.array(op, { maxLength: 40 }), (ops) => {
      const store = new ObjectStore({ clock: new ManualClock() });
      for (const o of ops) {
        const before = store.get("installplans", o.name);
        apply(store, o);
        const after = store.get("installplans", o.name);
        if (o.kind === "delete" && before) {
          if (before.metadata.finalizers?.length) expect(after?.metadata.deletionTimestamp).to.be.a("string");
          else expect(after).to.equal(undefined);
        }
        if (o.kind === "unfinalize" && before?.metadata.deletionTimestamp) expect(after).to.equal(undefined);
        if (o.kind === "finalize" && before?.metadata.deletionTimestamp && !before.metadata.finalizers?.length) {
          expect.fail("an object being deleted without finalizers cannot exist");
        }
      }
    }));
  });
});
