import { runStackFromEnv } from "./run-from-env.ts";
import { startStack } from "./stack.ts";

/** `npm start`: the stack on Node. */
await runStackFromEnv(startStack);
