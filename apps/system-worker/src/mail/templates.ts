import type { EmailMessage, EmailTemplate, Locale } from '@pingvas/contracts';
import { type MailContent, type RenderedMail, renderMail } from './layout';

type DataOf<T extends EmailTemplate> = Extract<EmailMessage, { template: T }>['data'];

/** One template: what the mail says in each language, from its data (plain strings only). */
type Template<T extends EmailTemplate> = Record<Locale, (data: DataOf<T>) => MailContent>;

const SIGNATURE: Record<Locale, string> = { ko: '— Pingvas 팀', en: '— The Pingvas team' };
const GREETING: Record<Locale, string> = { ko: '안녕하세요,', en: 'Hello,' };
const NOT_YOU: Record<Locale, string> = {
  ko: '요청하신 적이 없다면 이 메일을 무시하셔도 됩니다.',
  en: 'If you did not ask for this, you can ignore this mail.',
};
const CONTACT_US: Record<Locale, string> = {
  ko: '본인이 한 일이 아니라면 즉시 비밀번호를 재설정하고 고객지원에 알려 주세요.',
  en: 'If this was not you, reset your password now and tell our support.',
};

const base = (locale: Locale) => ({ greeting: GREETING[locale], signature: SIGNATURE[locale] });

/** Korean counts need no plural; English does. */
const hours = (n: number) => `${n} hour${n === 1 ? '' : 's'}`;
const minutes = (n: number) => `${n} minute${n === 1 ? '' : 's'}`;

/** An amount in minor units (KRW has none, USD two) as the locale writes money. */
export function formatMoney(amount: number, currency: string, locale: Locale): string {
  const code = currency.toUpperCase();
  try {
    const format = new Intl.NumberFormat(locale === 'ko' ? 'ko-KR' : 'en-US', {
      style: 'currency',
      currency: code,
    });
    const digits = format.resolvedOptions().maximumFractionDigits ?? 2;
    return format.format(amount / 10 ** digits);
  } catch {
    // Not an ISO currency code Intl knows: the figure as it came, with the code.
    return `${amount} ${code}`;
  }
}

/** A moment as the reader's locale writes it: Seoul time in Korean, UTC in English. */
export function formatTime(iso: string, locale: Locale): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  const formatted = new Intl.DateTimeFormat(locale === 'ko' ? 'ko-KR' : 'en-US', {
    dateStyle: 'long',
    timeStyle: 'short',
    timeZone: locale === 'ko' ? 'Asia/Seoul' : 'UTC',
  }).format(date);
  return `${formatted} (${locale === 'ko' ? 'KST' : 'UTC'})`;
}

