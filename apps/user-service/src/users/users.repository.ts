import { Injectable } from '@nestjs/common';
import type { Role } from '@pingvas/common';
import type { Locale } from '@pingvas/contracts';
import { isUniqueViolation, SqlRepository, type Tx } from '@pingvas/database';

/** An account. The email is trimmed and lower-cased before it is stored; unique. */
export interface User {
  id: string;
  email: string;
  passwordHash: string;
  displayName: string | null;
  role: Role;
  /** When the address was proven by a mailed link; null until then. */
  emailVerifiedAt: Date | null;
  /** The language of the mail we send (DESIGN §16). */
  locale: Locale;
  createdAt: Date;
  updatedAt: Date;
}

export type NewUser = Omit<User, 'createdAt' | 'updatedAt' | 'emailVerifiedAt'>;
export type UserChanges = Partial<
  Pick<User, 'displayName' | 'passwordHash' | 'role' | 'locale' | 'emailVerifiedAt'>
>;

interface UserRow {
  id: string;
  email: string;
  password_hash: string;
  display_name: string | null;
  role: Role;
  email_verified_at: Date | null;
  locale: Locale;
  created_at: Date;
  updated_at: Date;
}

function toUser(row: UserRow): User {
  return {
    id: row.id,
    email: row.email,
    passwordHash: row.password_hash,
    displayName: row.display_name,
    role: row.role,
    emailVerifiedAt: row.email_verified_at,
    locale: row.locale,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/** The column each changeable field is stored in. */
const CHANGEABLE = [
  ['displayName', 'display_name'],
  ['passwordHash', 'password_hash'],
  ['role', 'role'],
  ['locale', 'locale'],
  ['emailVerifiedAt', 'email_verified_at'],
] as const;

/** The `users` table. */
@Injectable()
export class UsersRepository extends SqlRepository {
  async findById(id: string, tx?: Tx): Promise<User | null> {
    const [row] = await this.query<UserRow>(`SELECT * FROM "users" WHERE "id" = $1`, [id], tx);
    return row ? toUser(row) : null;
  }

  /** The user, locked until `tx` ends: changes of one account queue up behind each other. */
  async lock(id: string, tx: Tx): Promise<User | null> {
    const [row] = await this.query<UserRow>(
      `SELECT * FROM "users" WHERE "id" = $1 FOR UPDATE`,
      [id],
      tx,
    );
    return row ? toUser(row) : null;
  }

  async findByEmail(email: string): Promise<User | null> {
    const [row] = await this.query<UserRow>(`SELECT * FROM "users" WHERE "email" = $1`, [email]);
    return row ? toUser(row) : null;
  }

  /** Inserts a user; resolves to null when the email is already taken. */
  async insert(user: NewUser, tx: Tx): Promise<User | null> {
    try {
      const [row] = await this.query<UserRow>(
        `INSERT INTO "users" ("id", "email", "password_hash", "display_name", "role", "locale")
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING *`,
        [user.id, user.email, user.passwordHash, user.displayName, user.role, user.locale],
        tx,
      );
      return toUser(row);
    } catch (err) {
      if (isUniqueViolation(err)) return null;
      throw err;
    }
  }

  /** Sets the given fields (null clears the display name); `updated_at` moves either way. */
  async update(id: string, changes: UserChanges, tx?: Tx): Promise<void> {
    const changed = CHANGEABLE.filter(([field]) => changes[field] !== undefined);
    const sets = changed.map(([, column], i) => `"${column}" = $${i + 2}, `).join('');
    await this.modify(
      `UPDATE "users" SET ${sets}"updated_at" = now() WHERE "id" = $1`,
      [id, ...changed.map(([field]) => changes[field])],
      tx,
    );
  }

  /** The address proven now (kept as first proven when it already was). */
  async markVerified(id: string, tx: Tx): Promise<void> {
    await this.modify(
      `UPDATE "users" SET "email_verified_at" = coalesce("email_verified_at", now()),
              "updated_at" = now()
        WHERE "id" = $1`,
      [id],
      tx,
    );
  }

  /** Moves the account to a proven new address; false when another account holds it. */
  async changeEmail(id: string, email: string, tx: Tx): Promise<boolean> {
    try {
      await this.modify(
        `UPDATE "users" SET "email" = $2, "email_verified_at" = now(), "updated_at" = now()
          WHERE "id" = $1`,
        [id, email],
        tx,
      );
      return true;
    } catch (err) {
      if (isUniqueViolation(err)) return false;
      throw err;
    }
  }

  /** Deletes the account row (its tokens, keys and exports go with it: ON DELETE CASCADE). */
  async delete(id: string, tx: Tx): Promise<boolean> {
    const { count } = await this.modify(`DELETE FROM "users" WHERE "id" = $1`, [id], tx);
    return count > 0;
  }

  /** `npm run user:promote`: false when no account has this email. */
  async setRoleByEmail(email: string, role: Role): Promise<boolean> {
    const { count } = await this.modify(
      `UPDATE "users" SET "role" = $2, "updated_at" = now() WHERE "email" = $1`,
      [email, role],
    );
    return count > 0;
  }
}
