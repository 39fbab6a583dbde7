import { z } from "@hono/zod-openapi";
import type { Random } from "../control/random.ts";
import { asciiBase64Url } from "../shared/encoding.ts";

const roomAliasSchema = z.strictObject({
  id: z.number().int(),
  alias: z.string().min(1),
  conference: z.string().regex(/^\/api\/admin\/configuration\/v1\/conference\//),
  /** Pexip's time without a zone, to the microsecond. */
  creation_time: z.string().regex(/^\d{4}-\d\d-\d\dT[\d:.]+$/),
  description: z.string(),
});

/** A Pexip "conference", as MaxConf hands it out. */
export const roomSchema = z
  .strictObject({
    id: z.number().int(),
    name: z.string().min(1),
    service_type: z.literal("conference"),
    allow_guests: z.boolean(),
    pin: z.string(),
    guest_pin: z.string(),
    tag: z.string(),
    aliases: z.array(roomAliasSchema).min(1),
  })
  .openapi("Room");

export type Room = z.infer<typeof roomSchema>;
export type RoomAlias = z.infer<typeof roomAliasSchema>;

export interface RoomSpec {
  name: string;
  pin: string;
  guest_pin: string;
  tag: string;
}

/**
 * Names like the seed's "MTIzNDU2LDc2NTQzMg": base64url of two six-digit numbers, after an
 * optional prefix (bulk creation of `test_` or `vkiosk_` rooms).
 */
export function newRoomSpec(
  random: Random,
  tag: string,
  isTaken: (name: string) => boolean,
  namePrefix = "",
): RoomSpec {
  let name: string;
  do name = namePrefix + asciiBase64Url(`${random.digits(6)},${random.digits(6)}`);
  while (isTaken(name));
  const pin = random.digits(4);
  let guestPin: string;
  do guestPin = random.digits(4);
  while (guestPin === pin);
  return { name, pin, guest_pin: guestPin, tag };
}

const strictUtf8 = new TextDecoder("utf-8", { fatal: true });

export type UuiDecoding = { ok: true; text: string } | { ok: false; message: string };

/** `uuiData` is the hex of a UTF-8 string identifying the session to the agent side. */
export function decodeUuiData(hex: string | undefined): UuiDecoding {
  if (!hex)
    return { ok: false, message: "Query parameter 'uuiData' is required (hex of UTF-8 text)" };
  if (!/^[0-9a-fA-F]*$/.test(hex)) {
    return {
      ok: false,
      message: "Query parameter 'uuiData' must contain only hex digits 0-9, a-f",
    };
  }
  if (hex.length % 2 !== 0) {
    return {
      ok: false,
      message: "Query parameter 'uuiData' must have an even number of hex digits",
    };
  }
  const bytes = new Uint8Array(hex.length / 2);
  for (let i = 0; i < bytes.length; i++)
    bytes[i] = Number.parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  try {
    return { ok: true, text: strictUtf8.decode(bytes) };
  } catch {
    return { ok: false, message: "Query parameter 'uuiData' does not decode to UTF-8 text" };
  }
}
