/** A video session as the page needs it (the API's answer has more). */
export interface VideoSession {
  session_id: string;
  status: string;
  destination_host?: string | null;
  room_alias?: string | null;
  guest_pin?: string | null;
  reason?: string;
}

/** The BCSC Video API, same origin as the page, with a device token from the dev stack. */
export class VideoApi {
  readonly #authorization: string;
  readonly clientId: string;
  readonly deviceCode: string;

  private constructor(device: { client_id: string; device_code: string; token: string }) {
    this.#authorization = `Bearer ${device.token}`;
    this.clientId = device.client_id;
    this.deviceCode = device.device_code;
  }

  /** A fresh device, signed by the dev stack's dev-only route (the shipped app signs its own). */
  static async forNewDevice(): Promise<VideoApi> {
    const response = await fetch("/dev/device-token", { method: "POST" });
    if (!response.ok) throw new Error(`/dev/device-token answered ${response.status}`);
    return new VideoApi(await response.json());
  }

  createSession(): Promise<VideoSession> {
    const body = { client_id: this.clientId, device_code: this.deviceCode };
    return this.#send("POST", "/sessions", body);
  }

  updateSession(sessionId: string, status: "started" | "ended"): Promise<VideoSession> {
    return this.#send("PUT", `/sessions/${sessionId}`, { status });
  }

  /** The shipped app's call status report, keyed by its own call id. */
  reportCall(sessionId: string, clientCallId: string, status: string): Promise<unknown> {
    const body = { session_id: sessionId, client_call_id: clientCallId, status };
    return this.#send("PUT", `/sessions/${sessionId}/calls`, body);
  }

  async #send<Answer>(method: string, path: string, body: unknown): Promise<Answer> {
    const response = await fetch(`/video/v2${path}`, {
      method,
      headers: { authorization: this.#authorization, "content-type": "application/json" },
      body: JSON.stringify(body),
    });
    const answer = await response.json();
    if (!response.ok) {
      throw new Error(`${method} ${path} answered ${response.status}: ${answer.detail ?? ""}`);
    }
    return answer;
  }
}
