import { randomBytes } from 'node:crypto';
import { mkdir, rename, rm, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import type { BlobStorage } from '@pingvas/storage';
import {
  bytesUnder,
  createExclusive,
  exists,
  fsyncDir,
  mtimeOf,
  namesIn,
  touch,
} from './cache-files';
import { downloadPackage, ModelPackageError, type StoredPackage } from './package-download';

export type DownloadOutcome = 'succeeded' | 'hash_mismatch' | 'failed';

/** What the cache reports (the worker's metrics). */
export interface CacheEvents {
  hit(): void;
  miss(): void;
  downloaded(outcome: DownloadOutcome): void;
  evicted(): void;
  bytes(total: number): void;
}

export interface PackageCacheOptions {
  /** The node-local folder, shared by every worker process on the node. */
  dir: string;
  /** Past this, least recently used packages not in use are removed. */
  maxBytes: number;
  /** This process, in lease and lock file names. */
  holderId: string;
  /** A lease or download lock not refreshed for this long belongs to a process that died. */
  staleAfterMs?: number;
  /** How often a process waiting on another's download looks again. */
  pollMs?: number;
  /** The clock behind last-use times and lease ages (tests pass their own). */
  now?: () => number;
  events?: Partial<CacheEvents>;
}

/** A package on local disk, kept from eviction until released. */
export interface HeldPackage {
  dir: string;
  release(): Promise<void>;
}

/**
 * Model packages pulled from the blob store into a node-local folder, once per node:
 * `packages/<digest>/` appears by one rename of a fully downloaded, hash-checked, flushed
 * temporary folder; one process downloads it under `locks/<digest>` while the others wait
 * (and this process's concurrent jobs share one promise). A package in use has a lease in
 * `leases/<digest>/`, refreshed while held, and is never evicted; the others go least
 * recently used first once the folder passes `maxBytes`.
 */
export class ModelPackageCache {
  private readonly staleAfterMs: number;
  private readonly pollMs: number;
  private readonly now: () => number;
  private readonly fetching = new Map<string, Promise<void>>();
  private readonly held = new Map<string, number>();
  /** Download locks this process holds (refreshed by the heartbeat, never another's). */
  private readonly locked = new Set<string>();
  private readonly heartbeat: NodeJS.Timeout;

  constructor(
    private readonly storage: BlobStorage,
    private readonly options: PackageCacheOptions,
  ) {
    this.staleAfterMs = options.staleAfterMs ?? 60_000;
    this.pollMs = options.pollMs ?? 250;
    this.now = options.now ?? Date.now;
    this.heartbeat = setInterval(() => void this.refreshLeases(), this.staleAfterMs / 4);
    this.heartbeat.unref();
  }

  private path(...parts: string[]): string {
    return join(this.options.dir, ...parts);
  }

  private leaseFile(digest: string): string {
    return this.path('leases', digest, this.options.holderId);
  }

  /** The package on local disk (downloaded first if this node has none), held until released. */
  async acquire(pkg: StoredPackage): Promise<HeldPackage> {
    await this.hold(pkg.digest);
    try {
      const dir = this.path('packages', pkg.digest);
      if (await exists(dir)) this.options.events?.hit?.();
      else {
        this.options.events?.miss?.();
        await this.fetchOnce(pkg);
        await this.evict(pkg.digest);
      }
      await touch(dir, this.now());
      let released = false;
      return {
        dir,
        release: async () => {
          if (released) return;
          released = true;
          await touch(dir, this.now());
          await this.unhold(pkg.digest);
        },
      };
    } catch (err) {
      await this.unhold(pkg.digest);
      throw err;
    }
  }

  /** Bytes of every package on disk now (also reported to `events.bytes`). */
  async totalBytes(): Promise<number> {
    let total = 0;
    for (const digest of await namesIn(this.path('packages')))
      total += await bytesUnder(this.path('packages', digest)).catch(() => 0);
    this.options.events?.bytes?.(total);
    return total;
  }

  /** Stops refreshing leases and drops this process's (at shutdown). */
  async close(): Promise<void> {
    clearInterval(this.heartbeat);
    const digests = [...this.held.keys()];
    this.held.clear();
    await Promise.all(digests.map((d) => unlink(this.leaseFile(d)).catch(() => undefined)));
  }

  // The lease comes first, the look on disk after: an evictor that sees no lease may still
  // remove the folder, but then this process finds it gone and downloads it again.
  private async hold(digest: string): Promise<void> {
    const count = this.held.get(digest) ?? 0;
    this.held.set(digest, count + 1);
    if (count === 0) {
      await mkdir(this.path('leases', digest), { recursive: true });
      await createExclusive(this.leaseFile(digest), String(this.now()));
      await touch(this.leaseFile(digest), this.now());
    }
  }

  private async unhold(digest: string): Promise<void> {
    const count = (this.held.get(digest) ?? 1) - 1;
    if (count > 0) return void this.held.set(digest, count);
    this.held.delete(digest);
    await unlink(this.leaseFile(digest)).catch(() => undefined);
  }

  private async refreshLeases(): Promise<void> {
    const at = this.now();
    for (const digest of this.held.keys()) await touch(this.leaseFile(digest), at);
    for (const digest of this.locked) await touch(this.path('locks', digest), at);
  }

  private fetchOnce(pkg: StoredPackage): Promise<void> {
    let fetching = this.fetching.get(pkg.digest);
    if (!fetching) {
      fetching = this.fetchUnderLock(pkg).finally(() => this.fetching.delete(pkg.digest));
      this.fetching.set(pkg.digest, fetching);
    }
    return fetching;
  }

  /** Downloads under the node's lock, or waits while another process holds it. */
  private async fetchUnderLock(pkg: StoredPackage): Promise<void> {
    const target = this.path('packages', pkg.digest);
    const lock = this.path('locks', pkg.digest);
    await mkdir(this.path('locks'), { recursive: true });
    for (;;) {
      if (await exists(target)) return;
      if (await createExclusive(lock, this.options.holderId)) break;
      const lockedAt = await mtimeOf(lock);
      if (lockedAt !== null && this.now() - lockedAt > this.staleAfterMs)
        await unlink(lock).catch(() => undefined);
      else await delay(this.pollMs);
    }
    this.locked.add(pkg.digest);
    try {
      await touch(lock, this.now());
      if (!(await exists(target))) await this.download(pkg, target);
    } finally {
      this.locked.delete(pkg.digest);
      await unlink(lock).catch(() => undefined);
    }
  }

  private async download(pkg: StoredPackage, target: string): Promise<void> {
    const temp = this.path('tmp', `${pkg.digest}-${randomBytes(6).toString('hex')}`);
    await mkdir(this.path('packages'), { recursive: true });
    try {
      await downloadPackage(this.storage, pkg, temp);
      await rename(temp, target).catch(async (err: unknown) => {
        // Another process got there first (its lock went stale under it): keep its copy.
        await rm(temp, { recursive: true, force: true });
        if (!(await exists(target))) throw err;
      });
      await fsyncDir(this.path('packages'));
      this.options.events?.downloaded?.('succeeded');
    } catch (err) {
      const mismatch = err instanceof ModelPackageError && err.code === 'MODEL_HASH_MISMATCH';
      this.options.events?.downloaded?.(mismatch ? 'hash_mismatch' : 'failed');
      throw err;
    }
  }

  private async fresh(path: string): Promise<boolean> {
    const at = await mtimeOf(path);
    return at !== null && this.now() - at <= this.staleAfterMs;
  }

  /** Temporary folders left by a process that died mid-download (its lock went stale). */
  private async sweepTemp(): Promise<void> {
    for (const name of await namesIn(this.path('tmp'))) {
      const digest = name.split('-')[0];
      if (this.locked.has(digest) || (await this.fresh(this.path('locks', digest)))) continue;
      await rm(this.path('tmp', name), { recursive: true, force: true });
    }
  }

  private async leased(digest: string): Promise<boolean> {
    if (this.held.has(digest)) return true;
    for (const holder of await namesIn(this.path('leases', digest)))
      if (await this.fresh(this.path('leases', digest, holder))) return true;
    return false;
  }

  /** Least recently used first, never `keep` nor a leased one, until the cache fits. */
  private async evict(keep: string): Promise<void> {
    await this.sweepTemp();
    const entries: { digest: string; usedAt: number; bytes: number }[] = [];
    for (const digest of await namesIn(this.path('packages'))) {
      const dir = this.path('packages', digest);
      const usedAt = await mtimeOf(dir);
      if (usedAt !== null) entries.push({ digest, usedAt, bytes: await bytesUnder(dir) });
    }
    let total = entries.reduce((sum, e) => sum + e.bytes, 0);
    for (const entry of entries.sort((a, b) => a.usedAt - b.usedAt)) {
      if (total <= this.options.maxBytes) break;
      if (entry.digest === keep || (await this.leased(entry.digest))) continue;
      const doomed = this.path('tmp', `evicted-${entry.digest}-${randomBytes(6).toString('hex')}`);
      await mkdir(this.path('tmp'), { recursive: true });
      await rename(this.path('packages', entry.digest), doomed).catch(() => undefined);
      await rm(doomed, { recursive: true, force: true });
      total -= entry.bytes;
      this.options.events?.evicted?.();
    }
    this.options.events?.bytes?.(total);
  }
}
