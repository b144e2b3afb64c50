/**
 * What the REST API answers, as the app reads it (README: the same API third parties use).
 * Shapes follow the services' views; fields the app does not read are left out.
 */
import type { ErrorCode, GenerationStatus, Locale, Tier } from '@pingvas/contracts';

export type { ErrorCode, GenerationStatus, Locale, Tier };

export interface User {
  id: string;
  email: string;
  displayName: string | null;
  role: 'user' | 'admin';
  /** Whether the address was proven by the mailed link; checkout and API keys need it. */
  emailVerified?: boolean;
  /** The language of our mail. */
  locale?: Locale;
  createdAt: string;
}

/** `GET /users/me`: the profile with an email change that waits for its verification. */
export interface Me extends User {
  emailVerified: boolean;
  locale: Locale;
  pendingEmail: string | null;
}

export interface WebSession {
  user: User;
  accessToken: string;
  expiresIn: number;
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export interface PlanLimits {
  queueWeight: number;
  maxJobsInFlight: number;
  maxSide: number;
  maxImagesPerGeneration: number;
}

export interface Plan {
  planId: string;
  tier: Tier;
  name: string;
  monthlyCredits: number;
  priceCents: number;
  limits: PlanLimits;
}

export interface CreditPack {
  id: string;
  name: string;
  credits: number;
  priceCents: number;
}

export interface Catalogue {
  plans: Plan[];
  packs: CreditPack[];
}

export interface Balance {
  available: number;
  reserved: number;
  plan: Plan;
}

export interface LedgerEntry {
  id: string;
  kind: string;
  availableDelta: number;
  reservedDelta: number;
  reference: string | null;
  reason: string | null;
  createdAt: string;
}

/** `GET /billing/subscription`: `status: 'none'` on the free plan. */
export interface Subscription {
  status: string;
  planId: string;
  /** Cancelled at the period end: the plan holds until `endsAt`, and it can be resumed. */
  cancelled?: boolean;
  renewsAt?: string | null;
  endsAt?: string | null;
}

export interface ModelDefaults {
  steps: number;
  guidanceScale: number;
  width: number;
  height: number;
  scheduler: 'euler' | 'lcm';
}

export interface Model {
  id: string;
  name: string;
  family: string;
  path: string;
  status: 'validated' | 'failed';
  problems: string[];
  enabled: boolean;
  isDefault: boolean;
  minTier: Tier;
  defaults: ModelDefaults;
  limits: { minSide: number; maxSide: number; maxSteps: number };
  cost: { perImage: number; perStep: number };
  createdAt: string;
}

export interface GenerationParams {
  width: number;
  height: number;
  steps: number;
  guidanceScale: number;
  seed: number;
  count: number;
}

export interface GenerationImage {
  id: string;
  index: number;
  width: number;
  height: number;
  seed: number;
}

export interface Generation {
  id: string;
  status: GenerationStatus;
  prompt: string;
  negativePrompt: string | null;
  model: { id: string; name: string };
  params: GenerationParams;
  tier: string;
  queue: string;
  cost: number;
  position?: number | null;
  progress: { step: number; steps: number };
  timings: { queuedAt: string; startedAt: string | null; finishedAt: string | null };
  error: { code: string; message: string } | null;
  images: GenerationImage[];
  createdAt: string;
}

export interface QueueTier {
  waiting: number;
  running: number;
  weight: number;
}

export interface QueueInfo {
  tiers: Record<Tier, QueueTier>;
  workers: number;
  yours: {
    tier: Tier;
    inFlight: number;
    maxJobsInFlight: number;
    estimatedWaitSeconds: number | null;
    /** Your queued jobs in their tier's line (1: taken next), each with its own wait. */
    queued: { id: string; position: number; estimatedWaitSeconds: number | null }[];
  };
}

export interface SignedUrls {
  file: string;
  thumbnail: string;
  expiresAt: string;
}

export interface GalleryImage {
  id: string;
  generationId: string;
  index: number;
  prompt: string;
  negativePrompt: string | null;
  model: { id: string; name: string };
  seed: number;
  width: number;
  height: number;
  steps: number;
  guidanceScale: number;
  bytes: number;
  boardId: string | null;
  starred: boolean;
  createdAt: string;
  urls: SignedUrls;
}

export interface Board {
  id: string;
  name: string;
  imageCount: number;
  cover: { imageId: string; thumbnail: string } | null;
  createdAt: string;
  updatedAt: string;
}

export interface ApiKey {
  id: string;
  name: string;
  prefix: string;
  createdAt: string;
  lastUsedAt: string | null;
}

export interface FieldProblem {
  field: string;
  problems: string[];
}
