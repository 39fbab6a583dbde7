import { describe, expect, it } from "vitest";
import { tokenSettings } from "../../apps/simulators/token-settings.ts";

const defaults = { tenant: "dev-tenant", audience: "api://maxconf" };

describe("token server settings from the environment (npm run simulators)", () => {
  it("registers TOKEN_SERVER_CLIENTS, defaulting tenant and audience", () => {
    const settings = tokenSettings(
      {
        TOKEN_SERVER_CLIENTS: JSON.stringify([
          { clientId: "ops", clientSecret: "s", roles: ["Rooms.Manage"] },
          { clientId: "other", clientSecret: "t", tenant: "t2", audience: "api://x" },
        ]),
        TOKEN_EXPIRES_IN: "600",
        TOKEN_KEY_OVERLAP_SECONDS: "0",
      },
      defaults,
    );
    expect(settings).toEqual({
      extraClients: [
        { ...defaults, clientId: "ops", clientSecret: "s", roles: ["Rooms.Manage"] },
        { clientId: "other", clientSecret: "t", tenant: "t2", audience: "api://x" },
      ],
      tokenExpiresIn: 600,
      keyOverlapSeconds: 0,
    });
  });

  it("leaves everything to the simulators' defaults when unset", () => {
    expect(tokenSettings({}, defaults)).toEqual({
      extraClients: [],
      tokenExpiresIn: undefined,
      keyOverlapSeconds: undefined,
    });
  });

  it.each([
    [{ TOKEN_SERVER_CLIENTS: "{not json" }, /TOKEN_SERVER_CLIENTS/],
    [{ TOKEN_SERVER_CLIENTS: '[{"clientId":"x"}]' }, /TOKEN_SERVER_CLIENTS/],
    [{ TOKEN_EXPIRES_IN: "0" }, /TOKEN_EXPIRES_IN/],
    [{ TOKEN_KEY_OVERLAP_SECONDS: "1.5" }, /TOKEN_KEY_OVERLAP_SECONDS/],
  ])("refuses %j", (env, message) => {
    expect(() => tokenSettings(env, defaults)).toThrow(message);
  });
});
