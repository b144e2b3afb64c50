import type { ModelCost, ModelDefaults, ModelLimits, Tier } from '@pingvas/contracts';
import { Column, CreateDateColumn, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';

@Entity({ name: 'models' })
export class ModelEntity {
  @PrimaryColumn('uuid') id!: string;
  @Column('text') name!: string;
  /** Relative to MODELS_DIR. */
  @Column('text') path!: string;
  @Column('text') family!: string;
  @Column('text') status!: 'validated' | 'failed';
  /** Why validation failed, in words a person can act on. */
  @Column('jsonb') problems!: string[];
  /** sha256 of every file, by path inside the package. */
  @Column('jsonb') hashes!: Record<string, string>;
  @Column('boolean') enabled!: boolean;
  @Column('boolean', { name: 'is_default' }) isDefault!: boolean;
  @Column('jsonb') defaults!: ModelDefaults;
  @Column('jsonb') limits!: ModelLimits;
  @Column('jsonb') cost!: ModelCost;
  @Column('text', { name: 'min_tier' }) minTier!: Tier;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' }) updatedAt!: Date;
}
