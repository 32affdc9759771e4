// POST /channels/webchat/media — the widget's photo: the image itself as the body (not a form), for a
// conversation the caller holds the token of. Checked and cleaned by the shared intake (first bytes say
// JPEG/PNG/WebP, metadata stripped, size limit), stored, and answered with the internal URL the next message
// carries in `media`. The position the photo's metadata held is returned to the widget only, which asks the
// citizen before using it as the report's place; the stored bytes no longer hold it.
import { Router, type Request, type RequestHandler } from 'express';
import { z } from 'zod';
import { GuichetError } from '../../bot/errors';
import { MediaTooLargeError, NotAnImageError, megabytesFr, type MediaIntake } from '../../adapters/media';
import { CONVERSATION_ID_PATTERN, conversationMediaKey, verifyConversationToken } from './conversation-token';
import { assertOriginAllowed, tenantKeyOf, type OriginPolicy } from './cors';
import type { WebchatTenants } from './tenants';

export const WEBCHAT_MEDIA_PATH = '/media';

export interface WebchatUploadDeps {
  intake: MediaIntake;
  tenants: WebchatTenants;
  origins: OriginPolicy;
  secret: string;
}

const UploadQuery = z.object({
  conversationId: z.string().regex(CONVERSATION_ID_PATTERN, 'conversationId is not a valid conversation id'),
  tenant: z.string().max(64).optional(),
});

/** The full path, for the server's size guard (which refuses a declared size before reading, with this text). */
export const WEBCHAT_MEDIA_ROUTE = /^\/channels\/webchat\/media$/;

export const photoTooLargeText = (maxBytes: number): string =>
  `La photo dépasse la taille maximale (${megabytesFr(maxBytes)}).`;

const tooLarge = (maxBytes: number): GuichetError =>
  new GuichetError('PAYLOAD_TOO_LARGE', photoTooLargeText(maxBytes));

/** Reads the body up to `maxBytes`: a larger one (declared or streamed) stops the read and is a 413. */
function readBody(req: Request, maxBytes: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > maxBytes) {
      req.resume();
      reject(tooLarge(maxBytes));
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) {
        req.removeAllListeners('data');
        req.resume();
        reject(tooLarge(maxBytes));
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', () => reject(new GuichetError('BAD_REQUEST', 'The upload was interrupted')));
  });
}

export function createWebchatUploadRouter(deps: WebchatUploadDeps): Router {
  const router = Router();
  const upload: RequestHandler = async (req, res) => {
    const query = UploadQuery.safeParse(req.query);
    if (!query.success)
      throw new GuichetError('BAD_REQUEST', query.error.issues[0]?.message ?? 'Invalid query');
    const tenant = deps.tenants.resolve(query.data.tenant ?? tenantKeyOf(req));
    if (!tenant) throw new GuichetError('NOT_FOUND', 'Unknown widget key');
    assertOriginAllowed(deps.origins, req, tenant);
    const token = req.get('x-conversation-token') ?? undefined;
    if (!verifyConversationToken(deps.secret, tenant.id, query.data.conversationId, token))
      throw new GuichetError('NOT_FOUND', 'Unknown conversation (or wrong token)');
    const bytes = await readBody(req, deps.intake.maxBytes);
    if (bytes.length === 0) throw new GuichetError('BAD_REQUEST', 'La photo est vide.');
    try {
      const saved = await deps.intake.accept(
        tenant.id,
        bytes,
        conversationMediaKey(deps.secret, tenant.id, query.data.conversationId),
      );
      res.set('Cache-Control', 'no-store');
      res.status(201).json({
        url: saved.url,
        contentType: saved.contentType,
        size: saved.size,
        ...(saved.position ? { position: saved.position } : {}),
      });
    } catch (error) {
      if (error instanceof MediaTooLargeError) throw tooLarge(error.maxBytes);
      if (error instanceof NotAnImageError)
        throw new GuichetError(
          'UNSUPPORTED_MEDIA_TYPE',
          'Ce fichier n’est pas une photo lisible : envoyez une image JPEG, PNG ou WebP.',
        );
      throw error;
    }
  };
  router.post(WEBCHAT_MEDIA_PATH, upload);
  return router;
}
