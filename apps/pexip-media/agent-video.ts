/** What the simulated agent sends: the citizen's own stream back, or the test pattern. */
export type AgentVideo = "mirror" | "test-pattern";

/** AGENT_VIDEO from the environment; undefined when unset. Free of werift, so Deno can load it. */
export function agentVideoSetting(value: string | undefined): AgentVideo | undefined {
  if (value === undefined || value === "mirror" || value === "test-pattern") return value;
  throw new Error(`AGENT_VIDEO must be mirror or test-pattern, got '${value}'`);
}
