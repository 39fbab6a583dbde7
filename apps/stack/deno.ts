import { openNodeSqlite } from "../../adapters/sqlite/node-sqlite.ts";
import { sqliteStore } from "../../adapters/sqlite/sqlite-store.ts";
import { composeStack } from "./compose-stack.ts";
import { listenWithDenoServe } from "./deno-serve.ts";
import { runStackFromEnv } from "./run-from-env.ts";

/** `npm run start:deno`: the same stack on Deno, served by Deno.serve with node:sqlite. */
await runStackFromEnv((options) =>
  composeStack(options, {
    listen: listenWithDenoServe,
    openStore: (config) =>
      sqliteStore(openNodeSqlite(config.DATABASE_PATH, config.SQLITE_SYNCHRONOUS)),
  }),
);
