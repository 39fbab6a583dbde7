import { createRemoteJWKSet, customFetch, errors, type JWTPayload, jwtVerify } from "jose";
import type { Clock, StaffAuthentication, StaffAuthenticator } from "../../core/ports.ts";

export interface EntraStaffSettings {
  /** e.g. https://login.microsoftonline.com (the tenant is appended). */
  authority: string;
  tenant: string;
  /** The Video API's own application (its app id URI or client id): the token's `aud`. */
  audience: string;
  /** The app role support staff are given, e.g. VideoApi.Support. */
  role: string;
  /** How the tenant's keys are fetched (one that trusts a dev CA, say). */
  fetch?: typeof fetch;
}

/**
 * Staff tokens from the tenant's Entra: a JWT signed by one of the tenant's keys (its JWKS,
 * fetched and cached), issued by the tenant (`iss`, `tid`), for the Video API (`aud`), not
 * expired, and carrying the support role in `roles`. A device token fails every one of these.
 */
export class EntraStaffAuthenticator implements StaffAuthenticator {
  private readonly keys;
  private readonly issuer: string;

  constructor(
    private readonly settings: EntraStaffSettings,
    private readonly clock: Clock,
  ) {
    const base = `${settings.authority.replace(/\/$/, "")}/${settings.tenant}`;
    this.issuer = `${base}/v2.0`;
    this.keys = createRemoteJWKSet(new URL(`${base}/discovery/v2.0/keys`), {
      ...(settings.fetch ? { [customFetch]: settings.fetch } : {}),
    });
  }

  async authenticate(token: string): Promise<StaffAuthentication> {
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, this.keys, {
        issuer: this.issuer,
        audience: this.settings.audience,
        algorithms: ["RS256"],
        currentDate: new Date(this.clock.now()),
      }));
    } catch (error) {
      return { ok: false, reason: error instanceof errors.JWTExpired ? "expired" : "invalid" };
    }
    const roles = Array.isArray(payload.roles) ? payload.roles : [];
    if (payload.tid !== this.settings.tenant || !roles.includes(this.settings.role)) {
      return { ok: false, reason: "not_support" };
    }
    const id = String(payload.oid ?? payload.sub ?? "");
    const name = String(payload.preferred_username ?? payload.name ?? payload.azp ?? id);
    return { ok: true, staff: { id, name } };
  }
}
