import {
  keepsPaidPlan,
  type LemonSqueezyEvent,
  parseLemonSqueezyEvent,
  SubscriptionAttributes,
} from './lemon-squeezy.events';

describe('Lemon Squeezy event helpers', () => {
  const now = new Date('2026-11-22T00:00:00Z');
  const withMeta = (meta: object): LemonSqueezyEvent | undefined =>
    parseLemonSqueezyEvent({ meta: { event_name: 'order_created', ...meta } });
  const withId = (id: unknown) =>
    parseLemonSqueezyEvent({ meta: { event_name: 'order_created' }, data: { id } })?.id;
  const timestamp = (value: unknown) =>
    SubscriptionAttributes.parse({ updated_at: value }).updated_at;

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
    expect(withMeta({ custom_data: { user_id: id.toUpperCase() } })?.userId).toBe(id);
    expect(withMeta({ custom_data: { user_id: '1; DROP TABLE users' } })?.userId).toBeUndefined();
    expect(withMeta({ custom_data: null })?.userId).toBeUndefined();
    expect(withMeta({})?.userId).toBeUndefined();
  });

  it('accepts ids given as numbers or strings, and nothing else', () => {
    expect(withId(1002)).toBe('1002');
    expect(withId('1002')).toBe('1002');
    expect(withId({})).toBeUndefined();
    expect(withId('')).toBeUndefined();
    expect(withId(Number.NaN)).toBeUndefined();
  });

  it('reads timestamps, refusing garbage', () => {
    expect(timestamp('2026-11-01T10:00:00Z')).toBe('2026-11-01T10:00:00.000Z');
    expect(timestamp('later')).toBeNull();
    expect(timestamp(5)).toBeNull();
  });

  it('refuses only a body without a usable meta.event_name; other fields of the wrong shape read as absent', () => {
    for (const body of [{}, { meta: 'x' }, { meta: { event_name: 42 } }, [1, 2], null]) {
      expect(parseLemonSqueezyEvent(body)).toBeUndefined();
    }
    expect(withMeta({ event_name: '' })).toBeUndefined();
    expect(withMeta({ event_name: 'x'.repeat(201) })).toBeUndefined();
    expect(
      parseLemonSqueezyEvent({
        meta: { event_name: 'subscription_created', custom_data: 'x' },
        data: { id: [], attributes: 'not an object' },
      }),
    ).toEqual({ name: 'subscription_created', userId: undefined, id: undefined, attributes: {} });
  });
});
