import type { Client } from 'pg';
import { migrateService, withClient } from '@pingvas/database';
import { DATABASES } from '../../scripts/databases';

/**
 * Rows a careless dump or restore would lose or change: NULLs, Korean text, bytea with zero
 * bytes, json, arrays, NaN and infinities, text with tabs, newlines and backslashes (COPY's
 * escapes), a large value, and rows in the application's own tables (triggers, a sequence,
 * gin indexes on pg_trgm from public).
 */
export async function fillSchema(client: Client, schema: string): Promise<void> {
  await client.query(`SET search_path TO "${schema}"`);
  await client.query(`
    CREATE TABLE odd_values (
      id bigserial PRIMARY KEY,
      label text NOT NULL,
      note text,
      payload bytea,
      doc jsonb,
      tags text[],
      amount numeric,
      ratio double precision,
      at timestamptz
    )`);
  await client.query(
    `INSERT INTO odd_values (label, note, payload, doc, tags, amount, ratio, at) VALUES
       ('비어 있음', NULL, NULL, NULL, NULL, NULL, NULL, NULL),
       ('창가의 고양이 🐈', E'tab\\there\\nnew line \\\\ backslash', '\\x00ff00'::bytea,
        '{"프롬프트": "한강의 야경", "n": [1, 2.5, null], "nested": {"ok": true}}',
        ARRAY['ㅎㄱ', NULL, 'a,b', '"quoted"'], 12345678901234567890.0123456789,
        'NaN', '2026-12-03 12:34:56.789012+09'),
       ('끝없음', '', '\\x'::bytea, '[]', '{}', -0.0, '-Infinity', 'infinity'),
       ('큰 값', repeat('가나다라', 50000), decode(repeat('00ff', 40000), 'hex'), '"문자열"',
        ARRAY[]::text[], 0, 1e-300, '1970-01-01 00:00:00+00')`,
  );
  await client.query(
    `INSERT INTO users (id, email, password_hash, display_name, locale, email_verified_at)
     SELECT gen_random_uuid(), 'user' || i || '@example.com', 'argon2id$' || md5(i::text),
            CASE WHEN i % 3 = 0 THEN NULL ELSE '사용자 ' || i END,
            CASE WHEN i % 2 = 0 THEN 'ko' ELSE 'en' END,
            CASE WHEN i % 5 = 0 THEN now() END
       FROM generate_series(1, 500) AS i`,
  );
  await client.query(
    `INSERT INTO credit_accounts (user_id, plan_id, available, reserved)
     SELECT id, (SELECT id FROM plans ORDER BY id LIMIT 1), 100, 0 FROM users`,
  );
  await client.query(
    `INSERT INTO credit_ledger (user_id, kind, available_delta, reserved_delta, reason)
     SELECT user_id, 'grant', 100, 0, '가입 보너스' FROM credit_accounts`,
  );
  await client.query(
    `INSERT INTO images (id, owner_id, generation_id, index, model_id, model_name, prompt,
                         prompt_chosung, seed, width, height, steps, guidance_scale,
                         storage_key, bytes, created_at)
     SELECT gen_random_uuid(), u.id, gen_random_uuid(), 0, 'tiny-sd', '작은 모델',
            '한강의 야경 ' || g, 'ㅎㄱㅇ ㅇㄱ ' || g, 9007199254740991 - g, 512, 512, 4, 7.5,
            'images/' || g || '.png', 1024 * g, now() - g * interval '1 minute'
       FROM generate_series(1, 300) AS g
       JOIN LATERAL (SELECT id FROM users ORDER BY email OFFSET g LIMIT 1) AS u ON true`,
  );
}

/** A schema like an environment's after `npm run migrate`, holding the rows above. */
export async function createFilledSchema(url: string, schema: string): Promise<void> {
  for (const db of DATABASES) await migrateService({ url, schema }, db);
  await withClient(url, (c) => fillSchema(c, schema));
}
