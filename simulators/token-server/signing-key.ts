import { exportJWK, generateKeyPair, type JWK } from "jose";
import type { Random } from "../control/random.ts";
import { base64UrlEncode } from "../shared/encoding.ts";

export interface SigningKey {
  kid: string;
  privateKey: Promise<CryptoKey>;
  publicJwk: Promise<JWK>;
}

/**
 * The key pairs made in this process, by `kid`. WebCrypto cannot be seeded, so a seed gives only
 * the `kid`; a simulator started again in this process with the same seed gets the same key too,
 * as a seeded key would repeat (and an RSA key pair costs 100–200 ms of CPU to make).
 */
const keyPairs = new Map<string, Promise<CryptoKeyPair>>();

/** An RS256 key pair made at start, its `kid` drawn from the simulator's seed. */
export function createSigningKey(random: Random): SigningKey {
  const kid = base64UrlEncode(random.bytes(20));
  let keyPair = keyPairs.get(kid);
  if (!keyPair) {
    keyPair = generateKeyPair("RS256", { extractable: true });
    keyPairs.set(kid, keyPair);
  }
  const publicJwk = keyPair.then(async ({ publicKey }) => {
    const { kty, n, e } = await exportJWK(publicKey);
    return { kty, use: "sig", kid, n, e };
  });
  return { kid, privateKey: keyPair.then(({ privateKey }) => privateKey), publicJwk };
}
