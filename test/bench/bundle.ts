import { build } from "esbuild";

const repo = new URL("../../", import.meta.url).pathname;
/** Inside node_modules (git-ignored), so the bundle resolves better-sqlite3 and swagger-ui-dist. */
const outfile = `${repo}node_modules/.cache/bcsc-bench/api.mjs`;

/**
 * apps/api/main.ts bundled into one ES module, as a deployment would ship it: starting it skips
 * transpiling TypeScript (tsx) and resolving hundreds of module files. better-sqlite3 stays
 * outside: it loads a native addon from its own folder.
 */
export async function bundleService(): Promise<string> {
  await build({
    entryPoints: [`${repo}apps/api/main.ts`],
    outfile,
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    external: ["better-sqlite3"],
    // CommonJS packages inside an ES module bundle still call require().
    banner: {
      js: "import { createRequire as bundleRequire } from 'node:module'; const require = bundleRequire(import.meta.url);",
    },
    minify: true,
    logLevel: "error",
  });
  return outfile;
}
