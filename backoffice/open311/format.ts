// Open311 GeoReport v2 answers in JSON or XML (the format is the path's extension, JSON by default),
// and its error format: [{"code": 400, "description": "…"}] / <errors><error>…</error></errors>.
import type { Response } from 'express';
import { XMLBuilder } from 'fast-xml-parser';
import { GuichetError, httpStatusOf, isGuichetError } from '../../bot/errors';
import type { Logger } from '../../bot/logger';

export type Format = 'json' | 'xml';

/** "requests.xml" → ["requests", "xml"]; no extension → JSON. */
export function splitFormat(name: string): [string, Format] {
  const match = /^(.*)\.(json|xml)$/i.exec(name);
  return match ? [match[1] ?? '', (match[2] ?? 'json').toLowerCase() as Format] : [name, 'json'];
}

const builder = new XMLBuilder({ format: true, suppressEmptyNode: false, processEntities: true });

type Scalar = string | number | boolean | null;
export interface XmlShape {
  /** Root element: services, service_requests, service_definition, discovery, errors. */
  root: string;
  /** Element of each array item: service, request, error. */
  item?: string;
}

/** null → empty element (XML has no null); nested arrays keep their item element names. */
function xmlValue(value: unknown): unknown {
  if (value === null || value === undefined) return '';
  if (Array.isArray(value)) return value.map(xmlValue);
  if (typeof value === 'object')
    return Object.fromEntries(
      Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, xmlValue(v)]),
    );
  return value as Scalar;
}

export function send(res: Response, format: Format, status: number, body: unknown, shape: XmlShape): void {
  res.set('Cache-Control', 'no-store');
  if (format === 'json') {
    res.status(status).json(body);
    return;
  }
  const content = shape.item
    ? { [shape.root]: { [shape.item]: xmlValue(body) } }
    : { [shape.root]: xmlValue(body) };
  res
    .status(status)
    .type('application/xml; charset=utf-8')
    .send(`<?xml version="1.0" encoding="utf-8"?>\n${builder.build(content) as string}`);
}

/** Open311 uses 400, 403 and 404; anything else unexpected is a 500 with no detail. */
export function sendError(res: Response, format: Format, error: unknown, logger: Logger): void {
  let status = 500;
  let description = 'Internal error';
  if (isGuichetError(error)) {
    status = error.code === 'UNAUTHORIZED' ? 403 : httpStatusOf(error.code);
    // A 5xx never carries the underlying message (database text, a value).
    description = status < 500 ? error.message : 'Internal error';
    if (status >= 500) logger.error('open311: request failed', { code: error.code, error: error.message });
  } else if (
    typeof error === 'object' &&
    error !== null &&
    (error as { type?: unknown }).type === 'entity.parse.failed'
  ) {
    status = 400;
    description = 'The body could not be parsed';
  } else if (clientErrorStatus(error) !== undefined) {
    // A body parser or express refusal (size, charset, encoding, an undecodable %-escape): the client's fault.
    status = clientErrorStatus(error)!;
    description = error instanceof Error ? error.message : 'Bad request';
  } else {
    logger.error('open311: unhandled error', {
      error: error instanceof Error ? error.message : String(error),
    });
  }
  send(res, format, status, [{ code: status, description }], { root: 'errors', item: 'error' });
}

/** The 4xx status an express / body-parser error carries (http-errors style), if any. */
function clientErrorStatus(error: unknown): number | undefined {
  const status =
    typeof error === 'object' && error !== null ? (error as { status?: unknown }).status : undefined;
  return typeof status === 'number' && status >= 400 && status < 500 ? status : undefined;
}

export const open311Error = (status: 400 | 403 | 404, description: string): GuichetError =>
  new GuichetError(status === 400 ? 'BAD_REQUEST' : status === 403 ? 'FORBIDDEN' : 'NOT_FOUND', description);
