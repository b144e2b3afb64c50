import { Injectable } from '@nestjs/common';
import type { ModelCost, ModelDefaults, ModelLimits, ModelSource, Tier } from '@pingvas/contracts';
import { isUniqueViolation, SqlRepository, type Tx } from '@pingvas/database';

/** A registered model package and the outcome of its validation. */
export interface Model {
  id: string;
  name: string;
  /** local: a folder under MODELS_DIR; storage: a package in the blob store. */
  source: ModelSource;
  /** Relative to MODELS_DIR, or the blob key prefix of a stored package. */
  path: string;
  family: string;
  status: 'validated' | 'failed';
  /** Why validation failed, in words a person can act on. */
  problems: string[];
  /** sha256 of every file, by path inside the package. */
  hashes: Record<string, string>;
  enabled: boolean;
  isDefault: boolean;
  defaults: ModelDefaults;
  limits: ModelLimits;
  cost: ModelCost;
  minTier: Tier;
  createdAt: Date;
  updatedAt: Date;
}

export type NewModel = Omit<Model, 'createdAt' | 'updatedAt'>;
export type ModelChanges = Partial<
  Pick<Model, 'enabled' | 'isDefault' | 'defaults' | 'limits' | 'cost' | 'minTier'>
>;

interface ModelRow {
  id: string;
  name: string;
  source: ModelSource;
  path: string;
  family: string;
  status: Model['status'];
  problems: string[];
  hashes: Record<string, string>;
  enabled: boolean;
  is_default: boolean;
  defaults: ModelDefaults;
  limits: ModelLimits;
  cost: ModelCost;
  min_tier: Tier;
  created_at: Date;
  updated_at: Date;
}

function toModel(row: ModelRow): Model {
  return {
    id: row.id,
    name: row.name,
    source: row.source,
    path: row.path,
    family: row.family,
    status: row.status,
    problems: row.problems,
    hashes: row.hashes,
    enabled: row.enabled,
    isDefault: row.is_default,
    defaults: row.defaults,
    limits: row.limits,
    cost: row.cost,
    minTier: row.min_tier,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/** The column each changeable field is stored in; jsonb ones are written as JSON text. */
const CHANGEABLE = [
  ['enabled', 'enabled'],
  ['isDefault', 'is_default'],
  ['defaults', 'defaults'],
  ['limits', 'limits'],
  ['cost', 'cost'],
  ['minTier', 'min_tier'],
] as const;

const asParam = (value: unknown) =>
  value !== null && typeof value === 'object' ? JSON.stringify(value) : value;

/** The `models` table. At most one row is the default, and only a usable one (constraints). */
@Injectable()
export class ModelsRepository extends SqlRepository {
  /** Resolves to null when the name is taken. */
  async insert(model: NewModel): Promise<Model | null> {
    try {
      const [row] = await this.query<ModelRow>(
        `INSERT INTO "models" ("id", "name", "path", "family", "status", "problems", "hashes",
           "enabled", "is_default", "defaults", "limits", "cost", "min_tier", "source")
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) RETURNING *`,
        [
          model.id,
          model.name,
          model.path,
          model.family,
          model.status,
          JSON.stringify(model.problems),
          JSON.stringify(model.hashes),
          model.enabled,
          model.isDefault,
          JSON.stringify(model.defaults),
          JSON.stringify(model.limits),
          JSON.stringify(model.cost),
          model.minTier,
          model.source,
        ],
      );
      return toModel(row);
    } catch (err) {
      if (isUniqueViolation(err)) return null;
      throw err;
    }
  }

  /** Every model, the default first, then by name. */
  async all(): Promise<Model[]> {
    const rows = await this.query<ModelRow>(
      `SELECT * FROM "models" ORDER BY "is_default" DESC, "name" ASC`,
    );
    return rows.map(toModel);
  }

  async findById(id: string, tx?: Tx): Promise<Model | null> {
    return this.one(`SELECT * FROM "models" WHERE "id" = $1`, [id], tx);
  }

  /** The row to change in `tx`, locked until it commits. */
  async lockById(id: string, tx: Tx): Promise<Model | null> {
    return this.one(`SELECT * FROM "models" WHERE "id" = $1 FOR UPDATE`, [id], tx);
  }

  async findByName(name: string): Promise<Model | null> {
    return this.one(`SELECT * FROM "models" WHERE "name" = $1`, [name]);
  }

  /** `idOrName` must be UUID-shaped: the model with that id, or else with that name. */
  async findByIdOrName(idOrName: string): Promise<Model | null> {
    return this.one(`SELECT * FROM "models" WHERE "id" = $1 OR "name" = $2 LIMIT 1`, [
      idOrName,
      idOrName,
    ]);
  }

  async findDefault(): Promise<Model | null> {
    return this.one(`SELECT * FROM "models" WHERE "is_default"`, []);
  }

  async update(id: string, changes: ModelChanges, tx?: Tx): Promise<void> {
    const changed = CHANGEABLE.filter(([field]) => changes[field] !== undefined);
    const sets = changed.map(([, column], i) => `"${column}" = $${i + 2}, `).join('');
    await this.modify(
      `UPDATE "models" SET ${sets}"updated_at" = now() WHERE "id" = $1`,
      [id, ...changed.map(([field]) => asParam(changes[field]))],
      tx,
    );
  }

  /** Before another model becomes the default (one default at a time). */
  async clearDefault(tx: Tx): Promise<void> {
    await this.modify(
      `UPDATE "models" SET "is_default" = false, "updated_at" = now() WHERE "is_default"`,
      [],
      tx,
    );
  }

  /** Never the default model. */
  async deleteUnlessDefault(id: string): Promise<void> {
    await this.modify(`DELETE FROM "models" WHERE "id" = $1 AND NOT "is_default"`, [id]);
  }

  private async one(sql: string, params: unknown[], tx?: Tx): Promise<Model | null> {
    const [row] = await this.query<ModelRow>(sql, params, tx);
    return row ? toModel(row) : null;
  }
}
