import { fileURLToPath } from "node:url";

/**
 * A page's script, bundled for the browser by esbuild on first request and kept (one file, no
 * CDN); a failed bundling answers 500 and is retried next time. `entry` is its TypeScript source.
 */
export function bundledScript(entry: URL, page: string): () => Promise<Response> {
  let bundled: Promise<string> | undefined;
  return async () => {
    bundled ??= bundle(entry);
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

async function bundle(entry: URL): Promise<string> {
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
