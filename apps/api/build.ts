import { copyFileSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { basename } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import { bundleForBrowser } from "../shared/browser-script.ts";
import { consoleScriptFile, consoleSource } from "./ops-console/serve-console.ts";

const outdir = fileURLToPath(new URL("../../dist/", import.meta.url));
/** The bundle reads these beside itself, as the sources do (`new URL(name, import.meta.url)`). */
const assetsBesideTheEntry = ["default-video-config.json", "ops-console/ops-console.html"];

/**
 * `npm run build`: apps/api/main.ts as one ES module, `dist/api.mjs`, which `npm run api`
 * and the Dockerfile run. Starting it skips transpiling TypeScript and resolving hundreds of
 * module files (tsx spends about a second on that); it is ready in about half a second.
 * better-sqlite3 stays outside, in node_modules: it loads a native addon from its own folder;
 * so does esbuild, which only the sources use (the console's script is bundled here, beside it).
 */
export async function bundleService(): Promise<string> {
  const outfile = `${outdir}api.mjs`;
  // Written aside, then renamed into place (atomic): a service started meanwhile, by a test
  // building at the same time, reads the old bundle or the new one, never half of one.
  const [service, storeThread] = await Promise.all([
    bundled("./main.ts", "api"),
    // The SQLite store's thread (adapters/sqlite/store-thread.ts), loaded from beside the bundle.
    bundled("../../adapters/sqlite/store-thread-worker.ts", "sqlite-store-thread"),
  ]);
  mkdirSync(outdir, { recursive: true });
  for (const asset of assetsBesideTheEntry) {
    const copy = `${outdir}${basename(asset)}.${process.pid}.partial`;
    copyFileSync(new URL(`./${asset}`, import.meta.url), copy);
    renameSync(copy, `${outdir}${basename(asset)}`);
  }
  const script = `${outdir}${consoleScriptFile}.${process.pid}.partial`;
  writeFileSync(script, await bundleForBrowser(consoleSource));
  renameSync(script, `${outdir}${consoleScriptFile}`);
  renameSync(storeThread, `${outdir}sqlite-store-thread.mjs`);
  renameSync(service, outfile);
  return outfile;
}

/** One ES module of `entry` and all it imports, written aside; its path. */
async function bundled(entry: string, name: string): Promise<string> {
  const partial = `${outdir}${name}.${process.pid}.partial.mjs`;
  await build({
    entryPoints: [fileURLToPath(new URL(entry, import.meta.url))],
    outfile: partial,
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    external: ["better-sqlite3", "esbuild"],
    // CommonJS packages inside an ES module bundle still call require().
    banner: {
      js: "import { createRequire as bundleRequire } from 'node:module'; const require = bundleRequire(import.meta.url);",
    },
    // Not minified, and no source map: a stack trace in the logs names the functions and lines of
    // a readable file, and Node need not load a map (--enable-source-maps parsed it into ~40 MB
    // of heap, more than 10,000 live sessions take).
    minify: false,
    logLevel: "error",
  });
  writeFileSync(partial, latin1Only(readFileSync(partial, "utf8")));
  return partial;
}

/**
 * The bundle with every character above U+00FF written as a `\uXXXX` escape. V8 keeps a script's
 * source for as long as the process runs, one byte a character only if every character is
 * Latin-1; esbuild escapes the code's own but keeps comments as written, and one ’ in undici's
 * made the 3 MB source a 5.9 MB string. The escapes are left in comments only (the code is ASCII
 * already), where they are text.
 */
function latin1Only(source: string): string {
  return source.replace(
    /[\u0100-\uffff]/g,
    (unit) => `\\u${unit.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  console.log(`built ${await bundleService()}`);
}
