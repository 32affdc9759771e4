// One table of routes drives both the express router (validation with zod, role check) and the OpenAPI
// document (generated from the same zod schemas), so the document describes what the code really does.
import express, { type Request, type Response, type Router } from 'express';
import { z } from 'zod';
import { GuichetError } from '../../bot/errors';
import { findUnsafeText } from '../../bot/unsafe-text';
import { requireRole, type Principal } from '../auth';
import type { Role } from '../schemas';

export interface RouteInput<P, Q, B> {
  params: P;
  query: Q;
  body: B;
  principal: Principal;
  req: Request;
  res: Response;
  /** The uploaded file of an `upload` route (its type checked against the route's list). */
  file?: { contentType: string; bytes: Buffer };
}

type Empty = z.ZodObject<Record<string, never>>;

export interface RouteDef<
  P extends z.ZodType = Empty,
  Q extends z.ZodType = Empty,
  B extends z.ZodType = Empty,
> {
  method: 'get' | 'post' | 'put' | 'delete';
  /** OpenAPI style: /requests/{id}. */
  path: string;
  operationId: string;
  summary: string;
  description?: string;
  tag: string;
  minRole: Role;
  params?: P;
  query?: Q;
  body?: B;
  /** Success status (default 200). */
  status?: number;
  /**
   * A file as the request body instead of JSON (a photo): its accepted types and largest size. The handler
   * gets it as `file`; another type is 415, a larger one 413, an empty one 400.
   */
  upload?: { types: readonly string[]; maxBytes: number };
  /** The JSON answer's schema; `stream` routes write their own answer (Server-Sent Events, a CSV file, an image, a voice message). */
  response: z.ZodType | { stream: 'text/event-stream' | 'text/csv' | 'image' | 'audio/mpeg' };
  // Method syntax on purpose: a route table holds routes of different input types.
  handle(input: RouteInput<z.output<P>, z.output<Q>, z.output<B>>): Promise<unknown>;
}

export type AnyRoute = RouteDef<z.ZodType, z.ZodType, z.ZodType>;

export const route = <P extends z.ZodType = Empty, Q extends z.ZodType = Empty, B extends z.ZodType = Empty>(
  def: RouteDef<P, Q, B>,
): AnyRoute => def as unknown as AnyRoute;

/** A zod failure as a 400 naming the first bad field ("query.status: Invalid option…"). */
export function invalid(where: string, error: z.ZodError): GuichetError {
  const issues = error.issues.map((i) => ({
    path: [where, ...i.path.map(String)].join('.'),
    message: i.message,
  }));
  const first = issues[0];
  return new GuichetError(
    'BAD_REQUEST',
    first ? `${first.path}: ${first.message}` : `Invalid ${where}`,
    issues,
  );
}

/** A NUL character or a lone surrogate anywhere in the input: 400 naming the field, before any store sees it. */
export function refuseUnsafeText(value: unknown, where: string): void {
  const path = findUnsafeText(value);
  if (path)
    throw new GuichetError(
      'BAD_REQUEST',
      `${[where, ...path].join('.')}: contains a NUL character or invalid Unicode`,
    );
}

function parse<T extends z.ZodType>(
  schema: T | undefined,
  value: unknown,
  where: string,
): z.output<T> | undefined {
  if (!schema) return undefined;
  refuseUnsafeText(value, where);
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw invalid(where, parsed.error);
  return parsed.data;
}

export const principalOf = (res: Response): Principal => {
  const principal = res.locals.principal as Principal | undefined;
  if (!principal) throw new GuichetError('UNAUTHORIZED', 'A bearer token is required');
  return principal;
};

export function mountRoutes(router: Router, routes: readonly AnyRoute[]): void {
  for (const def of routes) {
    const path = def.path.replace(/\{(\w+)\}/g, ':$1');
    const upload = def.upload;
    const parsers = upload ? [express.raw({ type: () => true, limit: upload.maxBytes })] : [];
    router[def.method](path, ...parsers, async (req, res) => {
      const principal = principalOf(res);
      requireRole(principal, def.minRole);
      const file = upload ? uploadedFile(req, upload.types) : undefined;
      const input = {
        file,
        params: parse(def.params, req.params, 'path'),
        query: parse(def.query, req.query, 'query'),
        // A POST without a JSON body validates as {} (optional fields and defaults apply).
        body: upload ? undefined : parse(def.body, req.body ?? {}, 'body'),
        principal,
        req,
        res,
      };
      const result = await def.handle(input);
      if ('stream' in def.response) return;
      res.set('Cache-Control', 'no-store');
      res.status(def.status ?? 200).json(result);
    });
  }
}

/** The raw body of an upload route, of one of its types (the type given by the client, checked by the route). */
function uploadedFile(req: Request, types: readonly string[]): { contentType: string; bytes: Buffer } {
  const contentType = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  if (!types.includes(contentType))
    throw new GuichetError('UNSUPPORTED_MEDIA_TYPE', `Content-Type must be one of: ${types.join(', ')}`);
  const bytes = req.body as unknown;
  if (!Buffer.isBuffer(bytes) || bytes.length === 0)
    throw new GuichetError('BAD_REQUEST', 'The file is empty');
  return { contentType, bytes };
}
