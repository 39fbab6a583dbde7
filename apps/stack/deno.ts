import { openStorage } from "../api/storage.ts";
import { composeStack } from "./compose-stack.ts";
import { listenWithDenoServe } from "./deno-serve.ts";
import { runStackFromEnv } from "./run-from-env.ts";

/** `npm run start:deno`: the same stack on Deno, served by Deno.serve with node:sqlite (or pg). */
await runStackFromEnv((options) =>
  composeStack(options, {
    listen: listenWithDenoServe,
    openStorage: openStorage("node:sqlite"),
  }),
);