const TEMPLATES: { [T in EmailTemplate]: Template<T> } = {
  'email-verify': {
    ko: (d) => ({
      ...base('ko'),
      subject: '[Pingvas] 이메일 주소를 인증해 주세요',
      paragraphs: [
        'Pingvas에 가입해 주셔서 감사합니다. 아래 버튼을 눌러 이메일 주소를 인증해 주세요.',
      ],
      action: { label: '이메일 인증하기', url: d.link },
      after: [`이 링크는 ${d.expiresHours}시간 동안 한 번만 사용할 수 있습니다.`, NOT_YOU.ko],
    }),
    en: (d) => ({
      ...base('en'),
      subject: '[Pingvas] Verify your email address',
      paragraphs: ['Thanks for signing up to Pingvas. Please confirm your email address.'],
      action: { label: 'Verify email', url: d.link },
      after: [`This link works once, for ${hours(d.expiresHours)}.`, NOT_YOU.en],
    }),
  },
  'email-change-verify': {
    ko: (d) => ({
      ...base('ko'),
      subject: '[Pingvas] 새 이메일 주소를 인증해 주세요',
      paragraphs: [`Pingvas 계정의 이메일을 ${d.newEmail}(으)로 바꾸려면 아래 버튼을 눌러 주세요.`],
      action: { label: '새 이메일 인증하기', url: d.link },
      after: [`이 링크는 ${d.expiresHours}시간 동안 한 번만 사용할 수 있습니다.`, NOT_YOU.ko],
    }),
    en: (d) => ({
      ...base('en'),
      subject: '[Pingvas] Confirm your new email address',
      paragraphs: [`To change your Pingvas account's email to ${d.newEmail}, confirm it below.`],
      action: { label: 'Confirm new email', url: d.link },
      after: [`This link works once, for ${hours(d.expiresHours)}.`, NOT_YOU.en],
    }),
  },
  'email-changed': {
    ko: (d) => ({
      ...base('ko'),
      subject: '[Pingvas] 계정 이메일이 변경되었습니다',
      paragraphs: [`Pingvas 계정의 이메일 주소가 ${d.newEmail}(으)로 변경되었습니다.`],
      after: [CONTACT_US.ko],
    }),
    en: (d) => ({
      ...base('en'),
      subject: '[Pingvas] Your account email was changed',
      paragraphs: [`The email address of your Pingvas account is now ${d.newEmail}.`],
      after: [CONTACT_US.en],
    }),
  },
  'password-reset': {
    ko: (d) => ({
      ...base('ko'),
      subject: '[Pingvas] 비밀번호 재설정',
      paragraphs: [
        '비밀번호 재설정 요청을 받았습니다. 아래 버튼을 눌러 새 비밀번호를 정해 주세요.',
      ],
      action: { label: '비밀번호 재설정하기', url: d.link },
      after: [`이 링크는 ${d.expiresMinutes}분 동안 한 번만 사용할 수 있습니다.`, NOT_YOU.ko],
    }),
    en: (d) => ({
      ...base('en'),
      subject: '[Pingvas] Reset your password',
      paragraphs: ['We got a request to reset your password. Choose a new one below.'],
      action: { label: 'Reset password', url: d.link },
      after: [`This link works once, for ${minutes(d.expiresMinutes)}.`, NOT_YOU.en],
    }),
  },
  'password-changed': {
    ko: () => ({
      ...base('ko'),
      subject: '[Pingvas] 비밀번호가 변경되었습니다',
      paragraphs: ['Pingvas 계정의 비밀번호가 변경되었고, 모든 기기에서 로그아웃되었습니다.'],
      after: [CONTACT_US.ko],
    }),
    en: () => ({
      ...base('en'),
      subject: '[Pingvas] Your password was changed',
      paragraphs: [
        'The password of your Pingvas account was changed, and every device was signed out.',
      ],
      after: [CONTACT_US.en],
    }),
  },
  'account-deleted': {
    ko: () => ({
      ...base('ko'),
      subject: '[Pingvas] 계정이 삭제되었습니다',
      paragraphs: [
        'Pingvas 계정과 이미지, 보드, 생성 기록이 삭제되었습니다. 법에 따라 보관해야 하는 결제 기록은 개인을 알아볼 수 없게 처리하여 보관합니다.',
        '그동안 이용해 주셔서 감사합니다. 같은 이메일로 언제든 다시 가입하실 수 있습니다.',
      ],
    }),
    en: () => ({
      ...base('en'),
      subject: '[Pingvas] Your account was deleted',
      paragraphs: [
        'Your Pingvas account, images, boards and generation history were deleted. Payment records the law requires us to keep are kept anonymised.',
        'Thank you for using Pingvas. You can sign up again with the same address at any time.',
      ],
    }),
  },
  'export-ready': {
    ko: (d) => ({
      ...base('ko'),
      subject: '[Pingvas] 데이터 내보내기가 준비되었습니다',
      paragraphs: [
        '요청하신 데이터(계정, 생성 기록, 결제 내역, 보드, 모든 이미지 파일)를 zip 파일로 준비했습니다.',
      ],
      action: { label: '내려받기', url: d.link },
      after: [`이 링크는 ${d.expiresHours}시간 동안 유효합니다.`],
    }),
    en: (d) => ({
      ...base('en'),
      subject: '[Pingvas] Your data export is ready',
      paragraphs: [
        'The export you asked for (account, generations, ledger, boards and every image file) is ready as a zip file.',
      ],
      action: { label: 'Download', url: d.link },
      after: [`This link is valid for ${hours(d.expiresHours)}.`],
    }),
  },
  receipt: {
    ko: (d) => ({
      ...base('ko'),
      subject: `[Pingvas] 영수증: ${d.planName}`,
      paragraphs: [
        '결제해 주셔서 감사합니다.',
        [
          `주문 번호: ${d.orderId}`,
          `상품: ${d.planName}`,
          `금액: ${formatMoney(d.amount, d.currency, 'ko')}`,
          `결제 일시: ${formatTime(d.paidAt, 'ko')}`,
        ].join('\n'),
      ],
      ...(d.receiptUrl ? { action: { label: '영수증 보기', url: d.receiptUrl } } : {}),
    }),
    en: (d) => ({
      ...base('en'),
      subject: `[Pingvas] Receipt: ${d.planName}`,
      paragraphs: [
        'Thank you for your payment.',
        [
          `Order: ${d.orderId}`,
          `Plan: ${d.planName}`,
          `Amount: ${formatMoney(d.amount, d.currency, 'en')}`,
          `Paid: ${formatTime(d.paidAt, 'en')}`,
        ].join('\n'),
      ],
      ...(d.receiptUrl ? { action: { label: 'View receipt', url: d.receiptUrl } } : {}),
    }),
  },
  'payment-failed': {
    ko: (d) => ({
      ...base('ko'),
      subject: '[Pingvas] 구독 결제에 실패했습니다',
      paragraphs: [
        `${d.planName} 구독의 갱신 결제가 처리되지 않았습니다. 결제 수단을 확인해 주세요. 결제가 계속 실패하면 구독이 종료되고 무료 플랜으로 바뀝니다.`,
      ],
      ...(d.updatePaymentUrl
        ? { action: { label: '결제 수단 변경하기', url: d.updatePaymentUrl } }
        : {}),
    }),
    en: (d) => ({
      ...base('en'),
      subject: '[Pingvas] Your subscription payment failed',
      paragraphs: [
        `We could not charge the renewal of your ${d.planName} subscription. Please check your payment method; if payment keeps failing, the subscription ends and you move to the free plan.`,
      ],
      ...(d.updatePaymentUrl
        ? { action: { label: 'Update payment method', url: d.updatePaymentUrl } }
        : {}),
    }),
  },
};

export const EMAIL_TEMPLATES = Object.keys(TEMPLATES) as EmailTemplate[];

/** The mail of `message` in `locale`: subject, plain text and HTML (every value escaped). */
export function renderEmail(message: EmailMessage, locale: Locale): RenderedMail {
  const template = TEMPLATES[message.template] as Template<typeof message.template> | undefined;
  if (!template) throw new Error(`unknown mail template ${String(message.template)}`);
  const content = (template[locale] ?? template.ko) as (data: unknown) => MailContent;
  return renderMail(content(message.data), locale);
}
