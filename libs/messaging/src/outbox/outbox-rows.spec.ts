import { whereAbout } from './outbox-rows';

describe('whereAbout', () => {
  it('matches any of the person conditions, within the queue and relayed rows asked for', () => {
    const { where, params } = whereAbout({
      queue: 'system-email',
      relayedOnly: true,
      jobIds: ['receipt-1'],
      fields: { to: ['ada@example.com'], 'data.newEmail': ['ada@example.com'] },
      mentioning: 'user-1',
    });
    expect(where).toBe(
      `("job_id" = ANY($1::text[]) OR "payload" #>> $2::text[] = ANY($3::text[])` +
        ` OR "payload" #>> $4::text[] = ANY($5::text[]) OR strpos("payload"::text, $6) > 0)` +
        ` AND "queue" = $7 AND "published_at" IS NOT NULL`,
    );
    expect(params).toEqual([
      ['receipt-1'],
      ['to'],
      ['ada@example.com'],
      ['data', 'newEmail'],
      ['ada@example.com'],
      'user-1',
      'system-email',
    ]);
  });

  it('keeps paths and values out of the SQL text', () => {
    const { where } = whereAbout({ fields: { "to'; DROP TABLE x; --": ["'"] } });
    expect(where).toBe(`("payload" #>> $1::text[] = ANY($2::text[]))`);
  });

  it('refuses a match on nobody, which would be every row', () => {
    expect(() => whereAbout({ queue: 'system-email', relayedOnly: true })).toThrow(/about nobody/);
    expect(() => whereAbout({ fields: {} })).toThrow(/about nobody/);
  });
});
