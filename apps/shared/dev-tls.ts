import { execFileSync } from "node:child_process";
import { generateKeyPairSync, randomBytes, X509Certificate } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { isIP } from "node:net";
import { join } from "node:path";
import type { ServerTls } from "./listen.ts";

/** The dev stack's TLS: a certificate authority kept across starts and a server certificate. */
export interface DevTls extends ServerTls {
  /** The CA's certificate (PEM file): what a client trusts (NODE_EXTRA_CA_CERTS, a browser...). */
  caFile: string;
  /** The server certificate (PEM file), issued by the CA for this machine's names. */
  certFile: string;
  keyFile: string;
}

/** Where `npm start` keeps its dev CA, under DATA_DIR. */
export const devTlsDir = (dataDir: string) => join(dataDir, "dev-ca");

/** The dev CA's certificate (PEM) that `npm start` made under `dataDir`. */
export const readDevCa = (dataDir: string) =>
  readFileSync(join(devTlsDir(dataDir), "ca.pem"), "utf8");

const loopbackNames = ["localhost", "127.0.0.1", "::1"];
const caDays = 3650;
/** Apple's devices refuse server certificates valid for more than 825 days. */
const certificateDays = 365;
/** Renewed at start when it would expire within a day, rather than in the middle of a run. */
const renewAheadMs = 24 * 3600_000;

/**
 * The dev CA under `dir` (made on first use, then kept, so that trusting it once is enough) and a
 * server certificate it issued for localhost, 127.0.0.1, ::1 and `hostNames`, issued again when
 * it is missing, about to expire, from another CA, or missing one of those names.
 */
export function ensureDevTls(dir: string, hostNames: string[] = []): DevTls {
  mkdirSync(dir, { recursive: true });
  const caFile = join(dir, "ca.pem");
  const caKeyFile = join(dir, "ca-key.pem");
  const certFile = join(dir, "server.pem");
  const keyFile = join(dir, "server-key.pem");
  const names = [...new Set([...loopbackNames, ...hostNames])];
  const openssl = opensslWithProfiles(dir, names);
  if (!existsSync(caFile) || !existsSync(caKeyFile)) {
    writePrivateKey(caKeyFile);
    const selfSigned = ["-x509", "-new", "-key", caKeyFile, "-days", String(caDays)];
    writeFileSync(caFile, openssl(["req", ...selfSigned, "-extensions", "ca"]));
  }
  if (!certificateUsable(certFile, caFile, names)) {
    writePrivateKey(keyFile);
    const request = openssl(["req", "-new", "-key", keyFile, "-subj", "/CN=localhost"]);
    const signedByCa = ["-CA", caFile, "-CAkey", caKeyFile, "-days", String(certificateDays)];
    const serial = ["-set_serial", `0x${randomBytes(16).toString("hex")}`];
    const issue = ["x509", "-req", ...signedByCa, ...serial, "-extensions", "server"];
    writeFileSync(certFile, openssl(issue, request));
  }
  const read = (file: string) => readFileSync(file, "utf8");
  return { caFile, certFile, keyFile, cert: read(certFile), key: read(keyFile) };
}

function certificateUsable(certFile: string, caFile: string, names: string[]): boolean {
  if (!existsSync(certFile)) return false;
  const certificate = new X509Certificate(readFileSync(certFile));
  const ca = new X509Certificate(readFileSync(caFile));
  return (
    certificate.verify(ca.publicKey) &&
    Date.parse(certificate.validTo) - Date.now() > renewAheadMs &&
    names.every((name) =>
      isIP(name) ? certificate.checkIP(name) : certificate.checkHost(name) !== undefined,
    )
  );
}

function writePrivateKey(file: string): void {
  const { privateKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
  writeFileSync(file, privateKey.export({ type: "pkcs8", format: "pem" }), { mode: 0o600 });
}

/** Runs the openssl command with the CA's and the server certificate's profiles; its stdout. */
function opensslWithProfiles(dir: string, names: string[]) {
  return (args: string[], input?: string): string => {
    const config = join(dir, "openssl.cnf");
    writeFileSync(config, opensslConfig(names));
    const configArg = args[0] === "x509" ? "-extfile" : "-config";
    try {
      return execFileSync("openssl", [...args, configArg, config], {
        input,
        encoding: "utf8",
        stdio: ["pipe", "pipe", "pipe"],
      });
    } catch (error) {
      const { code, stderr } = error as { code?: string; stderr?: string };
      if (code === "ENOENT") {
        throw new Error(
          "the dev stack makes its TLS certificates with the openssl command: install OpenSSL",
        );
      }
      throw new Error(`openssl ${args[0]} failed: ${stderr || String(error)}`);
    } finally {
      rmSync(config, { force: true });
    }
  };
}

function opensslConfig(names: string[]): string {
  const altNames = names.map((name) => (isIP(name) ? `IP:${name}` : `DNS:${name}`)).join(", ");
  return `[req]
distinguished_name = subject
prompt = no
[subject]
CN = BCSC Video API dev CA
O = BCSC Video API dev stack (npm start)
[ca]
basicConstraints = critical, CA:TRUE, pathlen:0
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
[server]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = serverAuth
subjectAltName = ${altNames}
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
`;
}
