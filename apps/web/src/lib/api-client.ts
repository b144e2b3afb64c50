import { API_BASE, isErrorCode, type ErrorCode } from '@pingvas/contracts';
import type { FieldProblem } from '@/types/api';
import { session } from './session';

/** An error answer of the API (`{statusCode, code, message, details}`), or a network failure. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: ErrorCode | 'NETWORK',
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'ApiError';
  }

  /** The fields a VALIDATION_FAILED answer names (`details: [{field, problems}]`). */
  get fields(): string[] {
    if (!Array.isArray(this.details)) return [];
    return (this.details as FieldProblem[])
      .filter((d) => typeof d?.field === 'string')
      .map((d) => d.field);
  }
}

export interface RequestOptions {
  method?: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
  body?: unknown;
  query?: Record<string, string | number | boolean | undefined | null>;
  headers?: Record<string, string>;
  signal?: AbortSignal;
  /** Send the access token (default). Public routes and the auth calls pass false. */
  auth?: boolean;
}

export function apiUrl(path: string, query?: RequestOptions['query']): string {
  const url = new URL(`${API_BASE}${path}`, window.location.origin);
  for (const [key, value] of Object.entries(query ?? {})) {
    if (value !== undefined && value !== null && value !== '')
      url.searchParams.set(key, String(value));
  }
  return url.pathname + url.search;
}

export async function toApiError(res: Response): Promise<ApiError> {
  const body = (await res.json().catch(() => null)) as {
    code?: unknown;
    message?: unknown;
    details?: unknown;
  } | null;
  const code = isErrorCode(body?.code) ? body.code : 'INTERNAL_ERROR';
  const message = typeof body?.message === 'string' ? body.message : res.statusText;
  return new ApiError(res.status, code, message, body?.details);
}

async function send(path: string, options: RequestOptions, token?: string): Promise<Response> {
  const headers: Record<string, string> = { Accept: 'application/json', ...options.headers };
  if (options.body !== undefined) headers['Content-Type'] = 'application/json';
  if (token) headers.Authorization = `Bearer ${token}`;
  try {
    return await fetch(apiUrl(path, options.query), {
      method: options.method ?? 'GET',
      headers,
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
      signal: options.signal,
      credentials: 'same-origin',
    });
  } catch (err) {
    if (err instanceof DOMException && err.name === 'AbortError') throw err;
    throw new ApiError(0, 'NETWORK', err instanceof Error ? err.message : String(err));
  }
}

/**
 * Sends with the access token held in memory. A 401 means the token lapsed (15 minutes) or the
 * keys rotated: the session is refreshed once from the cookie and the call repeated; if that
 * fails the session has ended and the app shows the sign-in screen.
 */
export async function authorizedFetch(
  path: string,
  options: RequestOptions = {},
): Promise<Response> {
  if (options.auth === false) return send(path, options);
  const res = await send(path, options, await session.token());
  if (res.status !== 401) return res;
  const token = await session.refresh();
  return token ? send(path, options, token) : res;
}

export async function api<T>(path: string, options: RequestOptions = {}): Promise<T> {
  const res = await authorizedFetch(path, options);
  if (!res.ok) throw await toApiError(res);
  if (res.status === 204) return undefined as T;
  return (await res.json()) as T;
}
