import { ConfigError } from '@pingvas/common';
import { LocalDiskStorage } from './local-disk.storage';
import { S3Storage } from './s3.storage';
import { createBlobStorage, loadStorageConfig, presignedUrlOrigin } from './storage-config';

function problems(env: Record<string, string>): string[] {
  try {
    loadStorageConfig('test-process', env);
  } catch (err) {
    if (err instanceof ConfigError) return err.problems.map((p) => p.variable);
  }
  return [];
}

describe('loadStorageConfig', () => {
  it('keeps the local disk by default (npm start)', () => {
    const config = loadStorageConfig('p', {});
    expect(config).toEqual({ driver: 'local', dir: '.var/storage' });
    expect(createBlobStorage(config)).toBeInstanceOf(LocalDiskStorage);
  });

  it('reads the bucket, region, endpoint, path style and key prefix of the s3 driver', () => {
    const config = loadStorageConfig('p', {
      STORAGE_DRIVER: 's3',
      S3_BUCKET: 'pingvas-dev-images',
      S3_REGION: 'us-east-1',
      S3_ENDPOINT: 'http://127.0.0.1:9000',
      S3_FORCE_PATH_STYLE: 'true',
      S3_KEY_PREFIX: 'suite',
    });
    expect(config).toEqual({
      driver: 's3',
      bucket: 'pingvas-dev-images',
      region: 'us-east-1',
      endpoint: 'http://127.0.0.1:9000',
      forcePathStyle: true,
      keyPrefix: 'suite/',
    });
    expect(createBlobStorage(config)).toBeInstanceOf(S3Storage);
  });

  it('names every bad storage variable', () => {
    expect(problems({ STORAGE_DRIVER: 's3' })).toEqual(['S3_BUCKET']);
    expect(problems({ STORAGE_DRIVER: 'gcs' })).toEqual(['STORAGE_DRIVER']);
    expect(
      problems({
        STORAGE_DRIVER: 's3',
        S3_BUCKET: 'Bad_Bucket',
        S3_ENDPOINT: 'minio:9000',
        S3_FORCE_PATH_STYLE: 'yes',
        S3_KEY_PREFIX: '../up',
      }).sort(),
    ).toEqual(['S3_BUCKET', 'S3_ENDPOINT', 'S3_FORCE_PATH_STYLE', 'S3_KEY_PREFIX']);
  });

  it('names the origin presigned URLs point at where it is not AWS (for the pages’ CSP)', () => {
    const s3 = { STORAGE_DRIVER: 's3', S3_BUCKET: 'pingvas-dev-images' };
    const origin = (env: Record<string, string>) => presignedUrlOrigin(loadStorageConfig('p', env));
    expect(origin({})).toBeUndefined();
    expect(origin(s3)).toBeUndefined();
    expect(
      origin({ ...s3, S3_ENDPOINT: 'http://127.0.0.1:9000/', S3_FORCE_PATH_STYLE: 'true' }),
    ).toBe('http://127.0.0.1:9000');
    expect(origin({ ...s3, S3_ENDPOINT: 'https://objects.example.com' })).toBe(
      'https://*.objects.example.com',
    );
  });
});
