import { eventually, type ServiceRecipe } from '@pingvas/testing';
import request from 'supertest';
import {
  type GenerationServiceConfig,
  loadGenerationServiceConfig,
} from '../../apps/generation-service/src/config';
import { GENERATION_DATABASE } from '../../apps/generation-service/src/database';
import { GenerationServiceModule } from '../../apps/generation-service/src/generation-service.module';
import type { Customer } from './user-service';

export const GENERATION_SERVICE: ServiceRecipe<GenerationServiceConfig> = {
  database: GENERATION_DATABASE,
  loadConfig: loadGenerationServiceConfig,
  module: (config) => GenerationServiceModule.forRoot(config),
};

export interface GenerationBody {
  id: string;
  status: string;
  cost: number;
  progress: { step: number; steps: number };
  error: { code: string; message: string } | null;
  images: { id: string; index: number; width: number; height: number; seed: number }[];
  [key: string]: unknown;
}

/** Polls the customer's generation until its status is one of `statuses`. */
export async function waitForGeneration(
  generationUrl: string,
  c: Customer,
  id: string,
  statuses: string[],
  timeoutMs = 30_000,
): Promise<GenerationBody> {
  return eventually(
    async () => {
      const res = await request(generationUrl)
        .get(`/api/v1/generations/${id}`)
        .auth(c.token, { type: 'bearer' });
      return statuses.includes(res.body.status) ? (res.body as GenerationBody) : undefined;
    },
    timeoutMs,
    `generation ${id} to be ${statuses.join(' or ')}`,
    50,
  );
}
