import { openStorage } from "../api/storage.ts";
import { listen } from "../shared/listen.ts";
import { composeStack, type StackOptions } from "./compose-stack.ts";

export type { Stack, StackOptions } from "./compose-stack.ts";

/** The stack on Node: @hono/node-server and better-sqlite3. */
export function startStack(options: StackOptions) {
  return composeStack(options, {
    listen: (port, hostname, tls, limits) => listen(port, hostname, limits, tls),
    openStorage: openStorage("better-sqlite3"),
  });
}
