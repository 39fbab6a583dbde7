import type { KeyObject } from "node:crypto";
import type {
  Clock,
  PublicJwk,
  StaffAuthentication,
  StaffAuthenticator,
} from "../../core/ports.ts";
import { checkTimeClaims, decodeJws, signerAmong, verificationKey } from "./compact-jws.ts";

export interface EntraStaffSettings {
  /** e.g. https://login.microsoftonline.com (the tenant is appended). */
  authority: string;
  tenant: string;
  /** The Video API's own application (its app id URI or client id): the token's `aud`. */
  audience: string;
  /** The app role support staff are given, e.g. VideoApi.Support. */
  role: string;
}

/** The tenant's signing keys (its JWKS, cached); `kid` is the key a token names. */
export type TenantKeys = (kid: string | undefined) => Promise<PublicJwk[]>;

type Tenant = Pick<EntraStaffSettings, "authority" | "tenant">;
const tenantBase = ({ authority, tenant }: Tenant) => `${authority.replace(/\/$/, "")}/${tenant}`;

/** Where a tenant publishes its signing keys. */
export const tenantKeysUrl = (tenant: Tenant) => `${tenantBase(tenant)}/discovery/v2.0/keys`;

const algorithm = "RS256";
/** Tokens whose signature was checked, remembered (a console sends its token with every read). */
const rememberedTokens = 256;
const invalid: StaffAuthentication = { ok: false, reason: "invalid" };

/**
 * Staff tokens from the tenant's Entra: a JWT signed with RS256 by one of the tenant's keys,
 * issued by the tenant (`iss`, `tid`), for the Video API (`aud`), with an `exp` not passed, and
 * carrying the support role in `roles`. A device token fails every one of these. Checked with
 * node:crypto (compact-jws.ts says why), as device tokens are.
 */
export class EntraStaffAuthenticator implements StaffAuthenticator {
  private readonly issuer: string;
  /** Per key object of the tenant's set, as node:crypto uses it (null: not an RS256 key). */
  private readonly imported = new WeakMap<PublicJwk, KeyObject | null>();
  /** Token → the key of the tenant's set that signed it, oldest first. */
  private readonly signers = new Map<string, PublicJwk>();

  constructor(
    private readonly settings: EntraStaffSettings,
    private readonly keys: TenantKeys,
    private readonly clock: Clock,
  ) {
    this.issuer = `${tenantBase(settings)}/v2.0`;
  }

  async authenticate(token: string): Promise<StaffAuthentication> {
    const jws = decodeJws(token);
    const kid = jws?.header.kid;
    if (!jws || jws.header.alg !== algorithm || (kid !== undefined && typeof kid !== "string")) {
      return invalid;
    }
    const candidates = (await this.keys(kid)).filter(
      (jwk) => (!kid || jwk.kid === kid) && (!jwk.alg || jwk.alg === algorithm),
    );
    // A remembered signer counts only while it is still in the tenant's set.
    const remembered = this.signers.get(token);
    const signer =
      candidates.find((jwk) => jwk === remembered) ??
      (await signerAmong(jws, algorithm, candidates, (jwk) => this.importKey(jwk)));
    if (!signer) return invalid;
    this.remember(token, signer);
    const { payload } = jws;
    const { iss, aud, exp, tid, roles } = payload;
    const audiences = Array.isArray(aud) ? aud : [aud];
    if (iss !== this.issuer || !audiences.includes(this.settings.audience)) return invalid;
    if (typeof exp !== "number") return invalid;
    const time = checkTimeClaims(payload, Math.floor(this.clock.now() / 1000));
    if (time !== "ok") return { ok: false, reason: time };
    if (
      tid !== this.settings.tenant ||
      !Array.isArray(roles) ||
      !roles.includes(this.settings.role)
    ) {
      return { ok: false, reason: "not_support" };
    }
    const id = String(payload.oid ?? payload.sub ?? "");
    const name = String(payload.preferred_username ?? payload.name ?? payload.azp ?? id);
    return { ok: true, staff: { id, name } };
  }

  private remember(token: string, signer: PublicJwk): void {
    if (this.signers.get(token) === signer) return;
    if (this.signers.size >= rememberedTokens) {
      this.signers.delete(this.signers.keys().next().value as string);
    }
    this.signers.set(token, signer);
  }

  private importKey(jwk: PublicJwk): KeyObject | null {
    let key = this.imported.get(jwk);
    if (key === undefined) {
      key = verificationKey(jwk, algorithm) ?? null;
      this.imported.set(jwk, key);
    }
    return key;
  }
}
