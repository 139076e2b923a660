/**
 * Progress lines reach the engine in the order they were written, even when the engine answers
 * the Log calls out of order (seen through the real engine: "wave 2" printed before "wave 1 done").
 */
import { expect } from "chai";
import * as grpc from "@grpc/grpc-js";
import { engineLogger } from "../../components/provider/engineLog";

/* eslint-disable @typescript-eslint/no-var-requires */
const engineRpc = require("@pulumi/pulumi/proto/engine_grpc_pb");
const emptyProto = require("google-protobuf/google/protobuf/empty_pb");

describe("engine log of the provider", () => {
  let server: grpc.Server;
  let address: string;
  const received: Array<{ urn: string; message: string }> = [];

  before(async () => {
    server = new grpc.Server();
    let n = 0;
    server.addService(engineRpc.EngineService, {
      // Like the engine, handles calls concurrently and "prints" when done; later calls finish sooner
      // (a delay that shrinks), so concurrent sends would be printed reversed.
      log: (call: { request: { getUrn(): string; getMessage(): string } }, cb: (e: null, r: unknown) => void) => {
        setTimeout(() => {
          received.push({ urn: call.request.getUrn(), message: call.request.getMessage() });
          cb(null, new emptyProto.Empty());
        }, Math.max(0, 40 - 8 * n++));
      },
      getRootResource: (_c: unknown, cb: (e: null, r: unknown) => void) => cb(null, undefined),
      setRootResource: (_c: unknown, cb: (e: null, r: unknown) => void) => cb(null, undefined),
      startDebugging: (_c: unknown, cb: (e: null, r: unknown) => void) => cb(null, undefined),
    });
    const port = await new Promise<number>((resolve, reject) =>
      server.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (e, p) => (e ? reject(e) : resolve(p))));
    address = `127.0.0.1:${port}`;
  });
  after(() => server.forceShutdown());

  it("sends each line after the previous one was acknowledged, with the resource's URN", async () => {
    const log = engineLogger(address);
    const lines = ["rollout of devops: 3 waves", "wave 1/3: add m1, m2", "wave 1/3: done", "wave 2/3: add m3, m4", "wave 2/3: done", "rollout of devops: done"];
    for (const l of lines) log("urn:pulumi:s::p::kubesphere:index:KubeSphereExtension::devops", l);
    const deadline = Date.now() + 5000;
    while (received.length < lines.length && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    expect(received.map((r) => r.message)).to.deep.equal(lines);
    expect(new Set(received.map((r) => r.urn))).to.deep.equal(new Set(["urn:pulumi:s::p::kubesphere:index:KubeSphereExtension::devops"]));
  });

  it("without an engine address it does nothing (and never throws)", () => {
    expect(() => engineLogger(undefined)("urn", "line")).to.not.throw();
  });
});
