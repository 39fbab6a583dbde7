import { createRoute, type RouteConfig, z } from "@hono/zod-openapi";
import { empty, json, requiredJson } from "../control/openapi.ts";
import {
  CONFERENCE_COLLECTION_PATH,
  conferenceConfigSchema,
  conferencePatchSchema,
  newConferenceSchema,
  validationErrorsSchema,
} from "./configuration.ts";

export const MANAGEMENT_API_TAG = "management API";
const collection = CONFERENCE_COLLECTION_PATH;
const invalid = { 400: json(validationErrorsSchema, "Field errors") };
const unknown = { 404: empty("Unknown") };
const id = { params: z.object({ id: z.string().regex(/^[0-9]+$/) }) };

const tags = [MANAGEMENT_API_TAG];
// The simulator takes no credentials here (Pexip's own takes HTTP Basic).
const security: Record<string, string[]>[] = [];

/** A conference's address, which Pexip answers with and without its trailing slash. */
const onItem = (route: Omit<RouteConfig, "path" | "tags" | "security">) =>
  [
    { path: `${collection}{id}/`, operationId: route.operationId },
    { path: `${collection}{id}`, operationId: `${route.operationId}WithoutTrailingSlash` },
  ].map((address) =>
    createRoute({ ...route, ...address, tags, security, request: { ...id, ...route.request } }),
  );

/** The slice of Pexip's management API (configuration/v1/conference) MaxConf relies on. */
export const managementRoutes = {
  create: createRoute({
    operationId: "createConference",
    tags,
    security,
    method: "post",
    path: collection,
    summary: "Configure a conference; the answer names it in Location",
    description:
      "Configures a conference (name, aliases, PINs, tag...) and answers with its address in " +
      "Location, without a body, as Pexip does.",
    request: { body: requiredJson(newConferenceSchema) },
    responses: { 201: empty("Created (Location header)"), ...invalid },
  }),
  list: createRoute({
    operationId: "listConferences",
    tags,
    security,
    method: "get",
    path: collection,
    summary: "The configured conferences",
    description:
      "The configured conferences, or only the one named by `name`, in Pexip's list envelope " +
      "(`meta`, `objects`).",
    request: { query: z.object({ name: z.string().optional() }) },
    responses: {
      200: json(
        z.object({
          meta: z.looseObject({ total_count: z.number().int() }),
          objects: z.array(conferenceConfigSchema),
        }),
      ),
    },
  }),
  read: onItem({
    operationId: "getConference",
    method: "get",
    summary: "A conference's configuration",
    description: "The conference's configuration; an id of digits that names none is 404.",
    responses: { 200: json(conferenceConfigSchema), ...unknown },
  }),
  change: onItem({
    operationId: "changeConference",
    method: "patch",
    summary: "Change fields of a conference (renaming is ignored)",
    description: "Changes the fields given; a new name is ignored, as MaxConf never renames.",
    request: { body: requiredJson(conferencePatchSchema) },
    responses: { 202: empty("Changed"), ...invalid, ...unknown },
  }),
  delete: onItem({
    operationId: "deleteConference",
    method: "delete",
    summary: "Delete a conference (people in it stay connected)",
    description:
      "Deletes the conference's configuration; anyone in it stays connected until they leave.",
    responses: { 204: empty("Deleted"), ...unknown },
  }),
};
