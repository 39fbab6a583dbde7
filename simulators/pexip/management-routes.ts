import { createRoute, type RouteConfig, z } from "@hono/zod-openapi";
import { empty, json, requiredJson } from "../control/openapi.ts";
import {
  CONFERENCE_COLLECTION_PATH,
  conferenceConfigSchema,
  conferencePatchSchema,
  newConferenceSchema,
  validationErrorsSchema,
} from "./configuration.ts";

const collection = CONFERENCE_COLLECTION_PATH;
const invalid = { 400: json(validationErrorsSchema, "Field errors") };
const unknown = { 404: empty("Unknown") };
const id = { params: z.object({ id: z.string().regex(/^[0-9]+$/) }) };

/** A conference's address, which Pexip answers with and without its trailing slash. */
const onItem = (route: Omit<RouteConfig, "path">) =>
  [`${collection}{id}/`, `${collection}{id}`].map((path) =>
    createRoute({ ...route, path, request: { ...id, ...route.request } }),
  );

/** The slice of Pexip's management API (configuration/v1/conference) MaxConf relies on. */
export const managementRoutes = {
  create: createRoute({
    method: "post",
    path: collection,
    summary: "Configure a conference; the answer names it in Location",
    request: { body: requiredJson(newConferenceSchema) },
    responses: { 201: empty("Created (Location header)"), ...invalid },
  }),
  list: createRoute({
    method: "get",
    path: collection,
    summary: "The configured conferences",
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
    method: "get",
    summary: "A conference's configuration",
    responses: { 200: json(conferenceConfigSchema), ...unknown },
  }),
  change: onItem({
    method: "patch",
    summary: "Change fields of a conference (renaming is ignored)",
    request: { body: requiredJson(conferencePatchSchema) },
    responses: { 202: empty("Changed"), ...invalid, ...unknown },
  }),
  delete: onItem({
    method: "delete",
    summary: "Delete a conference (people in it stay connected)",
    responses: { 204: empty("Deleted"), ...unknown },
  }),
};
