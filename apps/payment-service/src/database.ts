import type { ServiceDatabase } from '@pingvas/database';

/** The tables payment-service owns (DESIGN §3) and the migrations that make them. */
export const PAYMENT_DATABASE: ServiceDatabase = {
  service: 'payment',
  entities: [],
  migrations: [],
};
