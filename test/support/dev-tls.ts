import { inject } from "vitest";
import { type DevTls, ensureDevTls } from "../../apps/shared/dev-tls.ts";

let tls: DevTls | undefined;

/** The run's dev CA and server certificate (made by dev-tls-setup.ts; read once per worker). */
export function testTls(): DevTls {
  tls ??= ensureDevTls(inject("devTlsDir"));
  return tls;
}
