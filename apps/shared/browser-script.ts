import { readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";

/**
 * A page's script (one file, no CDN): `prebuilt`, the file apps/api/build.ts bundled beside the
 * built service, when there is one; from the sources, bundled by esbuild on first request and
 * kept. A failed bundling answers 500 and is retried next time. `entry` is its TypeScript source.
 */
export function bundledScript(entry: URL, page: string, prebuilt?: URL): () => Promise<Response> {
  let bundled: Promise<string> | undefined;
  return async () => {
    bundled ??= (prebuilt ? readFile(prebuilt, "utf8") : Promise.reject()).catch(() =>
      bundleForBrowser(entry),
    );
    try {
      return new Response(await bundled, {
        headers: { "content-type": "text/javascript; charset=utf-8" },
      });
    } catch (error) {
      bundled = undefined;
      return new Response(`bundling ${page} failed: ${String(error)}`, { status: 500 });
    }
  };
}

/** The TypeScript `entry` and what it imports, as one ES module for the browser. */
export async function bundleForBrowser(entry: URL): Promise<string> {
  const { build } = await import("esbuild");
  const result = await build({
    entryPoints: [fileURLToPath(entry)],
    bundle: true,
    write: false,
    format: "esm",
    // A node:* import in a page's code fails here: the browser has none.
    platform: "browser",
    target: "es2022",
    sourcemap: "inline",
    logLevel: "silent",
  });
  return result.outputFiles[0]?.text ?? "";
}
