import { expect } from "chai";
import { assertSupportedNode } from "../components/nodeVersion";

describe("supported Node.js versions", () => {
  it("rejects Node 20 and 22.18 with what to install", () => {
    expect(() => assertSupportedNode("20.20.2")).to.throw(/needs Node\.js >= 22\.19 .* this is Node\.js 20\.20\.2\. Install Node 24 LTS/);
    expect(() => assertSupportedNode("22.18.0")).to.throw(/22\.18\.0/);
  });
  it("accepts 22.19 and 24", () => {
    expect(() => assertSupportedNode("22.19.0")).to.not.throw();
    expect(() => assertSupportedNode("24.21.0")).to.not.throw();
  });
});
