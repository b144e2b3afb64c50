import { type EmailMessage, LOCALES } from '@pingvas/contracts';
import { escapeHtml } from './layout';
import { EMAIL_TEMPLATES, formatMoney, renderEmail } from './templates';

const LINK = 'https://app.example.com/verify-email?token=abc&x=1';

/** One message of every template, with every optional field. */
const MESSAGES: EmailMessage[] = [
  { template: 'email-verify', data: { link: LINK, expiresHours: 24 } },
  {
    template: 'email-change-verify',
    data: { link: LINK, newEmail: 'new@example.com', expiresHours: 24 },
  },
  { template: 'email-changed', data: { newEmail: 'new@example.com' } },
  { template: 'password-reset', data: { link: LINK, expiresMinutes: 60 } },
  { template: 'password-changed', data: {} },
  { template: 'account-deleted', data: {} },
  { template: 'export-ready', data: { link: LINK, expiresHours: 24 } },
  {
    template: 'receipt',
    data: {
      orderId: 'ord_1',
      planName: 'Pro',
      amount: 1990,
      currency: 'USD',
      paidAt: '2026-12-03T01:02:03.000Z',
      receiptUrl: 'https://ls.example/receipt/1',
    },
  },
  { template: 'payment-failed', data: { planName: 'Pro', updatePaymentUrl: LINK } },
];

describe('mail templates', () => {
  it('has a message above for every template of the contract', () => {
    expect(MESSAGES.map((m) => m.template).sort()).toEqual([...EMAIL_TEMPLATES].sort());
  });

  it.each(MESSAGES.flatMap((m) => LOCALES.map((l) => [m.template, l, m] as const)))(
    '%s in %s: subject, text and HTML, the link in both',
    (_template, locale, message) => {
      const mail = renderEmail(message, locale);
      expect(mail.subject).toMatch(/^\[Pingvas\] \S/);
      expect(mail.text.length).toBeGreaterThan(40);
      expect(mail.html).toMatch(/^<!doctype html>/);
      expect(mail.html).toContain(`<html lang="${locale}">`);
      if (locale === 'ko') expect(mail.subject + mail.text).toMatch(/[가-힣]/);
      else expect(mail.subject + mail.text).not.toMatch(/[가-힣]/);
      const link = 'link' in message.data ? message.data.link : undefined;
      if (link) {
        expect(mail.text).toContain(link);
        expect(mail.html).toContain(`href="${escapeHtml(link)}"`);
      }
    },
  );

  it('escapes every interpolated value in the HTML and keeps it as is in the text', () => {
    const hostile = '<script>alert("x")</script>&\'';
    const mail = renderEmail(
      { template: 'email-changed', data: { newEmail: `a${hostile}@example.com` } },
      'en',
    );
    expect(mail.html).not.toContain('<script>');
    expect(mail.html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&amp;&#39;');
    expect(mail.text).toContain(hostile);

    const receipt = renderEmail(
      {
        template: 'receipt',
        data: {
          orderId: '"><img src=x onerror=alert(1)>',
          planName: '<b>Pro</b>',
          amount: 100,
          currency: 'KRW',
          paidAt: '2026-01-01T00:00:00Z',
        },
      },
      'ko',
    );
    expect(receipt.html).not.toMatch(/<img|<b>/);
  });

  it('keeps the subject on one line whatever a value holds', () => {
    const mail = renderEmail(
      {
        template: 'receipt',
        data: {
          orderId: '1',
          planName: 'Pro\r\nBcc: victim@example.com',
          amount: 100,
          currency: 'USD',
          paidAt: '2026-01-01T00:00:00Z',
        },
      },
      'en',
    );
    expect(mail.subject).toBe('[Pingvas] Receipt: Pro Bcc: victim@example.com');
  });

  it('refuses a link that is not http(s), so no javascript: URL becomes a button', () => {
    expect(() =>
      renderEmail(
        { template: 'email-verify', data: { link: 'javascript:alert(1)', expiresHours: 24 } },
        'en',
      ),
    ).toThrow(/must be http\(s\)/);
    expect(() =>
      renderEmail(
        { template: 'export-ready', data: { link: '/relative', expiresHours: 24 } },
        'ko',
      ),
    ).toThrow(/not a URL/);
  });

  it('writes money in the currency’s minor units as the locale does', () => {
    expect(formatMoney(1990, 'USD', 'en')).toBe('$19.90');
    expect(formatMoney(9900, 'KRW', 'ko')).toBe('₩9,900');
    expect(formatMoney(5, 'XXQ', 'en')).toMatch(/5/);
  });
});
