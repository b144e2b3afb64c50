import { chooseRequestId } from './request-id';

describe('chooseRequestId', () => {
  it('keeps a short plain id from the caller', () => {
    expect(chooseRequestId('abc')).toBe('abc');
    expect(chooseRequestId('req-1.2:3_4')).toBe('req-1.2:3_4');
  });

  it.each([undefined, '', 'a b', '<x>', 'x'.repeat(129), ['a', 'b']])(
    'replaces %p with a fresh UUID',
    (incoming) => {
      expect(chooseRequestId(incoming)).toMatch(
        /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
      );
    },
  );
});
