import {
  calculateJwkThumbprint,
  exportJWK,
  generateKeyPair,
  type JWK,
  type JWTPayload,
  type KeyLike,
  SignJWT,
} from 'jose';

export interface SigningKeyFixture {
  kid: string;
  /** For user-service's JWT_PRIVATE_KEYS. */
  privateKeysJson: string;
  /** Signs any claims with this key, for tokens user-service would never issue (expired, wrong aud). */
  sign(
    claims: JWTPayload,
    options?: { kid?: string; expiresIn?: string | number },
  ): Promise<string>;
}

/** A fresh Ed25519 key, so tests can forge tokens that are validly signed but otherwise wrong. */
export async function signingKeyFixture(): Promise<SigningKeyFixture> {
  const { privateKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519', extractable: true });
  const jwk: JWK = await exportJWK(privateKey);
  const kid = await calculateJwkThumbprint(jwk);
  return {
    kid,
    privateKeysJson: JSON.stringify([{ ...jwk, kid }]),
    sign: (claims, options = {}) =>
      signWith(privateKey, options.kid ?? kid, claims, options.expiresIn ?? '15m'),
  };
}

async function signWith(
  key: KeyLike,
  kid: string,
  claims: JWTPayload,
  expiresIn: string | number,
): Promise<string> {
  return new SignJWT(claims)
    .setProtectedHeader({ alg: 'EdDSA', kid, typ: 'JWT' })
    .setIssuedAt()
    .setExpirationTime(expiresIn)
    .sign(key);
}

function b64(value: object): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

/** The classic forgeries of a valid token, each of which must be refused. */
export function tamperedVariants(token: string): Record<string, string> {
  const [header, payload, signature] = token.split('.');
  const claims = JSON.parse(Buffer.from(payload, 'base64url').toString()) as Record<
    string,
    unknown
  >;
  const headerJson = JSON.parse(Buffer.from(header, 'base64url').toString()) as Record<
    string,
    unknown
  >;
  return {
    'alg none': `${b64({ ...headerJson, alg: 'none' })}.${payload}.`,
    'changed payload': `${header}.${b64({ ...claims, role: 'admin', sub: '00000000-0000-4000-8000-000000000000' })}.${signature}`,
    'truncated signature': `${header}.${payload}.${signature.slice(0, -4)}`,
    'not a JWT': 'definitely-not-a-token',
  };
}
