import { PasswordHasher } from './password-hasher';

describe('PasswordHasher', () => {
  const sut = new PasswordHasher();
  beforeAll(() => sut.onModuleInit());

  it('makes argon2id hashes with the configured cost, salted', async () => {
    const a = await sut.hash('correct horse battery');
    const b = await sut.hash('correct horse battery');
    expect(a).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect(a).not.toBe(b);
  });

  it('verifies the right password and refuses a wrong one', async () => {
    const stored = await sut.hash('correct horse battery');
    await expect(sut.verify(stored, 'correct horse battery')).resolves.toBe(true);
    await expect(sut.verify(stored, 'correct horse batterY')).resolves.toBe(false);
  });

  it('refuses every password for an unknown user (no stored hash)', async () => {
    await expect(sut.verify(undefined, 'not-a-real-password')).resolves.toBe(false);
  });

  it('treats a corrupt stored hash as a wrong password', async () => {
    await expect(sut.verify('garbage', 'whatever')).resolves.toBe(false);
  });

  it('asks for a rehash of hashes made with other parameters', async () => {
    expect(sut.needsRehash(await sut.hash('x'.repeat(12)))).toBe(false);
    expect(sut.needsRehash('$argon2id$v=19$m=65536,t=3,p=4$c2FsdA$aGFzaA')).toBe(true);
  });
});
