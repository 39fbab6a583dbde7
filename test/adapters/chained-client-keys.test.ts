import { describe, expect, it } from "vitest";
import { ChainedClientKeys } from "../../adapters/client-keys/chained-client-keys.ts";
import { loadServiceConfig } from "../../apps/api/config.ts";
import type { PublicJwk } from "../../core/ports.ts";
import { InMemoryClientKeys } from "../contract/fakes/in-memory-client-keys.ts";

const key = (kid: string): PublicJwk => ({ kty: "EC", crv: "P-256", x: "x", y: "y", kid });

describe("client keys from a file and a JWKS URL together", () => {
  const file = new InMemoryClientKeys({ "dev-app": [key("dev-1")] });
  const remote = new InMemoryClientKeys({
    "dev-app": [key("remote-1")],
    "their-app": [key("t-1")],
  });
  const keys = new ChainedClientKeys([file, remote]);

  it("answers from the first source that knows the client", async () => {
    expect(await keys.keysFor("dev-app")).toEqual([key("dev-1")]);
    expect(await keys.keysFor("their-app")).toEqual([key("t-1")]);
    expect(await keys.keysFor("nobody")).toEqual([]);
  });

  it("is a configuration the service takes; neither source is not", () => {
    const required = {
      ENTRA_TENANT: "t",
      ENTRA_CLIENT_ID: "c",
      ENTRA_CLIENT_SECRET: "s",
      ENTRA_SCOPE: "api://maxconf/.default",
      MAXCONF_URL: "https://maxconf.example",
      DESTINATION_HOST: "conference.example",
    };
    const both = {
      ...required,
      BCSC_CLIENT_KEYS_FILE: "./keys.json",
      BCSC_CLIENT_JWKS_URL: "https://idp.example/{client_id}/jwks",
    };
    expect(loadServiceConfig(both).BCSC_CLIENT_JWKS_URL).toBe(both.BCSC_CLIENT_JWKS_URL);
    expect(() => loadServiceConfig(required)).toThrow(
      /BCSC_CLIENT_KEYS_FILE or BCSC_CLIENT_JWKS_URL/,
    );
  });
});
