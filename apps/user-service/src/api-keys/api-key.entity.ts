import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';

/** An API key for scripts: the secret is shown once; only its SHA-256 is kept. */
@Entity({ name: 'api_keys' })
export class ApiKeyEntity {
  @PrimaryColumn('uuid')
  id!: string;

  @Column('uuid', { name: 'user_id' })
  userId!: string;

  @Column('text')
  name!: string;

  /** The first characters of the secret, so a user can tell keys apart. */
  @Column('text')
  prefix!: string;

  @Column('bytea', { name: 'key_hash', unique: true })
  keyHash!: Buffer;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column('timestamptz', { name: 'last_used_at', nullable: true })
  lastUsedAt!: Date | null;

  @Column('timestamptz', { name: 'revoked_at', nullable: true })
  revokedAt!: Date | null;
}
