import type { ExportPage, ExportPageRequest, Locale } from './account-lifecycle';
import type { ModelPackage, ModelPackageRequest } from './model-package';
import type { Tier } from './queues';
import type { ServiceKey, ServiceName } from './services';

/**
 * RPC patterns are named `<service>.<noun>.<verb>` (DESIGN §9). Each entry of `RpcContract`
 * pairs a pattern with its request and response types, so `RpcClient.send` is typed end to end.
 */
export const RpcPatterns = {
  user: {
    systemPing: 'user.system.ping',
    apiKeysVerify: 'user.apikeys.verify',
    usersGet: 'user.users.get',
    exportsLink: 'user.exports.link',
  },
  payment: {
    systemPing: 'payment.system.ping',
    creditsReserve: 'payment.credits.reserve',
    creditsCapture: 'payment.credits.capture',
    creditsRelease: 'payment.credits.release',
    plansForUser: 'payment.plans.forUser',
    plansQueueWeights: 'payment.plans.queueWeights',
    accountExport: 'payment.account.export',
    ledgerExport: 'payment.ledger.export',
  },
  generation: {
    systemPing: 'generation.system.ping',
    generationsExport: 'generation.generations.export',
  },
  gallery: {
    systemPing: 'gallery.system.ping',
    boardsOwned: 'gallery.boards.owned',
    imagesExport: 'gallery.images.export',
    boardsExport: 'gallery.boards.export',
  },
  model: {
    systemPing: 'model.system.ping',
    modelsResolve: 'model.models.resolve',
    packagesGet: 'model.packages.get',
  },
} as const satisfies Record<ServiceKey, Record<string, string>>;

export function systemPingPattern(service: ServiceKey): `${ServiceKey}.system.ping` {
  return `${service}.system.ping`;
}

export interface PingRequest {
  /** Free text echoed back, so a caller can match its own answer. */
  echo?: string;
}

export interface PingResponse {
  service: ServiceName;
  instanceId: string;
  echo?: string;
  time: string;
}

export interface ApiKeyVerifyRequest {
  secret: string;
}

export type ApiKeyVerifyResponse =
  { valid: false } | { valid: true; userId: string; role: 'user' | 'admin'; keyId: string };

export interface UserGetRequest {
  id: string;
}

/** What other services may know of a user: no credentials, no hashes. */
export interface UserProfile {
  id: string;
  email: string;
  displayName: string | null;
  role: 'user' | 'admin';
  /** Checkout and API keys need a proven address (DESIGN §16). */
  emailVerified: boolean;
  /** The language of the mail the user gets. */
  locale: Locale;
  createdAt: string;
}

/** For the export's mail: a signed link to the zip, valid EXPORT_LINK_TTL_HOURS. */
export interface ExportLinkRequest {
  userId: string;
  exportId: string;
}

export interface ExportLinkResponse {
  url: string;
  expiresAt: string;
}

/** One row of an export, exactly as the service's REST API shows it to its owner. */
export type ApiView = Record<string, unknown>;

/** An image of the export: its API view, and where its file is in the blob store. */
export interface ImageExportItem {
  image: ApiView;
  blobKey: string;
  /** The file's name inside the zip (`images/<id>.png`). */
  filename: string;
}

/** The credit account as its owner sees it (balance, plan, subscription). */
export interface AccountExport {
  account: ApiView;
  subscription: ApiView | null;
}

/** What a plan allows; generation-service checks a job against these (DESIGN §5). */
export interface PlanLimits {
  queueWeight: number;
  maxJobsInFlight: number;
  maxSide: number;
  maxImagesPerGeneration: number;
}

export interface PlanForUser {
  planId: string;
  tier: Tier;
  limits: PlanLimits;
}

export interface CreditsReserveRequest {
  /** The generation id: the same id again returns the first answer and holds nothing more. */
  reservationId: string;
  userId: string;
  amount: number;
  reason: string;
  /** How long the hold lasts before payment-service releases it by itself (default: its own). */
  holdMinutes?: number;
}

