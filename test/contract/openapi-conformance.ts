import type { ControlPlane } from "../../simulators/control/control-plane.ts";
import type { JournalEntry } from "../../simulators/index.ts";

type Schema = { [keyword: string]: unknown };

/** The parts of an OpenAPI 3.1 document the checker reads (a simulator serves the whole). */
export interface OpenApiDocument {
  openapi: string;
  info: { title: string; version: string };
  paths: Record<string, Record<string, unknown>>;
  components?: { schemas?: Record<string, unknown>; securitySchemes?: Record<string, unknown> };
}

interface Parameter {
  name: string;
  in: "path" | "query" | "header";
  required?: boolean;
  schema?: Schema;
}

interface MediaType {
  schema?: Schema;
}

interface Operation {
  parameters?: Parameter[];
  requestBody?: { required?: boolean; content: Record<string, MediaType> };
  responses: Record<string, { content?: Record<string, MediaType> }>;
  security?: Record<string, string[]>[];
}

interface SecurityScheme {
  type: "http" | "apiKey";
  scheme?: string;
  in?: "header" | "query";
  name?: string;
}

interface Route {
  template: string;
  pattern: RegExp;
  names: string[];
  item: Record<string, unknown>;
}

interface Matched {
  /** "METHOD /template", naming the operation. */
  name: string;
  operation: Operation;
  parameters: Parameter[];
  pathValues: Record<string, string>;
}

/** Keywords that only annotate; everything else must be one the validator checks. */
const ANNOTATIONS = new Set(["description", "title", "format", "default", "examples"]);
const CHECKED = new Set([
  "$ref",
  "type",
  "const",
  "enum",
  "pattern",
  "minLength",
  "maxLength",
  "minimum",
  "maximum",
  "exclusiveMinimum",
  "exclusiveMaximum",
  "minItems",
  "maxItems",
  "items",
  "required",
  "properties",
  "additionalProperties",
  "anyOf",
  "oneOf",
]);
const METHODS = ["get", "put", "post", "delete", "patch", "head", "options"];

/**
 * Checks traffic against an OpenAPI 3.1 document: the operation (method and path template), its
 * parameters, security, request body and declared statuses, and JSON bodies against their schemas.
 * It understands the subset of JSON Schema the simulators' documents use, and calls any other
 * keyword a problem, so a document cannot claim more than is checked.
 */
export class OpenApiChecker {
  readonly #routes: Route[];

