import { Injectable, type OnModuleInit } from '@nestjs/common';
import { Algorithm, hash, verify } from '@node-rs/argon2';

/** argon2id with OWASP's recommended floor: 19 MiB, 2 passes, 1 lane. */
const OPTIONS = {
  algorithm: Algorithm.Argon2id,
  memoryCost: 19_456,
  timeCost: 2,
  parallelism: 1,
} as const;
const CURRENT_PARAMS = `$argon2id$v=19$m=${OPTIONS.memoryCost},t=${OPTIONS.timeCost},p=${OPTIONS.parallelism}$`;

export const PASSWORD_MIN = 10;
export const PASSWORD_MAX = 256;

/**
 * Password hashes in PHC form. @node-rs/argon2 ships prebuilt binaries per platform and runs
 * no install script (the `argon2` package's glibc prebuild crashed on our CI machines).
 */
@Injectable()
export class PasswordHasher implements OnModuleInit {
  /** Verified against when the email is unknown, so both answers take as long. */
  private dummyHash = '';

  async onModuleInit(): Promise<void> {
    this.dummyHash = await hash('not-a-real-password', OPTIONS);
  }

  hash(password: string): Promise<string> {
    return hash(password, OPTIONS);
  }

  async verify(stored: string | undefined, password: string): Promise<boolean> {
    try {
      const ok = await verify(stored ?? this.dummyHash, password);
      return stored !== undefined && ok;
    } catch {
      return false;
    }
  }

  /** True when the hash was made with other parameters (rehashed at the next login). */
  needsRehash(stored: string): boolean {
    return !stored.startsWith(CURRENT_PARAMS);
  }
}
