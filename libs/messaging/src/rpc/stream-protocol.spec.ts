import {
  admit,
  decodeAutoClaim,
  decodeConsumers,
  decodeEntry,
  entriesOfRead,
  requestFields,
  serviceOf,
  staleConsumers,
  STREAM_RETENTION_MS,
  streamKeys,
  trimMinId,
} from './stream-protocol';

const NOW = 1_750_000_000_000;

describe('the RPC stream protocol', () => {
  describe('keys', () => {
    it('sends a pattern to the stream of its first segment', () => {
      expect(serviceOf('payment.credits.reserve')).toBe('payment');
      expect(streamKeys('pingvas:prod', serviceOf('test.fail.silent'))).toEqual({
        stream: 'pingvas:prod:rpc:test',
        replicas: 'pingvas:prod:rpc:test:replicas',
      });
    });

    it('keeps a pattern without a dot whole', () => {
      expect(serviceOf('ping')).toBe('ping');
    });
  });

  describe('deadlines', () => {
    it('starts a request whose deadline is still ahead', () => {
      expect(admit({ deadline: NOW + 1 }, NOW)).toBe('start');
    });

    it('never starts a request at or past its deadline: its caller has given up', () => {
      expect(admit({ deadline: NOW }, NOW)).toBe('expired');
      expect(admit({ deadline: NOW - 5000 }, NOW)).toBe('expired');
    });
  });

  describe('entries', () => {
    const fields = requestFields({ packet: '{"id":"1"}', deadline: NOW, reply: 'ns:rpc:reply:c' });

    it('reads back what the caller wrote', () => {
      expect(decodeEntry([`${NOW}-0`, fields])).toEqual({
        entryId: `${NOW}-0`,
        packet: '{"id":"1"}',
        deadline: NOW,
        reply: 'ns:rpc:reply:c',
      });
    });

    it('keeps only the id of an entry with missing or broken fields, so it can be acked', () => {
      expect(decodeEntry(['1-0', ['packet', '{}']])).toEqual({ entryId: '1-0' });
      expect(decodeEntry(['1-0', [...fields.slice(0, 3), 'soon', ...fields.slice(4)]])).toEqual({
        entryId: '1-0',
      });
      expect(decodeEntry(null)).toBeUndefined();
    });

    it('finds the entries in XREADGROUP and XAUTOCLAIM answers', () => {
      const entry = ['1-0', fields];
      expect(entriesOfRead([['ns:rpc:payment', [entry]]])).toEqual([entry]);
      expect(entriesOfRead(null)).toEqual([]);
      // A trimmed entry comes back as null among the claimed ones on Redis 6.2.
      expect(decodeAutoClaim(['2-0', [entry, null], ['0-1']])).toEqual({
        cursor: '2-0',
        entries: [entry],
      });
      expect(decodeAutoClaim(undefined)).toEqual({ cursor: '0-0', entries: [] });
    });
  });

  describe('trimming', () => {
    it('trims only entries older than the longest possible deadline', () => {
      expect(trimMinId(NOW)).toBe(`${NOW - STREAM_RETENTION_MS}-0`);
      expect(STREAM_RETENTION_MS).toBeGreaterThan(60_000);
    });

    it('never asks for a negative id', () => {
      expect(trimMinId(10)).toBe('0-0');
    });
  });

  describe('consumers of gone replicas', () => {
    const consumers = decodeConsumers([
      ['name', 'gone', 'pending', 0, 'idle', 120_000],
      ['name', 'holding', 'pending', 2, 'idle', 120_000],
      ['name', 'live', 'pending', 0, 'idle', 1_000],
      ['name', 'me', 'pending', 0, 'idle', 120_000],
    ]);

    it('removes one idle with nothing pending, never itself', () => {
      expect(staleConsumers(consumers, 'me', 60_000)).toEqual(['gone']);
    });

    it('keeps one that still holds requests until they are claimed', () => {
      expect(staleConsumers(consumers, 'me', 60_000)).not.toContain('holding');
    });
  });
});