  constructor(private readonly document: OpenApiDocument) {
    this.#routes = Object.entries(document.paths)
      .map(([template, item]) => {
        const names = [...template.matchAll(/\{([^}]+)\}/g)].map((match) => match[1] as string);
        const source = template
          .split(/\{[^}]+\}/)
          .map((part) => part.replace(/[.*+?^$()|[\]\\]/g, "\\$&"))
          .join("([^/]+)");
        return { template, pattern: new RegExp(`^${source}$`), names, item };
      })
      // Concrete paths before templated ones, as OpenAPI prescribes.
      .sort((a, b) => a.names.length - b.names.length);
  }

  /** Problems with one request a simulator received, as its journal recorded it. */
  request(entry: JournalEntry): string[] {
    const where = `${entry.method} ${entry.path}`;
    const matched = this.#match(entry.method, entry.path);
    if (typeof matched === "string") return [`${where}: ${matched}`];
    const { operation, parameters, pathValues } = matched;
    const problems = [
      ...this.#security(operation, entry),
      ...this.#parameters(parameters, pathValues, entry),
      ...this.#body(operation, entry),
    ];
    // A fault answered instead of the simulator: its status is the test's choice.
    if (entry.fault === undefined && !this.#response(operation, entry.status)) {
      problems.push(`status ${entry.status} is not declared`);
    }
    return problems.map((problem) => `${where} (journal #${entry.seq}): ${problem}`);
  }

  /** Problems with an answer: its status declared, its JSON body matching the declared schema. */
  response(method: string, path: string, status: number, contentType: string, body: string) {
    const where = `${method} ${path} → ${status}`;
    const matched = this.#match(method, path);
    if (typeof matched === "string") return [`${where}: ${matched}`];
    const response = this.#response(matched.operation, status);
    if (!response) return [`${where}: status not declared`];
    const type = mediaType(contentType);
    if (!response.content) return body === "" ? [] : [`${where}: a body where none is declared`];
    const media = response.content[type];
    if (!media) return [`${where}: content type '${type}' not declared`];
    if (type !== "application/json" || !media.schema) return [];
    const parsed = parseJson(body);
    if (!parsed.ok) return [`${where}: the body is not JSON`];
    return this.schema(media.schema, parsed.value, "body").map((problem) => `${where}: ${problem}`);
  }

  /** Problems with a value against a schema (the subset of JSON Schema the documents use). */
  schema(schema: Schema, value: unknown, at: string): string[] {
    const problems: string[] = [];
    const fail = (problem: string) => problems.push(`${at} ${problem}`);
    for (const [keyword, expected] of Object.entries(schema)) {
      switch (keyword) {
        case "$ref":
          problems.push(...this.schema(this.#resolve(expected as string), value, at));
          break;
        case "type": {
          const types = Array.isArray(expected) ? expected : [expected];
          if (!types.some((type) => hasType(value, type))) fail(`is not ${types.join(" or ")}`);
          break;
        }
        case "const":
          if (value !== expected) fail(`is not ${JSON.stringify(expected)}`);
          break;
        case "enum":
          if (!(expected as unknown[]).includes(value)) fail(`is not one of ${expected}`);
          break;
        case "pattern":
          if (typeof value === "string" && !new RegExp(expected as string, "u").test(value))
            fail(`does not match ${expected}`);
          break;
        case "minLength":
        case "maxLength":
          if (typeof value === "string" && outOf(keyword, [...value].length, expected))
            fail(`has a length out of bounds (${keyword} ${expected})`);
          break;
        case "minimum":
        case "maximum":
          if (typeof value === "number" && outOf(keyword, value, expected))
            fail(`is out of bounds (${keyword} ${expected})`);
          break;
        case "exclusiveMinimum":
        case "exclusiveMaximum":
          if (typeof value === "number" && !beyond(keyword, value, expected))
            fail(`is out of bounds (${keyword} ${expected})`);
          break;
        case "minItems":
        case "maxItems":
          if (Array.isArray(value) && outOf(keyword, value.length, expected))
            fail(`has a count out of bounds (${keyword} ${expected})`);
          break;
        case "items":
          if (Array.isArray(value))
            value.forEach((item, index) => {
              problems.push(...this.schema(expected as Schema, item, `${at}[${index}]`));
            });
          break;
        case "required":
          if (isObject(value))
            for (const name of expected as string[])
              if (!(name in value)) fail(`lacks required '${name}'`);
          break;
        case "properties":
          if (isObject(value))
            for (const [name, property] of Object.entries(expected as Record<string, Schema>))
              if (name in value)
                problems.push(...this.schema(property, value[name], `${at}.${name}`));
          break;
        case "additionalProperties":
          if (isObject(value)) {
            const declared = Object.keys((schema.properties as object | undefined) ?? {});
            for (const name of Object.keys(value).filter((key) => !declared.includes(key))) {
              if (expected === false) fail(`has an undeclared property '${name}'`);
              else if (isObject(expected))
                problems.push(...this.schema(expected, value[name], `${at}.${name}`));
            }
          }
          break;
        case "anyOf":
        case "oneOf": {
          const matches = (expected as Schema[]).filter(
            (option) => this.schema(option, value, at).length === 0,
          ).length;
          if (matches === 0 || (keyword === "oneOf" && matches > 1))
            fail(`matches ${matches} of the ${keyword} schemas`);
          break;
        }
        default:
          if (!ANNOTATIONS.has(keyword)) fail(`uses unsupported keyword '${keyword}'`);
      }
    }
    return problems;
  }

  /** Every operation of the document, as "METHOD /template". */
  operations(): string[] {
    return Object.entries(this.document.paths).flatMap(([path, item]) =>
      METHODS.filter((method) => method in item).map((method) => `${method.toUpperCase()} ${path}`),
    );
  }

  /** The operation a request lands on, as "METHOD /template", if any. */
  operationOf(method: string, path: string): string | undefined {
    const matched = this.#match(method, path);
    return typeof matched === "string" ? undefined : matched.name;
  }

  /**
   * Problems of the document itself: operations without responses, schemas with a keyword the
   * checker does not understand, references to nothing.
   */
  documentProblems(): string[] {
    const problems: string[] = [];
    const walk = (schema: unknown, at: string): void => {
      if (!isObject(schema)) return;
      for (const keyword of Object.keys(schema)) {
        if (!CHECKED.has(keyword) && !ANNOTATIONS.has(keyword))
          problems.push(`${at}: unsupported keyword '${keyword}'`);
      }
      if (typeof schema.$ref === "string") {
        try {
          this.#resolve(schema.$ref);
        } catch (error) {
          problems.push(`${at}: ${(error as Error).message}`);
        }
      }
      const nested = (schema.properties ?? {}) as Record<string, unknown>;
      for (const [name, property] of Object.entries(nested)) walk(property, `${at}.${name}`);
      walk(schema.items, `${at}[]`);
      walk(schema.additionalProperties, `${at}.*`);
      for (const option of [...asArray(schema.anyOf), ...asArray(schema.oneOf)]) walk(option, at);
    };
    const walkContent = (content: unknown, at: string) => {
      for (const [type, media] of Object.entries((content ?? {}) as Record<string, MediaType>))
        walk(media.schema, `${at} ${type}`);
    };
    for (const [path, item] of Object.entries(this.document.paths)) {
      for (const method of METHODS.filter((name) => name in item)) {
        const operation = item[method] as Operation;
        const at = `${method.toUpperCase()} ${path}`;
        if (Object.keys(operation.responses ?? {}).length === 0)
          problems.push(`${at}: no responses`);
        for (const parameter of operation.parameters ?? [])
          walk(parameter.schema, `${at} parameter ${parameter.name}`);
        walkContent(operation.requestBody?.content, `${at} request`);
        for (const [status, response] of Object.entries(operation.responses ?? {}))
          walkContent(response.content, `${at} ${status}`);
      }
    }
    for (const [name, schema] of Object.entries(this.document.components?.schemas ?? {}))
      walk(schema, name);
    return problems;
  }

  #match(method: string, path: string): Matched | string {
    const routes = this.#routes.filter((route) => route.pattern.test(path));
    if (routes.length === 0) return "no path of the document matches";
    const route = routes.find((candidate) => method.toLowerCase() in candidate.item);
    if (!route) return `no ${method} operation on ${routes.map((r) => r.template)}`;
    const operation = route.item[method.toLowerCase()] as Operation;
    const values = route.pattern.exec(path)?.slice(1) ?? [];
    const pathValues = Object.fromEntries(
      route.names.map((name, index) => [name, decodeURIComponent(values[index] ?? "")]),
    );
    const shared = (route.item.parameters as Parameter[] | undefined) ?? [];
    const parameters = [...shared, ...(operation.parameters ?? [])];
    return { name: `${method.toUpperCase()} ${route.template}`, operation, parameters, pathValues };
  }

  #security(operation: Operation, entry: JournalEntry): string[] {
    const requirements = operation.security ?? [];
    if (requirements.length === 0) return [];
    const schemes = (this.document.components?.securitySchemes ?? {}) as Record<
      string,
      SecurityScheme
    >;
    const met = (name: string) => {
      const scheme = schemes[name];
      if (!scheme) return false;
      if (scheme.type === "http") {
        const prefix = `${scheme.scheme} `.toLowerCase();
        return (entry.headers.authorization ?? "").toLowerCase().startsWith(prefix);
      }
      const source = scheme.in === "query" ? entry.query : entry.headers;
      return Boolean(source[(scheme.name ?? "").toLowerCase()] ?? source[scheme.name ?? ""]);
    };
    const satisfied = requirements.some((requirement) => Object.keys(requirement).every(met));
    return satisfied ? [] : ["carries none of the credentials the operation requires"];
  }

  #parameters(parameters: Parameter[], pathValues: Record<string, string>, entry: JournalEntry) {
    const problems: string[] = [];
    const queryKeys = this.#securityQueryNames();
    for (const parameter of parameters) {
      const name = parameter.in === "header" ? parameter.name.toLowerCase() : parameter.name;
      const source =
        parameter.in === "path"
          ? pathValues
          : parameter.in === "query"
            ? entry.query
            : entry.headers;
      if (parameter.in === "query") queryKeys.add(name);
      const value = source[name];
      if (value === undefined) {
        if (parameter.required) problems.push(`lacks ${parameter.in} parameter '${name}'`);
        continue;
      }
      if (parameter.schema)
        problems.push(...this.schema(parameter.schema, coerce(parameter.schema, value), name));
    }
    for (const name of Object.keys(entry.query))
      if (!queryKeys.has(name)) problems.push(`has an undeclared query parameter '${name}'`);
    return problems;
  }

  #securityQueryNames(): Set<string> {
    const schemes = Object.values(this.document.components?.securitySchemes ?? {});
    return new Set(
      (schemes as SecurityScheme[])
        .filter((scheme) => scheme.type === "apiKey" && scheme.in === "query")
        .map((scheme) => scheme.name ?? ""),
    );
  }

  #body(operation: Operation, entry: JournalEntry): string[] {
    const declared = operation.requestBody;
    if (entry.body === "") return declared?.required ? ["lacks the required body"] : [];
    if (!declared) return ["has a body the operation does not take"];
    const type = mediaType(entry.headers["content-type"] ?? "");
    const media = declared.content[type];
    if (!media) return [`has a body of undeclared content type '${type}'`];
    if (!media.schema) return [];
    if (type === "application/x-www-form-urlencoded") {
      const form = Object.fromEntries(new URLSearchParams(entry.body));
      return this.schema(media.schema, form, "form");
    }
    const parsed = parseJson(entry.body);
    if (!parsed.ok) return ["has a body that is not JSON"];
    return this.schema(media.schema, parsed.value, "body");
  }

  #response(operation: Operation, status: number) {
    const { responses } = operation;
    return responses[String(status)] ?? responses[`${String(status)[0]}XX`] ?? responses.default;
  }

  #resolve(ref: string): Schema {
    const name = ref.replace(/^#\/components\/schemas\//, "");
    const schema = this.document.components?.schemas?.[name];
    if (!schema) throw new Error(`unresolved $ref ${ref}`);
    return schema as Schema;
  }
}

