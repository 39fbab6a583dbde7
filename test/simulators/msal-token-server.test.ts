import { ConfidentialClientApplication, LogLevel, ServerError } from "@azure/msal-node";
import { describe, expect, it } from "vitest";
import { sharedTestStack } from "../support/stack.ts";

/**
 * Microsoft's own client against the stack's token simulator, configured as an integrator would
 * configure it for Entra: an https authority with the tenant, the simulator's host as a known
 * authority, trust in the dev CA from NODE_EXTRA_CA_CERTS (as the test run starts its workers).
 */
describe("MSAL Node against the token simulator over HTTPS", () => {
  const stack = sharedTestStack();
  const tokenRequests = () =>
    stack()
      .simulators.tokenServer.journal.entries({ path: "/*" })
      .filter(({ path }) => !path.startsWith("/_sim"));

  const msal = (overrides: { clientSecret?: string } = {}) => {
    const { authority, clientId, clientSecret } = stack().entra;
    return new ConfidentialClientApplication({
      auth: {
        clientId,
        clientSecret: overrides.clientSecret ?? clientSecret,
        authority,
        knownAuthorities: [new URL(authority).host],
      },
      system: { loggerOptions: { logLevel: LogLevel.Error, loggerCallback: () => {} } },
    });
  };
  const serverErrorOf = (attempt: Promise<unknown>) =>
    attempt.then(
      () => expect.unreachable("MSAL got a token"),
      (error: unknown) => {
        expect(error).toBeInstanceOf(ServerError);
        return error as ServerError;
      },
    );

  it("gets a token MaxConf accepts, and answers the second call from its cache", async () => {
    const client = msal();
    const scopes = [stack().entra.scope];
    const first = await client.acquireTokenByClientCredential({ scopes });
    expect(first?.tokenType).toBe("Bearer");
    expect(first?.fromCache).toBe(false);
    const rooms = await fetch(`${stack().urls.maxconf}/rooms`, {
      headers: { authorization: `Bearer ${first?.accessToken}` },
    });
    expect(rooms.status).toBe(200);

    const requestsSoFar = tokenRequests().length;
    const second = await client.acquireTokenByClientCredential({ scopes });
    expect(second?.fromCache).toBe(true);
    expect(second?.accessToken).toBe(first?.accessToken);
    expect(tokenRequests()).toHaveLength(requestsSoFar);
  });

  it("surfaces a wrong secret as Entra's invalid_client, AADSTS7000215", async () => {
    const error = await serverErrorOf(
      msal({ clientSecret: "wrong" }).acquireTokenByClientCredential({
        scopes: [stack().entra.scope],
      }),
    );
    expect(error).toMatchObject({ errorCode: "invalid_client", errorNo: 7000215, status: 401 });
    expect(error.errorMessage).toContain("Description: AADSTS7000215: Invalid client secret");
  });

  it("surfaces a wrong scope as invalid_scope, AADSTS70011", async () => {
    const error = await serverErrorOf(
      msal().acquireTokenByClientCredential({ scopes: ["api://somebody-else/.default"] }),
    );
    expect(error).toMatchObject({ errorCode: "invalid_scope", errorNo: 70011, status: 400 });
  });

  it("surfaces an unknown tenant as invalid_tenant, AADSTS90002", async () => {
    const client = msal();
    const { scope, authority } = stack().entra;
    // The authority's metadata is known (a first call); a request names another tenant, as a
    // multi-tenant integrator's does.
    await client.acquireTokenByClientCredential({ scopes: [scope] });
    const error = await serverErrorOf(
      client.acquireTokenByClientCredential({
        scopes: [scope],
        authority: `${new URL(authority).origin}/no-such-tenant`,
      }),
    );
    expect(error).toMatchObject({ errorCode: "invalid_tenant", errorNo: 90002, status: 400 });
  });

  it("fails a client configured with an unknown tenant on discovery, which Entra answers 400 too", async () => {
    const { authority, clientId, clientSecret, scope } = stack().entra;
    const unknownTenant = `${new URL(authority).origin}/no-such-tenant`;
    const client = new ConfidentialClientApplication({
      auth: {
        clientId,
        clientSecret,
        authority: unknownTenant,
        knownAuthorities: [new URL(authority).host],
      },
    });
    await expect(client.acquireTokenByClientCredential({ scopes: [scope] })).rejects.toMatchObject({
      name: "ClientAuthError",
      errorCode: "endpoints_resolution_error",
    });
  });
});
