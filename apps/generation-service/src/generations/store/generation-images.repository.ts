import { Injectable } from '@nestjs/common';
import { SqlRepository, type Tx } from '@pingvas/database';
import { type ImageRow, toImage } from './generation-row';

/**
 * The `generation_images` table: what a success produced, written with its final status (in
 * the caller's transaction) and deleted with its generation by the foreign key.
 */
@Injectable()
export class GenerationImagesRepository extends SqlRepository {
  /** Idempotent: a result delivered twice writes each image once. */
  async insert(images: ImageRow[], tx: Tx): Promise<void> {
    for (const image of images) {
      await this.query(
        `INSERT INTO "generation_images" ("id", "generation_id", "index", "width", "height", "seed", "storage_key", "bytes")
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT ("generation_id", "index") DO NOTHING`,
        [
          image.id,
          image.generationId,
          image.index,
          image.width,
          image.height,
          image.seed,
          image.storageKey,
          image.bytes,
        ],
        tx,
      );
    }
  }

  /** The images of these generations, each generation's in index order. */
  async of(generationIds: string[]): Promise<ImageRow[]> {
    if (generationIds.length === 0) return [];
    const rows = await this.query(
      `SELECT * FROM "generation_images" WHERE "generation_id" = ANY($1) ORDER BY "generation_id", "index"`,
      [generationIds],
    );
    return rows.map(toImage);
  }
}
