import type { Tx } from '@pingvas/database';

/**
 * What images need to know of boards: whether one is the owner's. Boards implement it (their
 * repository), so images never import boards and boards can build on images.
 */
export abstract class BoardOwnership {
  /** True when `boardId` is a board of `ownerId`'s (read in `tx` when given). */
  abstract owns(boardId: string, ownerId: string, tx?: Tx): Promise<boolean>;
}
