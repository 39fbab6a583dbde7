import { describe, expect, it } from "vitest";
import { nodeUrlFor } from "../../apps/demo/node-url.ts";

describe("nodeUrlFor", () => {
  it.each([
    ["conference.test.vc.maxconf.ca", "https://conference.test.vc.maxconf.ca"],
    ["localhost:8083", "https://localhost:8083"],
    ["127.0.0.1:8083", "https://127.0.0.1:8083"],
    ["[::1]:8083", "https://[::1]:8083"],
    ["http://pexip.internal:8080", "http://pexip.internal:8080"],
    ["https://localhost:8443", "https://localhost:8443"],
  ])("dials %s at %s, as the shipped app does", (destinationHost, nodeUrl) => {
    expect(nodeUrlFor(destinationHost)).toBe(nodeUrl);
  });

  it("refuses a host that is no host", () => {
    expect(() => nodeUrlFor("not a host")).toThrow();
  });
});
