import { describe, expect, it } from "vitest";
import { committedSchema, generateSchema } from "../../apps/codegen/video-api-client.ts";

describe("the generated Video API client", () => {
  it("is fresh: its committed types are what the API's document makes (npm run generate:client)", async () => {
    expect(committedSchema()).toBe(await generateSchema());
  });
});
