import { createSocket, type Socket } from "node:dgram";

const MAGIC_COOKIE = 0x2112a442;
const BINDING_REQUEST = 0x0001;
const BINDING_SUCCESS = 0x0101;
const XOR_MAPPED_ADDRESS = 0x0020;
const HEADER_BYTES = 20;

/**
 * A STUN server (RFC 8489) on 127.0.0.1 that answers Binding requests and nothing else. werift
 * asks a STUN server while gathering (a public one unless told otherwise) and waits up to 5 s for
 * it; the media engine points it here, so calls neither leave the machine nor wait.
 */
export class LoopbackStun {
  readonly #socket: Socket;
  readonly url: Promise<string>;

  constructor() {
    this.#socket = createSocket("udp4");
    this.#socket.on("message", (request, from) => {
      const response = bindingResponse(request, from.address, from.port);
      if (response) this.#socket.send(response, from.port, from.address);
    });
    this.url = new Promise((resolve, reject) => {
      this.#socket.once("error", reject);
      this.#socket.bind(0, "127.0.0.1", () => {
        this.#socket.unref();
        resolve(`stun:127.0.0.1:${this.#socket.address().port}`);
      });
    });
  }

  close(): void {
    this.#socket.close();
  }
}

/** The success answer to an IPv4 Binding request: the sender's address, XOR-ed with the cookie. */
function bindingResponse(request: Buffer, address: string, port: number): Buffer | undefined {
  if (request.length < HEADER_BYTES) return undefined;
  if (request.readUInt16BE(0) !== BINDING_REQUEST || request.readUInt32BE(4) !== MAGIC_COOKIE) {
    return undefined;
  }
  const octets = address.split(".").map(Number);
  if (octets.length !== 4) return undefined;
  const response = Buffer.alloc(HEADER_BYTES + 12);
  response.writeUInt16BE(BINDING_SUCCESS, 0);
  response.writeUInt16BE(12, 2);
  response.writeUInt32BE(MAGIC_COOKIE, 4);
  request.copy(response, 8, 8, HEADER_BYTES); // the transaction id
  response.writeUInt16BE(XOR_MAPPED_ADDRESS, 20);
  response.writeUInt16BE(8, 22);
  response.writeUInt16BE(0x01, 24); // IPv4
  response.writeUInt16BE(port ^ (MAGIC_COOKIE >>> 16), 26);
  const ipv4 = octets.reduce((value, octet) => value * 256 + octet, 0);
  response.writeUInt32BE((ipv4 ^ MAGIC_COOKIE) >>> 0, 28);
  return response;
}