function asArray(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

function hasType(value: unknown, type: unknown): boolean {
  switch (type) {
    case "null":
      return value === null;
    case "integer":
      return Number.isInteger(value);
    case "array":
      return Array.isArray(value);
    case "object":
      return isObject(value);
    default:
      return typeof value === type;
  }
}

function outOf(keyword: string, actual: number, bound: unknown): boolean {
  return keyword.startsWith("min") ? actual < Number(bound) : actual > Number(bound);
}

function beyond(keyword: string, actual: number, bound: unknown): boolean {
  return keyword === "exclusiveMinimum" ? actual > Number(bound) : actual < Number(bound);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Parameters travel as text: read them as the type the schema declares. */
function coerce(schema: Schema, text: string): unknown {
  if ((schema.type === "integer" || schema.type === "number") && /^-?\d+(\.\d+)?$/.test(text))
    return Number(text);
  if (schema.type === "boolean" && (text === "true" || text === "false")) return text === "true";
  return text;
}

function mediaType(contentType: string): string {
  return (contentType.split(";")[0] ?? "").trim().toLowerCase();
}

function parseJson(text: string): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return { ok: false };
  }
}

/** Every request in each simulator's journal, checked against the document it serves. */
export async function journalProblems(simulators: Record<string, ControlPlane>) {
  const problems: string[] = [];
  for (const [name, simulator] of Object.entries(simulators)) {
    const served = await simulator.app.request("/_sim/openapi.json");
    if (served.status !== 200) {
      problems.push(`${name}: GET /_sim/openapi.json answered ${served.status}`);
      continue;
    }
    const checker = new OpenApiChecker((await served.json()) as OpenApiDocument);
    for (const entry of simulator.journal.entries()) {
      problems.push(...checker.request(entry).map((problem) => `${name}: ${problem}`));
    }
  }
  return problems;
}

/** Fails when a journaled request breaks its simulator's OpenAPI document. */
export async function expectConformingJournals(simulators: Record<string, ControlPlane>) {
  const problems = await journalProblems(simulators);
  if (problems.length > 0) {
    throw new Error(`requests outside the simulators' OpenAPI documents:\n${problems.join("\n")}`);
  }
}
