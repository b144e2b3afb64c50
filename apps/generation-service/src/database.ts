import type { ServiceDatabase } from '@pingvas/database';
import { CreateGenerations1795600000000 } from './migrations/1795600000000-CreateGenerations';
import { IndexGenerationsCreated1795800000000 } from './migrations/1795800000000-IndexGenerationsCreated';
import { AddGenerationsEnqueuedAt1796100000000 } from './migrations/1796100000000-AddGenerationsEnqueuedAt';

/**
 * The tables generation-service owns (DESIGN §3). Generations change state only through
 * conditional SQL updates (`WHERE status IN …`) in the repositories.
 */
export const GENERATION_DATABASE: ServiceDatabase = {
  service: 'generation',
  migrations: [
    CreateGenerations1795600000000,
    IndexGenerationsCreated1795800000000,
    AddGenerationsEnqueuedAt1796100000000,
  ],
};
