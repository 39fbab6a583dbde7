import { describe, expect, it } from "vitest";
import { controlAccessFromEnv } from "../../apps/simulators/control-access.ts";

describe("the simulators' control API settings (npm start, npm run simulators)", () => {
  it("leave /_sim open on loopback, with secrets redacted", () => {
    for (const host of ["127.0.0.1", "localhost", "::1"]) {
      expect(controlAccessFromEnv({}, host)).toEqual({ journalSecrets: "redact" });
    }
  });

  it("draw a token for /_sim when listening beyond loopback, or take SIM_CONTROL_TOKEN", () => {
    const drawn = controlAccessFromEnv({}, "0.0.0.0").token;
    expect(drawn).toMatch(/^[0-9a-f-]{36}$/);
    expect(controlAccessFromEnv({}, "0.0.0.0").token).not.toBe(drawn);
    expect(controlAccessFromEnv({ SIM_CONTROL_TOKEN: "given" }, "0.0.0.0").token).toBe("given");
    expect(controlAccessFromEnv({ SIM_CONTROL_TOKEN: "given" }, "127.0.0.1").token).toBe("given");
  });

  it("show journal secrets with SIM_JOURNAL_SECRETS=show, and refuse other values", () => {
    const show = controlAccessFromEnv({ SIM_JOURNAL_SECRETS: "show" }, "127.0.0.1");
    expect(show.journalSecrets).toBe("show");
    expect(() => controlAccessFromEnv({ SIM_JOURNAL_SECRETS: "yes" }, "127.0.0.1")).toThrow(
      /SIM_JOURNAL_SECRETS/,
    );
  });
});
