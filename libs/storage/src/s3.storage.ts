import { Readable } from 'node:stream';
import type * as ClientS3 from '@aws-sdk/client-s3';
import type { S3Client } from '@aws-sdk/client-s3';
import type * as LibStorage from '@aws-sdk/lib-storage';
import type * as Presigner from '@aws-sdk/s3-request-presigner';
import {
  assertBlobKey,
  type BlobInfo,
  BlobNotFoundError,
  type BlobStorage,
  contentTypeOf,
  type PresignOptions,
} from './blob-storage';

/** One environment's bucket (seeds: pingvas-dev-images, pingvas-prod-images). */
export interface S3Location {
  bucket: string;
  region: string;
  /** An S3-compatible server (MinIO, a test's s3rver) instead of AWS. */
  endpoint?: string;
  /** `<endpoint>/<bucket>/<key>` instead of `<bucket>.<endpoint>/<key>` (MinIO, s3rver). */
  forcePathStyle: boolean;
  /** Put before every key: '' or a path ending in '/'. */
  keyPrefix: string;
}

interface Sdk {
  s3: typeof ClientS3;
  storage: typeof LibStorage;
  presigner: typeof Presigner;
}

let loadedSdk: Sdk | undefined;

/**
 * The AWS SDK loads with the first S3Storage, not with this module: every process imports
 * @pingvas/storage, and one storing on local disk would otherwise keep the SDK (~20 MB
 * resident) loaded for nothing.
 */
function sdk(): Sdk {
  /* eslint-disable @typescript-eslint/no-require-imports */
  return (loadedSdk ??= {
    s3: require('@aws-sdk/client-s3') as typeof ClientS3,
    storage: require('@aws-sdk/lib-storage') as typeof LibStorage,
    presigner: require('@aws-sdk/s3-request-presigner') as typeof Presigner,
  });
  /* eslint-enable @typescript-eslint/no-require-imports */
}

/** Missing object (GetObject's NoSuchKey, HeadObject's bodiless 404); a missing bucket is not. */
function isMissing(err: unknown): boolean {
  return (
    loadedSdk !== undefined &&
    err instanceof loadedSdk.s3.S3ServiceException &&
    err.name !== 'NoSuchBucket' &&
    (err.name === 'NoSuchKey' || err.$metadata.httpStatusCode === 404)
  );
}

/** S3's response-content-disposition: inline unless asked to be saved, with a quoted filename. */
function contentDisposition({ filename, attachment }: PresignOptions): string | undefined {
  const kind = attachment ? 'attachment' : 'inline';
  if (!filename) return attachment ? kind : undefined;
  return `${kind}; filename="${filename.replace(/["\\\r\n]/g, '_')}"`;
}

/**
 * Blobs as objects in one S3 bucket. Credentials come from the SDK's default chain (env, IRSA's
 * web identity, instance role) and are never part of the config or the logs. A stream of
 * unknown length is uploaded in parts (lib-storage), so no whole file is held in memory; an
 * upload that fails is aborted and leaves no object. S3 reads its own writes, so `put` can
 * answer from a HEAD.
 */
export class S3Storage implements BlobStorage {
  private readonly client: S3Client;
  private readonly sdk = sdk();

  constructor(
    private readonly location: S3Location,
    client?: S3Client,
  ) {
    this.client =
      client ??
      new this.sdk.s3.S3Client({
        region: location.region,
        endpoint: location.endpoint,
        forcePathStyle: location.forcePathStyle,
      });
  }

  private target(key: string) {
    return { Bucket: this.location.bucket, Key: this.location.keyPrefix + assertBlobKey(key) };
  }

  async put(key: string, data: Buffer | Readable): Promise<BlobInfo> {
    const target = { ...this.target(key), ContentType: contentTypeOf(key) };
    if (Buffer.isBuffer(data)) {
      await this.client.send(
        new this.sdk.s3.PutObjectCommand({ ...target, Body: data, ContentLength: data.length }),
      );
    } else {
      await new this.sdk.storage.Upload({
        client: this.client,
        params: { ...target, Body: data },
      }).done();
    }
    const info = await this.stat(key);
    if (!info) throw new Error(`blob ${key} vanished right after it was written`);
    return info;
  }

  async stat(key: string): Promise<BlobInfo | null> {
    try {
      const head = await this.client.send(new this.sdk.s3.HeadObjectCommand(this.target(key)));
      return { size: head.ContentLength ?? 0, contentType: head.ContentType ?? contentTypeOf(key) };
    } catch (err) {
      if (isMissing(err)) return null;
      throw err;
    }
  }

  async read(key: string): Promise<Readable> {
    try {
      const { Body } = await this.client.send(new this.sdk.s3.GetObjectCommand(this.target(key)));
      if (!(Body instanceof Readable)) throw new Error(`no stream in the answer for ${key}`);
      return Body;
    } catch (err) {
      if (isMissing(err)) throw new BlobNotFoundError(key);
      throw err;
    }
  }

  async delete(key: string): Promise<void> {
    // S3 answers 204 for a key that holds nothing: idempotent as it is.
    await this.client.send(new this.sdk.s3.DeleteObjectCommand(this.target(key)));
  }

  /**
   * Signed as of the start of the minute (and valid that much longer), so the URLs made for one
   * blob within a minute are the same URL and a browser's cache of its bytes keeps working.
   */
  async presignedUrl(key: string, options: PresignOptions): Promise<string> {
    const minute = Math.floor(Date.now() / 60_000) * 60_000;
    const command = new this.sdk.s3.GetObjectCommand({
      ...this.target(key),
      ResponseContentType: options.contentType,
      ResponseContentDisposition: contentDisposition(options),
      ResponseCacheControl: options.cacheControl,
    });
    return this.sdk.presigner.getSignedUrl(this.client, command, {
      expiresIn: options.expiresInS + 60,
      signingDate: new Date(minute),
    });
  }

  /** Closes the client's sockets (tests; a process exits anyway). */
  close(): void {
    this.client.destroy();
  }
}
