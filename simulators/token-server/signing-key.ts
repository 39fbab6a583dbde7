import { exportJWK, generateKeyPair, type JWK } from "jose";
import type { Random } from "../control/random.ts";
import { base64UrlEncode } from "../shared/encoding.ts";

export interface SigningKey {
  kid: string;
  privateKey: Promise<CryptoKey>;
  publicJwk: Promise<JWK>;
}

/** An RS256 key pair made at start (WebCrypto cannot be seeded, so only its `kid` repeats). */
export function createSigningKey(random: Random): SigningKey {
  const kid = base64UrlEncode(random.bytes(20));
  const keyPair = generateKeyPair("RS256", { extractable: true });
  const publicJwk = keyPair.then(async ({ publicKey }) => {
    const { kty, n, e } = await exportJWK(publicKey);
    return { kty, use: "sig", kid, n, e };
  });
  return { kid, privateKey: keyPair.then(({ privateKey }) => privateKey), publicJwk };
}