export interface CreditsReserveResponse extends PlanForUser {
  available: number;
}

export interface CreditsSettleRequest {
  reservationId: string;
}

export interface CreditsSettleResponse {
  reservationId: string;
  status: 'captured' | 'released' | 'expired';
  /** False when an earlier call already settled it (a no-op success). */
  changed: boolean;
}

export interface ModelDefaults {
  steps: number;
  guidanceScale: number;
  width: number;
  height: number;
  scheduler: 'euler' | 'lcm';
}

export interface ModelLimits {
  minSide: number;
  maxSide: number;
  maxSteps: number;
}

export interface ModelCost {
  perImage: number;
  perStep: number;
}

/** What generation-service needs to accept, price and queue a job for a model. */
export interface ResolvedModel {
  id: string;
  name: string;
  /** Relative to MODELS_DIR, or `storage:<prefix>` for a package in the blob store (modelPathOf). */
  path: string;
  family: string;
  defaults: ModelDefaults;
  limits: ModelLimits;
  cost: ModelCost;
  minTier: Tier;
}

export interface ModelResolveRequest {
  /** An id or a unique name; the default model when absent. */
  modelId?: string;
  tier: Tier;
}

export interface BoardOwnedRequest {
  boardId: string;
  ownerId: string;
}

/** Whether the board exists and belongs to that user (another user's board is "not owned"). */
export interface BoardOwnedResponse {
  owned: boolean;
}

export interface RpcContract {
  'model.models.resolve': { request: ModelResolveRequest; response: ResolvedModel };
  /** For GPU workers: a validated package's files and hashes, whatever tier the job is on. */
  'model.packages.get': { request: ModelPackageRequest; response: ModelPackage };
  'payment.credits.reserve': { request: CreditsReserveRequest; response: CreditsReserveResponse };
  'payment.credits.capture': { request: CreditsSettleRequest; response: CreditsSettleResponse };
  'payment.credits.release': { request: CreditsSettleRequest; response: CreditsSettleResponse };
  'payment.plans.forUser': { request: { userId: string }; response: PlanForUser };
  'payment.plans.queueWeights': {
    request: Record<string, never>;
    response: Partial<Record<Tier, number>>;
  };
  'user.apikeys.verify': { request: ApiKeyVerifyRequest; response: ApiKeyVerifyResponse };
  'user.users.get': { request: UserGetRequest; response: UserProfile };
  'user.system.ping': { request: PingRequest; response: PingResponse };
  'payment.system.ping': { request: PingRequest; response: PingResponse };
  'generation.system.ping': { request: PingRequest; response: PingResponse };
  'gallery.system.ping': { request: PingRequest; response: PingResponse };
  'gallery.boards.owned': { request: BoardOwnedRequest; response: BoardOwnedResponse };
  'model.system.ping': { request: PingRequest; response: PingResponse };
  'user.exports.link': { request: ExportLinkRequest; response: ExportLinkResponse };
  'payment.account.export': { request: { userId: string }; response: AccountExport };
  'payment.ledger.export': { request: ExportPageRequest; response: ExportPage<ApiView> };
  'generation.generations.export': {
    request: ExportPageRequest;
    response: ExportPage<ApiView>;
  };
  'gallery.images.export': { request: ExportPageRequest; response: ExportPage<ImageExportItem> };
  'gallery.boards.export': { request: ExportPageRequest; response: ExportPage<ApiView> };
}

export type RpcPattern = keyof RpcContract;
export type RpcRequest<P extends RpcPattern> = RpcContract[P]['request'];
export type RpcResponse<P extends RpcPattern> = RpcContract[P]['response'];

/** What travels on the wire: the payload plus the request id that follows one user action. */
export interface RpcEnvelope<T> {
  requestId?: string;
  payload: T;
}
