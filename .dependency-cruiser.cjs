// The dependency rule of the architecture (README, "Layout"), checked by `npm run depcruise` as
// part of `npm test`. Paths are relative to the repository root; node built-ins are matched by
// their dependency type ("core"), because dependency-cruiser names `node:fs` just "fs".

/** Packages that only run on one runtime (Node): kept out of the code that must also run on Deno. */
const runtimePackages = "node_modules/(better-sqlite3|@hono/node-server|undici)/";

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: "core-not-to-adapters-or-simulators",
      comment:
        "The domain knows ports, not the technologies behind them: core must not import adapters/ " +
        "or simulators/. Depend on a port in core/ports.ts and let apps/ wire the adapter in.",
      severity: "error",
      from: { path: "^core/" },
      to: { path: "^(adapters|simulators)/" },
    },
    {
      name: "core-packages-only-xstate",
      comment:
        "core is web-standard TypeScript plus the statechart library: no other package. A runtime " +
        "package is reported by the runtime rules below instead.",
      severity: "error",
      from: { path: "^core/" },
      to: { path: "node_modules/", pathNot: ["node_modules/xstate/", runtimePackages] },
    },
    {
      name: "adapters-not-to-simulators",
      comment:
        "Adapters talk to the real upstreams' protocols; a simulator is only ever reached over its " +
        "URL, so an adapter that imports one would be testing against our own assumptions.",
      severity: "error",
      from: { path: "^adapters/" },
      to: { path: "^simulators/" },
    },
    {
      name: "service-not-to-simulators",
      comment:
        "The deployed service (apps/api, what the Dockerfile ships) must not carry simulator code; " +
        "only the dev stack wires the two together.",
      severity: "error",
      from: { path: "^apps/api/" },
      to: { path: "^simulators/" },
    },
    {
      name: "adapters-not-to-other-adapters",
      comment:
        "One adapter per technology, each standing alone: adapters/<name>/ imports core and its own " +
        "folder only. Shared needs belong in core (a port or a type) or in the composition root.",
      severity: "error",
      from: { path: "^adapters/([^/]+)/" },
      to: { path: "^adapters/", pathNot: "^adapters/$1/" },
    },
    {
      name: "simulators-not-to-core-or-adapters",
      comment:
        "Simulators stand in for other companies' systems and must not share our assumptions: " +
        "they import neither core/ nor adapters/.",
      severity: "error",
      from: { path: "^simulators/" },
      to: { path: "^(core|adapters)/" },
    },
    {
      name: "nothing-imports-apps",
      comment:
        "apps/ are composition roots: they import everything and nothing imports them (tests may). " +
        "Move what core, an adapter or a simulator needs out of apps/.",
      severity: "error",
      from: { path: "^(core|adapters|simulators)/" },
      to: { path: "^apps/" },
    },
    {
      name: "node-builtins-only-in-adapters-and-apps",
      comment:
        "node:* modules are runtime-specific: only adapters/, apps/ (and tests) may use them, so " +
        "core and the simulators run on Node and Deno alike.",
      severity: "error",
      from: { pathNot: "^(adapters|apps|test)/" },
      to: { dependencyTypes: ["core"] },
    },
    {
      name: "runtime-packages-only-in-adapters-and-apps",
      comment:
        "better-sqlite3, @hono/node-server and undici only run on Node: only adapters/, apps/ " +
        "(and tests) may import them.",
      severity: "error",
      from: { pathNot: "^(adapters|apps|test)/" },
      to: { path: runtimePackages },
    },
    {
      name: "web-standard-adapters-no-node-builtins",
      comment:
        "The HTTP adapter and the Pexip client run unchanged on Deno: web-standard APIs only " +
        "(fetch, Request, Response, Web Crypto, streams), no node:* module.",
      severity: "error",
      from: { path: "^adapters/(http|pexip)/" },
      to: { dependencyTypes: ["core"] },
    },
    {
      name: "web-standard-adapters-no-runtime-packages",
      comment:
        "The HTTP adapter and the Pexip client run unchanged on Deno: no Node-only package " +
        "(better-sqlite3, @hono/node-server, undici).",
      severity: "error",
      from: { path: "^adapters/(http|pexip)/" },
      to: { path: runtimePackages },
    },
    {
      name: "node-sqlite-only-in-the-deno-stack",
      comment:
        "node:sqlite exists on Deno but not on Node 20: only the Deno entry may load this adapter, " +
        "so nothing on the Node path imports it; the store's thread imports it (at run time) only " +
        "when the Deno entry asks for that driver.",
      severity: "error",
      from: { pathNot: "^(apps/stack/deno|adapters/sqlite/store-thread-worker)\\.ts$" },
      to: { path: "^adapters/sqlite/node-sqlite\\.ts$" },
    },
    {
      name: "no-circular",
      comment:
        "A cycle means two modules are really one, or one of them holds something that belongs to " +
        "neither: split it out.",
      severity: "error",
      from: {},
      to: { circular: true },
    },
    {
      name: "not-to-unresolvable",
      comment:
        "An import that resolves to nothing on disk: a typo, a missing file, or a package that is " +
        "not installed (add it to package.json).",
      severity: "error",
      from: {},
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: "node_modules/" },
    // Type-only imports count: `import type` from adapters/ into core/ breaks the rule as well.
    tsPreCompilationDeps: true,
    // process.getBuiltinModule("node:sqlite") is an import too (adapters/sqlite/node-sqlite.ts).
    detectProcessBuiltinModuleCalls: true,
    tsConfig: { fileName: "tsconfig.json" },
    enhancedResolveOptions: {
      exportsFields: ["exports"],
      conditionNames: ["import", "require", "node", "default", "types"],
      mainFields: ["module", "main", "types", "typings"],
      extensions: [".ts", ".js", ".mjs", ".cjs", ".json", ".d.ts"],
    },
    // A built-in of Deno and of Node ≥ 22.5, though not of the Node 20 that runs this check.
    builtInModules: { add: ["node:sqlite"] },
  },
};
