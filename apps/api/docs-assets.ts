import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { problem } from "../../adapters/http/problem.ts";

const assetsDir = dirname(createRequire(import.meta.url).resolve("swagger-ui-dist/package.json"));
const served: Record<string, string> = {
  "swagger-ui.css": "text/css; charset=utf-8",
  "swagger-ui-bundle.js": "text/javascript; charset=utf-8",
};

/** Swagger UI's files from the installed package, so /docs needs no internet. */
export async function docsAssets(file: string): Promise<Response> {
  const type = Object.hasOwn(served, file) ? served[file] : undefined;
  if (!type) return problem({ status: 404, title: "Not found", detail: `No docs asset ${file}.` });
  const body = await readFile(join(assetsDir, file));
  return new Response(body, {
    headers: { "content-type": type, "cache-control": "public, max-age=86400" },
  });
}
