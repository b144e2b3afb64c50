import type { AddressInfo } from 'node:net';
import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { eventually } from './infra';

/** One mail as the server received it, parsed. */
export interface ReceivedMail {
  envelope: { from: string | false; to: string[] };
  from: string;
  to: string;
  subject: string;
  text: string;
  html: string;
  messageId: string;
  /** The raw message as sent, for checks of encoding and headers. */
  raw: Buffer;
}

/** An SMTP error such as `451 4.3.0 Try again later` (a 4xx: nodemailer's caller retries). */
export class SmtpRejection extends Error {
  constructor(
    readonly responseCode: number,
    message: string,
  ) {
    super(message);
  }
}

/**
 * A real SMTP server for tests (the `smtp-server` package, on a spare port of 127.0.0.1),
 * receiving what nodemailer sends and keeping each message parsed (mailparser). Plain SMTP,
 * no AUTH, no STARTTLS: `smtp://127.0.0.1:<port>`. `failNext` makes the next messages fail
 * at DATA the way a busy server does, so a test can watch a retry.
 */
export class TestSmtpServer {
  readonly messages: ReceivedMail[] = [];
  /** Every DATA attempt, accepted or not. */
  attempts = 0;
  private readonly failures: { code: number; message: string }[] = [];
  private server?: SMTPServer;
  private port = 0;

  get url(): string {
    return `smtp://127.0.0.1:${this.port}`;
  }

  /** The next `count` messages are refused with `code` (default 451: try again later). */
  failNext(count = 1, code = 451, message = 'Requested action aborted: try again later'): void {
    for (let i = 0; i < count; i++) this.failures.push({ code, message });
  }

  async start(): Promise<this> {
    const server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['AUTH', 'STARTTLS'],
      logger: false,
      onData: (stream, session, callback) => {
        const chunks: Buffer[] = [];
        stream.on('data', (chunk: Buffer) => chunks.push(chunk));
        stream.on('end', () => {
          this.attempts++;
          const failure = this.failures.shift();
          if (failure) {
            callback(new SmtpRejection(failure.code, failure.message));
            return;
          }
          const raw = Buffer.concat(chunks);
          simpleParser(raw).then(
            (parsed) => {
              this.messages.push({
                envelope: {
                  from: session.envelope.mailFrom ? session.envelope.mailFrom.address : false,
                  to: session.envelope.rcptTo.map((r) => r.address),
                },
                from: parsed.from?.text ?? '',
                to: Array.isArray(parsed.to)
                  ? parsed.to.map((a) => a.text).join(', ')
                  : (parsed.to?.text ?? ''),
                subject: parsed.subject ?? '',
                text: parsed.text ?? '',
                html: typeof parsed.html === 'string' ? parsed.html : '',
                messageId: parsed.messageId ?? '',
                raw,
              });
              callback();
            },
            (err: Error) => callback(err),
          );
        });
      },
    });
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.on('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    this.port = (server.server.address() as AddressInfo).port;
    return this;
  }

  /** Waits until `count` messages matching `match` arrived; resolves with them. */
  async waitFor(
    match: (mail: ReceivedMail) => boolean,
    count = 1,
    timeoutMs = 15_000,
  ): Promise<ReceivedMail[]> {
    return eventually(
      async () => {
        const found = this.messages.filter(match);
        return found.length >= count ? found : undefined;
      },
      timeoutMs,
      `${count} mail(s) at the test SMTP server`,
    );
  }

  /** The messages sent to `address`. */
  to(address: string): ReceivedMail[] {
    return this.messages.filter((m) => m.envelope.to.includes(address));
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
