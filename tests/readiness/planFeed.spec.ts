/** PlanFeed details the waiter tests do not pin down, against the simulator API server. */
import { expect } from "chai";
import { startFakeCluster, type FakeCluster } from "../support/fakeApiServer";
import { PlanFeed } from "../../components/readiness/planFeed";
import { clientReadinessApi } from "../../components/readiness/kubeApi";
import { KubeClient } from "../../components/kube/client";
import { planObject, ScriptedController, until } from "./support";

describe("PlanFeed", function () {
  this.timeout(10_000);
  let env: FakeCluster;
  beforeEach(async () => { env = await startFakeCluster(); });
  afterEach(async () => { await env.close(); });

  it("a cancelled change-wait leaves no listener behind (the waiter races one per loop iteration)", async () => {
    const feed = new PlanFeed({ api: clientReadinessApi(new KubeClient(env.kc)), name: "devops" });
    feed.start();
    try {
      await until(() => feed.current().seen, "first list");
      const v = feed.current().version;
      for (let i = 0; i < 100; i++) {
        const ac = new AbortController();
        const p = feed.changed(v, ac.signal);
        ac.abort();
        await p;
      }
      expect(feed.listenerCount).to.equal(0);
      const pending = feed.changed(v);
      expect(feed.listenerCount).to.equal(1);
      new ScriptedController(env.server.store).apply(planObject("devops", "1.1.2", ""));
      await pending;
      expect(feed.listenerCount).to.equal(0);
      expect(feed.current().plan?.metadata.name).to.equal("devops");
    } finally {
      feed.stop();
    }
  });

  it("ignores a GET answer older than a watch event it already has", async () => {
    const ctl = new ScriptedController(env.server.store);
    ctl.apply(planObject("devops", "1.1.2", ""));
    const stale = env.server.store.get("installplans", "devops")!;
    const api = clientReadinessApi(new KubeClient(env.kc));
    // A GET that returns the object as it was before the watch delivered a newer version.
    const feed = new PlanFeed({ api: { ...api, getInstallPlan: async () => JSON.parse(JSON.stringify(stale)) }, name: "devops" });
    feed.start();
    try {
      ctl.setStatus("devops", { state: "Preparing" });
      await until(() => feed.current().plan?.status?.state === "Preparing", "watch delivered Preparing");
      await feed.poll();
      expect(feed.current().plan?.status?.state, "the older GET answer must not win").to.equal("Preparing");
    } finally {
      feed.stop();
    }
  });
});
