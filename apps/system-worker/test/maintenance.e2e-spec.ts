import { randomUUID } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exportBlobKey } from '@pingvas/contracts';
import { LocalDiskStorage } from '@pingvas/storage';
import { eventually, uniqueName } from '@pingvas/testing';
import { Client } from 'pg';
import { messageKey } from '../src/mail/sent-emails.repository';
import { type RunningSystemWorker, startSystemWorker } from '../../../test/support/system-worker';

/**
 * The scheduled system-maintenance job on the built worker: export zips leave the blob store
 * once past their retention, and old send-once records are dropped; newer ones stay.
 */
describe('system-worker: maintenance', () => {
  let storageDir: string;
  let worker: RunningSystemWorker;

  const sql = async <T>(text: string, params: unknown[] = []): Promise<T[]> => {
    const client = new Client({
      connectionString: worker.schema.url,
      options: `-c search_path=${worker.schema.schema}`,
    });
    await client.connect();
    try {
      return (await client.query(text, params)).rows as T[];
    } finally {
      await client.end();
    }
  };

  beforeAll(async () => {
    storageDir = await mkdtemp(join(tmpdir(), 'system-worker-'));
    worker = await startSystemWorker(
      { namespace: uniqueName('sw_maint'), storageDir },
      {
        EXPORT_RETENTION_MS: String(3_600_000),
        SENT_EMAIL_RETENTION_MS: String(3_600_000),
        SYSTEM_MAINTENANCE_INTERVAL_MS: '300',
      },
    );
  });

  afterAll(async () => {
    await worker?.stop();
    await worker?.schema.drop();
    await rm(storageDir, { recursive: true, force: true });
  });

  it('removes export zips past their retention and old mail records, keeping newer ones', async () => {
    const storage = new LocalDiskStorage(storageDir);
    const userId = randomUUID();
    const [oldExport, newExport] = [randomUUID(), randomUUID()];
    for (const [exportId, age] of [
      [oldExport, '2 hours'],
      [newExport, '1 minute'],
    ]) {
      const key = exportBlobKey(userId, exportId);
      await storage.put(key, Buffer.from('PK zip'));
      await sql(
        `INSERT INTO "export_files" ("export_id", "user_id", "blob_key", "bytes", "written_at")
         VALUES ($1, $2, $3, 6, now() - $4::interval)`,
        [exportId, userId, key, age],
      );
    }
    await sql(
      `INSERT INTO "sent_emails" ("message_key", "template", "sent_at")
       VALUES ($1, 'receipt', now() - interval '2 hours'),
              ($2, 'receipt', now() - interval '1 minute')`,
      [messageKey('old-mail'), messageKey('new-mail')],
    );

    await eventually(
      async () => {
        const rows = await sql(`SELECT 1 FROM "export_files" WHERE "export_id" = $1`, [oldExport]);
        return rows.length === 0 ? true : undefined;
      },
      15_000,
      'the old export expired',
    );
    await expect(readFile(join(storageDir, exportBlobKey(userId, oldExport)))).rejects.toThrow(
      /ENOENT/,
    );
    await expect(readFile(join(storageDir, exportBlobKey(userId, newExport)))).resolves.toEqual(
      Buffer.from('PK zip'),
    );
    expect(await sql(`SELECT "export_id" FROM "export_files"`)).toEqual([{ export_id: newExport }]);
    await eventually(
      async () => {
        const rows = await sql(`SELECT "message_key" FROM "sent_emails"`);
        return rows.length === 1 ? rows : undefined;
      },
      15_000,
      'the old mail record dropped',
    );
    expect(await sql(`SELECT "message_key" FROM "sent_emails"`)).toEqual([
      { message_key: messageKey('new-mail') },
    ]);
  });
});
