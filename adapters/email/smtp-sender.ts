// E-mail to citizens over SMTP (nodemailer: the maintained transport for Node), for the outbox 'notification'
// rows whose channel is 'email'. Plain text only: the same words the citizen would get by SMS.
import nodemailer from 'nodemailer';
import { z } from 'zod';
import { GuichetError } from '../../bot/errors';

const EmailNotification = z.looseObject({
  to: z.email().max(254),
  text: z.string().min(1).max(4000),
  subject: z.string().min(1).max(200).optional(),
});

export type EmailSender = (payload: unknown) => Promise<void>;

export function createSmtpSender(options: { url: string; from: string; timeoutMs?: number }): EmailSender {
  const timeout = options.timeoutMs ?? 10_000;
  const transport = nodemailer.createTransport(options.url, {
    connectionTimeout: timeout,
    greetingTimeout: timeout,
    socketTimeout: timeout,
  });
  return async (payload) => {
    const parsed = EmailNotification.safeParse(payload);
    // A malformed row will never succeed: a permanent failure, not a retry.
    if (!parsed.success) throw new GuichetError('BAD_REQUEST', 'Invalid e-mail notification');
    const { to, text, subject } = parsed.data;
    await transport.sendMail({
      from: options.from,
      to,
      subject: subject ?? 'Votre demande',
      text,
    });
  };
}
