import { existsSync } from 'node:fs';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Inject, Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { ACCESS_TOKEN_ALGORITHM, APP_CONFIG, VerificationKeys } from '@pingvas/common';
import {
  calculateJwkThumbprint,
  exportJWK,
  generateKeyPair,
  importJWK,
  type JWK,
  type KeyLike,
} from 'jose';
import type { UserServiceConfig } from '../config';

interface SigningKey {
  kid: string;
  key: KeyLike;
}

const DEV_KEY_FILE = 'jwt-signing-keys.json';

function isEd25519Private(jwk: JWK): boolean {
  return (
    jwk.kty === 'OKP' &&
    jwk.crv === 'Ed25519' &&
    typeof jwk.d === 'string' &&
    typeof jwk.x === 'string'
  );
}

/**
 * user-service's Ed25519 keys. The first key signs; every key is published in the JWKS, so a
 * new key can be added first and old tokens keep verifying until they expire (rotation by kid).
 * In prod the keys come from config (env or file); in dev and test one pair is generated on
 * first start and kept on disk, so a restart signs nobody out.
 */
@Injectable()
export class KeyRing extends VerificationKeys implements OnModuleInit {
  private readonly logger = new Logger(KeyRing.name);
  private signingKey?: SigningKey;
  private publicKeys = new Map<string, JWK>();

  constructor(@Inject(APP_CONFIG) private readonly config: UserServiceConfig) {
    super();
  }

  async onModuleInit(): Promise<void> {
    const privateJwks = await this.loadPrivateJwks();
    const withKids = await Promise.all(
      privateJwks.map(async (jwk) => ({
        ...jwk,
        kid: jwk.kid ?? (await calculateJwkThumbprint(jwk)),
      })),
    );
    this.publicKeys = new Map(
      withKids.map(({ kid, kty, crv, x }) => [
        kid,
        { kid, kty, crv, x, alg: ACCESS_TOKEN_ALGORITHM, use: 'sig' },
      ]),
    );
    const [first] = withKids;
    this.signingKey = {
      kid: first.kid,
      key: (await importJWK(first, ACCESS_TOKEN_ALGORITHM)) as KeyLike,
    };
    this.logger.log(`signing with key ${first.kid}; publishing ${this.publicKeys.size} key(s)`);
  }

  signer(): SigningKey {
    if (!this.signingKey) throw new Error('KeyRing used before it was loaded');
    return this.signingKey;
  }

  jwks(): { keys: JWK[] } {
    return { keys: [...this.publicKeys.values()] };
  }

  async find(kid: string): Promise<JWK | undefined> {
    return this.publicKeys.get(kid);
  }

  private async loadPrivateJwks(): Promise<JWK[]> {
    const { json, file, devDir } = this.config.signingKeys;
    const source = json ?? (file ? await readFile(file, 'utf8') : undefined);
    if (source !== undefined)
      return this.parse(source, json ? 'JWT_PRIVATE_KEYS' : 'JWT_PRIVATE_KEYS_FILE');
    if (this.config.appEnv === 'prod') {
      throw new Error('JWT_PRIVATE_KEYS or JWT_PRIVATE_KEYS_FILE is required when APP_ENV=prod');
    }
    return this.devKeys(devDir);
  }

  private parse(source: string, variable: string): JWK[] {
    let value: unknown;
    try {
      value = JSON.parse(source);
    } catch {
      throw new Error(`${variable} is not JSON (expected an array of Ed25519 private JWKs)`);
    }
    const keys = Array.isArray(value) ? (value as JWK[]) : [];
    if (keys.length === 0 || !keys.every(isEd25519Private)) {
      throw new Error(
        `${variable} must be a non-empty array of Ed25519 private JWKs (kty OKP, crv Ed25519, d, x)`,
      );
    }
    return keys;
  }

  private async devKeys(dir: string): Promise<JWK[]> {
    const path = join(dir, DEV_KEY_FILE);
    if (existsSync(path)) return this.parse(await readFile(path, 'utf8'), path);
    const { privateKey } = await generateKeyPair(ACCESS_TOKEN_ALGORITHM, {
      crv: 'Ed25519',
      extractable: true,
    });
    const jwk = await exportJWK(privateKey);
    const keys = [{ ...jwk, kid: await calculateJwkThumbprint(jwk) }];
    await mkdir(dir, { recursive: true, mode: 0o700 });
    await writeFile(path, JSON.stringify(keys), { mode: 0o600, flag: 'wx' }).catch(
      async (err: NodeJS.ErrnoException) => {
        // Another process created it first: use theirs, so all agree on one key.
        if (err.code !== 'EEXIST') throw err;
      },
    );
    await chmod(path, 0o600);
    this.logger.warn(`generated a development signing key in ${path}`);
    return this.parse(await readFile(path, 'utf8'), path);
  }
}
