/**
 * The one place mail HTML is made. Templates describe a mail as plain strings (paragraphs, a
 * button, a closing line); this layout turns that into the text part as it is and into the
 * HTML part with every string escaped here, so no value a user or a producer chose can become
 * markup: there is no way for a template to hand raw HTML in.
 */

/** What one mail says, in one language. Every string is plain text. */
export interface MailContent {
  subject: string;
  /** The first line, e.g. "Hello," / "안녕하세요,". */
  greeting: string;
  paragraphs: string[];
  /** The call to action: a button in HTML, the bare URL on its own line in text. */
  action?: { label: string; url: string };
  /** Lines after the action (how long it is valid, what to do if it was not you). */
  after?: string[];
  signature: string;
}

export interface RenderedMail {
  subject: string;
  text: string;
  html: string;
}

const HTML_ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Escapes text for HTML element content and quoted attribute values alike. */
export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]);
}

/** Only absolute http(s) URLs become links: a `javascript:` or relative value is refused. */
export function assertLinkUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new Error(`mail link is not a URL: ${JSON.stringify(url)}`);
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') {
    throw new Error(`mail link must be http(s): ${JSON.stringify(url)}`);
  }
  return url;
}

const paragraph = (text: string) =>
  `<p style="margin:0 0 16px;line-height:1.6">${escapeHtml(text).replace(/\n/g, '<br>')}</p>`;

export function renderMail(content: MailContent, lang: string): RenderedMail {
  // One line: a value with a line break must not fold into another header.
  const subject = content.subject.replace(/\s+/g, ' ').trim();
  const action = content.action && {
    label: content.action.label,
    url: assertLinkUrl(content.action.url),
  };
  const after = content.after ?? [];
  const text = [
    content.greeting,
    '',
    ...content.paragraphs.flatMap((p) => [p, '']),
    ...(action ? [`${action.label}: ${action.url}`, ''] : []),
    ...after.flatMap((p) => [p, '']),
    content.signature,
    '',
  ].join('\n');

  const button = action
    ? `<p style="margin:24px 0"><a href="${escapeHtml(action.url)}" style="display:inline-block;padding:12px 20px;background:#4f46e5;color:#ffffff;border-radius:6px;text-decoration:none;font-weight:600">${escapeHtml(action.label)}</a></p>` +
      `<p style="margin:0 0 16px;font-size:13px;color:#6b7280;word-break:break-all">${escapeHtml(action.url)}</p>`
    : '';
  const html = [
    '<!doctype html>',
    `<html lang="${escapeHtml(lang)}">`,
    '<head><meta charset="utf-8"><meta name="viewport" content="width=device-width">',
    `<title>${escapeHtml(subject)}</title></head>`,
    "<body style=\"margin:0;padding:24px;background:#f3f4f6;font-family:-apple-system,BlinkMacSystemFont,'Segoe UI','Noto Sans KR',sans-serif;color:#111827\">",
    '<div style="max-width:560px;margin:0 auto;padding:32px;background:#ffffff;border-radius:8px">',
    '<p style="margin:0 0 24px;font-size:20px;font-weight:700">Pingvas</p>',
    paragraph(content.greeting),
    ...content.paragraphs.map(paragraph),
    button,
    ...after.map(paragraph),
    paragraph(content.signature),
    '</div></body></html>',
    '',
  ].join('\n');
  return { subject, text, html };
}
