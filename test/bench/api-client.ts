import { benchClientId } from "./device-tokens.ts";

/** Small calls to the service's API and to the simulators, outside the measured load. */

export const sessionsPath = "/video/v2/sessions";

export async function call(
  url: string,
  method: string,
  token: string | undefined,
  body?: unknown,
): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(url, {
    method,
    headers: {
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(body === undefined ? {} : { "content-type": "application/json" }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : {} };
}

/** A new device's session with one call in progress (call_in_call): what keep-alives update. */
export async function callInProgress(
  serviceUrl: string,
  { deviceCode, token }: { deviceCode: string; token: string },
): Promise<{ path: string; token: string }> {
  const created = await call(`${serviceUrl}${sessionsPath}`, "POST", token, {
    client_id: benchClientId,
    device_code: deviceCode,
  });
  const path = `${sessionsPath}/${created.body.session_id}/calls`;
  await call(`${serviceUrl}${path}`, "POST", token, {
    client_call_id: "call-1",
    status: "call_ringing",
  });
  const inCall = await call(`${serviceUrl}${path}/call-1`, "PUT", token, {
    status: "call_in_call",
  });
  if (inCall.status !== 200) throw new Error(`call setup failed: ${JSON.stringify(inCall)}`);
  return { path: `${path}/call-1`, token };
}

/** The value of one Prometheus sample of the service's GET /metrics (summed over label sets). */
export async function metric(serviceUrl: string, name: string, labels = ""): Promise<number> {
  const text = await (await fetch(`${serviceUrl}/metrics`)).text();
  let sum = 0;
  for (const line of text.split("\n")) {
    if (!line.startsWith(name)) continue;
    const [series, value] = line.split(" ");
    if (series === name || series?.startsWith(`${name}{${labels}`)) sum += Number(value);
  }
  return sum;
}

/** Token requests the token server has received (its journal). */
export async function tokenRequests(tokenServer: string, tokenPath: string): Promise<number> {
  const answer = await fetch(`${tokenServer}/_sim/journal?method=POST&path=${tokenPath}`);
  const { entries } = (await answer.json()) as { entries: unknown[] };
  return entries.length;
}

/** A client-credentials token from the token-server simulator. */
export async function accessToken(
  tokenUrl: string,
  client: { clientId: string; clientSecret: string; scope: string },
): Promise<string> {
  const response = await fetch(tokenUrl, {
    method: "POST",
    body: new URLSearchParams({
      grant_type: "client_credentials",
      client_id: client.clientId,
      client_secret: client.clientSecret,
      scope: client.scope,
    }),
  });
  const answer = (await response.json()) as { access_token?: string };
  if (!answer.access_token) throw new Error(`no token: ${JSON.stringify(answer)}`);
  return answer.access_token;
}
