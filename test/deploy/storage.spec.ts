import { join } from 'node:path';
import { SERVICES } from '@pingvas/contracts';
import { loadStorageConfig } from '@pingvas/storage';
import Ajv from 'ajv';
import { SECURITY_HEADERS } from '../../apps/edge/src/security-headers';
import { chartValues, readText } from './files';

interface Values {
  env: Record<string, string>;
  persistence?: Record<string, unknown>;
  envFrom: { secrets: (string | { name: string; optional?: boolean })[] };
  worker?: { persistence?: Record<string, unknown> };
}

const CHARTS = [SERVICES.gallery.name, SERVICES.generation.name];

describe('blob storage in the charts (DESIGN §15: S3, a bucket per environment)', () => {
  it.each(CHARTS)('%s: the s3 driver on its environment’s bucket, no shared volume', (chart) => {
    for (const env of ['dev', 'prod'] as const) {
      const values = chartValues<Values>(chart, env);
      expect(loadStorageConfig(chart, values.env)).toMatchObject({
        driver: 's3',
        bucket: `pingvas-${env}-images`,
        region: 'us-east-1',
      });
      // The pages (nginx.conf has the edge's headers) may show images from the region's buckets.
      const imgSrc = SECURITY_HEADERS['Content-Security-Policy']!.split('; ').find((d) =>
        d.startsWith('img-src '),
      );
      expect(imgSrc?.split(' ')).toContain(`https://*.s3.${values.env.S3_REGION}.amazonaws.com`);
      expect(values.persistence ?? {}).not.toHaveProperty('storage');
      expect(values.worker?.persistence ?? {}).not.toHaveProperty('storage');
      // Keys only from an optional Secret (IRSA otherwise), never in values.
      expect(values.envFrom.secrets).toContainEqual({
        name: 'pingvas-storage-credentials',
        optional: true,
      });
    }
  });

  it('gives the GPU worker the storage settings of generation-service, so both use one bucket', () => {
    const tpl = readText(join('deploy', 'helm', 'generation-service', 'templates', '_worker.tpl'));
    for (const variable of [
      'STORAGE_DRIVER',
      'S3_BUCKET',
      'S3_REGION',
      'S3_ENDPOINT',
      'S3_KEY_PREFIX',
    ])
      expect(tpl).toContain(`"${variable}"`);
  });

  it.each(CHARTS)('%s: the schema refuses AWS keys among the plain settings', (chart) => {
    const ajv = new Ajv({ allErrors: true, strict: false });
    const schema: unknown = JSON.parse(
      readText(join('deploy', 'helm', chart, 'values.schema.json')),
    );
    const validate = ajv.compile(schema as object);
    const values = chartValues<Values>(chart, 'prod');
    expect(validate(values)).toBe(true);
    for (const secret of ['AWS_SECRET_ACCESS_KEY', 'AWS_ACCESS_KEY_ID'])
      expect(validate({ ...values, env: { ...values.env, [secret]: 'x' } })).toBe(false);
    expect(validate({ ...values, env: { ...values.env, STORAGE_DRIVER: 'gcs' } })).toBe(false);
  });
});
