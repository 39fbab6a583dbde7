import type { ControlAccess } from "../../simulators/index.ts";

type Env = Record<string, string | undefined>;

/** 127.0.0.0/8, ::1 and localhost: addresses no other machine reaches. */
export function isLoopback(host: string): boolean {
  return host === "localhost" || host === "::1" || /^127(\.\d{1,3}){3}$/.test(host);
}

/**
 * The simulators' control API from `SIM_JOURNAL_SECRETS` (`redact`, the default, or `show`) and
 * `SIM_CONTROL_TOKEN`. Listening beyond loopback, `/_sim` needs a token: that one, or one drawn
 * here (the banner prints it); on loopback it is open unless a token is given.
 */
export function controlAccessFromEnv(env: Env, host: string): ControlAccess {
  const journalSecrets = env.SIM_JOURNAL_SECRETS || "redact";
  if (journalSecrets !== "redact" && journalSecrets !== "show") {
    throw new Error(`SIM_JOURNAL_SECRETS must be redact or show, got '${journalSecrets}'`);
  }
  const token = env.SIM_CONTROL_TOKEN || (isLoopback(host) ? undefined : crypto.randomUUID());
  return { journalSecrets, token };
}

/** The start banner's lines about `/_sim`. */
export function describeControlAccess({ token, journalSecrets }: ControlAccess): string[] {
  const routes = "/_sim/health, /_sim/journal, /_sim/faults, /_sim/scenarios, /_sim/reset";
  const guard = token ? `needs Authorization: Bearer ${token}` : "open (loopback only)";
  const journal =
    journalSecrets === "show"
      ? "Journals show secrets as they came (SIM_JOURNAL_SECRETS=show)"
      : "Journals redact secrets (SIM_JOURNAL_SECRETS=show shows them)";
  return [`Control API on each simulator (${routes}): ${guard}`, journal];
}
