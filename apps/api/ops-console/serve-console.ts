import { readFile } from "node:fs/promises";
import type { Env, Hono } from "hono";
import { bundledScript } from "../../shared/browser-script.ts";

/**
 * The page holds a staff token: it runs only its own script, talks only to this origin, and is
 * never framed by another site. (Its one image is the empty icon, `data:,`.)
 */
const contentSecurityPolicy =
  "default-src 'none'; script-src 'self'; style-src 'unsafe-inline'; connect-src 'self'; " +
  "img-src data:; form-action 'none'; frame-ancestors 'none'; base-uri 'none'";

/** The console's script, by the name the built service carries it under (apps/api/build.ts). */
export const consoleScriptFile = "ops-console.js";
export const consoleSource = new URL("./browser/main.ts", import.meta.url);

const consoleScript = bundledScript(
  consoleSource,
  "the operations console",
  new URL(`./${consoleScriptFile}`, import.meta.url),
);

/**
 * The support staff's console: `GET /ops` (the page) and `GET /ops/console.js` (its script). Both
 * are public files; what they show comes from /ops/v2, which needs a staff token.
 */
export function serveConsole<E extends Env>(routes: Hono<E>): void {
  routes.get("/ops", async () => {
    const page = await readFile(new URL("./ops-console.html", import.meta.url));
    return new Response(page, {
      headers: {
        "content-type": "text/html; charset=utf-8",
        "content-security-policy": contentSecurityPolicy,
      },
    });
  });
  routes.get("/ops/console.js", () => consoleScript());
}
