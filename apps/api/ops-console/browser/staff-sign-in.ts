/** Kept for this tab only: closing it forgets the token. */
const storageKey = "bcsc-ops-console.staff-token";

/** Who a token says its holder is, read for display only: the API verifies it, not the page. */
export interface StaffIdentity {
  name: string;
  roles: string[];
  expiresAt?: Date;
}

/** The signed-in member of staff's token, in this tab's memory and sessionStorage only. */
export class StaffSignIn {
  #token: string | undefined = sessionStorage.getItem(storageKey) ?? undefined;

  constructor(private readonly changed: () => void) {}

  get token(): string | undefined {
    return this.#token;
  }

  get identity(): StaffIdentity | undefined {
    return this.#token === undefined ? undefined : identityOf(this.#token);
  }

  /** A token pasted by its holder (from the tenant, for the Video API, with the support role). */
  use(token: string): void {
    const trimmed = token.trim().replace(/^Bearer\s+/i, "");
    if (identityOf(trimmed) === undefined) {
      throw new Error("That is not a JWT (three base64url parts, the middle one JSON).");
    }
    this.#token = trimmed;
    sessionStorage.setItem(storageKey, trimmed);
    this.changed();
  }

  /** The dev stack's one click: its token simulator signs a staff token (loopback only). */
  async signInOnDevStack(): Promise<void> {
    const answer = await fetch("/dev/staff-token", { method: "POST" });
    if (!answer.ok) {
      throw new Error(
        `The dev sign-in answered ${answer.status}: it exists on the dev stack (npm start), on a ` +
          "loopback address only. Elsewhere, paste a staff token.",
      );
    }
    const { access_token } = (await answer.json()) as { access_token: string };
    this.use(access_token);
  }

  signOut(): void {
    this.#token = undefined;
    sessionStorage.removeItem(storageKey);
    this.changed();
  }
}

function identityOf(token: string): StaffIdentity | undefined {
  const claims = claimsOf(token);
  if (claims === undefined) return undefined;
  const text = (name: string) => (typeof claims[name] === "string" ? claims[name] : undefined);
  const name =
    text("name") ?? text("preferred_username") ?? text("azp") ?? text("appid") ?? "unnamed";
  const roles = Array.isArray(claims.roles) ? claims.roles.map(String) : [];
  const expiresAt = typeof claims.exp === "number" ? new Date(claims.exp * 1000) : undefined;
  return { name, roles, ...(expiresAt ? { expiresAt } : {}) };
}

function claimsOf(token: string): Record<string, unknown> | undefined {
  const payload = token.split(".")[1];
  if (token.split(".").length !== 3 || !payload) return undefined;
  try {
    const base64 = payload.replace(/-/g, "+").replace(/_/g, "/");
    const bytes = Uint8Array.from(atob(base64), (char) => char.charCodeAt(0));
    const claims: unknown = JSON.parse(new TextDecoder().decode(bytes));
    return typeof claims === "object" && claims !== null
      ? (claims as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}
