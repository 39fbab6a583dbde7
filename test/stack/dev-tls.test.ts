import { X509Certificate } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { ensureDevTls } from "../../apps/shared/dev-tls.ts";

describe("the dev CA under DATA_DIR/dev-ca", () => {
  const dir = mkdtempSync(join(tmpdir(), "dev-tls-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const certificate = (pem: string) => new X509Certificate(pem);

  it("issues a server certificate for loopback and the stack's names, signed by the CA", () => {
    const tls = ensureDevTls(dir, ["devbox.lan"]);
    const ca = certificate(readFileSync(tls.caFile, "utf8"));
    const server = certificate(tls.cert);
    expect(ca.ca).toBe(true);
    expect(server.ca).toBe(false);
    expect(server.verify(ca.publicKey)).toBe(true);
    expect(server.checkHost("localhost")).toBe("localhost");
    expect(server.checkHost("devbox.lan")).toBe("devbox.lan");
    expect(server.checkIP("127.0.0.1")).toBe("127.0.0.1");
    expect(server.checkIP("::1")).toBe("::1");
    expect(server.keyUsage).toContain("1.3.6.1.5.5.7.3.1"); // serverAuth
    expect(readFileSync(tls.keyFile, "utf8")).toBe(tls.key);
  });

  it("keeps the CA and the certificate across starts", () => {
    const first = ensureDevTls(dir, ["devbox.lan"]);
    const again = ensureDevTls(dir, ["devbox.lan"]);
    expect(again.cert).toBe(first.cert);
    expect(readFileSync(again.caFile, "utf8")).toBe(readFileSync(first.caFile, "utf8"));
  });

  it("issues a new certificate, from the same CA, for a name the old one lacks or once it is gone", () => {
    const before = ensureDevTls(dir, ["devbox.lan"]);
    const caBefore = readFileSync(before.caFile, "utf8");
    const renamed = ensureDevTls(dir, ["192.168.1.20"]);
    expect(renamed.cert).not.toBe(before.cert);
    expect(certificate(renamed.cert).checkIP("192.168.1.20")).toBe("192.168.1.20");
    rmSync(renamed.certFile);
    const reissued = ensureDevTls(dir, ["192.168.1.20"]);
    expect(reissued.cert).not.toBe(renamed.cert);
    expect(readFileSync(reissued.caFile, "utf8")).toBe(caBefore);
    expect(certificate(reissued.cert).verify(certificate(caBefore).publicKey)).toBe(true);
  });
});
