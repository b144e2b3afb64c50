import type { Tx } from '@pingvas/database';

/**
 * What the gallery's writers (images, boards) say after they change images, for whatever
 * follows the images table: search's SearchSync, bound to this in the module, so images/ and
 * boards/ never import search/ (search reads images, not the other way round).
 */
export abstract class ImageChanges {
  /** In the writer's transaction: these images changed (created, edited, deleted). */
  abstract changed(tx: Tx, imageIds: string[]): Promise<void>;

  /** After the commit: pass the changes on now rather than on the next tick. */
  abstract flush(): void;
}
