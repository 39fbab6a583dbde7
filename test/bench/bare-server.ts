import { createServer } from "node:http";

/**
 * The load generator's ceiling: node:http answering every request with the same tiny JSON and
 * doing nothing else. What the load generator measures here is as fast as it and loopback go on
 * this machine, so a subject near this figure is measured by the load generator, not by itself.
 */
const answer = JSON.stringify({ ok: true });
const headers = { "content-type": "application/json", "content-length": answer.length };

createServer((_request, response) => {
  response.writeHead(200, headers).end(answer);
}).listen(Number(process.env.PORT), "127.0.0.1");
