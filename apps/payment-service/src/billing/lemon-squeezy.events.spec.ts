import { customUserId, keepsPaidPlan, text, timestamp } from './lemon-squeezy.events';

describe('Lemon Squeezy event helpers', () => {
  const now = new Date('2026-11-22T00:00:00Z');

  it.each([
    ['active', null, true],
    ['on_trial', null, true],
    ['past_due', null, true],
    ['cancelled', '2026-12-01T00:00:00Z', true],
    ['cancelled', '2026-11-01T00:00:00Z', false],
    ['expired', null, false],
    ['paused', null, false],
    ['unpaid', null, false],
  ])('a %s subscription ending %s keeps the paid plan: %s', (status, endsAt, keeps) => {
    expect(keepsPaidPlan(status, endsAt, now)).toBe(keeps);
  });

  it('reads the user id from custom_data only when it is a UUID', () => {
    const id = '0f8fad5b-d9cb-469f-a165-70867728950e';
    expect(customUserId({ meta: { custom_data: { user_id: id.toUpperCase() } } })).toBe(id);
    expect(
      customUserId({ meta: { custom_data: { user_id: '1; DROP TABLE users' } } }),
    ).toBeUndefined();
    expect(customUserId({ meta: { custom_data: null } })).toBeUndefined();
    expect(customUserId({})).toBeUndefined();
  });

  it('accepts ids given as numbers or strings, and nothing else', () => {
    expect(text(1002)).toBe('1002');
    expect(text('1002')).toBe('1002');
    expect(text({})).toBeUndefined();
    expect(text('')).toBeUndefined();
    expect(text(Number.NaN)).toBeUndefined();
  });

  it('reads timestamps, refusing garbage', () => {
    expect(timestamp('2026-11-01T10:00:00Z')).toBe('2026-11-01T10:00:00.000Z');
    expect(timestamp('later')).toBeNull();
    expect(timestamp(5)).toBeNull();
  });
});
