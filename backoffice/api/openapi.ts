// The OpenAPI 3.1 document of /api/v1, generated from the route table and its zod schemas
// (z.toJSONSchema, JSON Schema 2020-12 as OpenAPI 3.1 uses), served at /api/v1/openapi.json.
import { z } from 'zod';
import { ErrorBodySchema } from '../schemas';
import type { AnyRoute } from './route';

type JsonSchema = Record<string, unknown>;

function jsonSchema(schema: z.ZodType, io: 'input' | 'output'): JsonSchema {
  const { $schema: _ignored, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as JsonSchema;
  return rest;
}

/** Path or query parameters from an object schema, one per property. */
function parameters(schema: z.ZodType | undefined, where: 'path' | 'query'): JsonSchema[] {
  if (!schema) return [];
  const object = jsonSchema(schema, 'input');
  const properties = (object.properties ?? {}) as Record<string, JsonSchema>;
  const required = new Set((object.required ?? []) as string[]);
  return Object.entries(properties).map(([name, property]) => {
    const { description, ...rest } = property;
    return {
      name,
      in: where,
      required: where === 'path' || required.has(name),
      ...(typeof description === 'string' ? { description } : {}),
      schema: rest,
    };
  });
}

const errorResponse = (description: string) => ({
  description,
  content: { 'application/json': { schema: jsonSchema(ErrorBodySchema, 'output') } },
});

export function openApiDocument(routes: readonly AnyRoute[], serverUrl: string): JsonSchema {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const def of routes) {
    const success =
      'stream' in def.response
        ? def.response.stream === 'image' || def.response.stream === 'audio/mpeg'
          ? {
              description: def.response.stream === 'image' ? 'The image' : 'The recording',
              content: {
                [def.response.stream === 'image' ? 'image/*' : 'audio/mpeg']: {
                  schema: { type: 'string', format: 'binary' },
                },
              },
            }
          : {
              description:
                def.response.stream === 'text/csv' ? 'A CSV file' : 'A stream of Server-Sent Events',
              content: { [def.response.stream]: { schema: { type: 'string' } } },
            }
        : {
            description: 'OK',
            content: { 'application/json': { schema: jsonSchema(def.response, 'output') } },
          };
    const operation: Record<string, unknown> = {
      operationId: def.operationId,
      summary: def.summary,
      ...(def.description ? { description: def.description } : {}),
      tags: [def.tag],
      'x-minimum-role': def.minRole,
      // Machines send a bearer token; people use the console's session cookie (+ X-CSRF-Token on POST/DELETE).
      security: [{ bearerAuth: [] }, { sessionCookie: [] }],
      parameters: [...parameters(def.params, 'path'), ...parameters(def.query, 'query')],
      responses: {
        [String(def.status ?? 200)]: success,
        '400': errorResponse('Invalid input (the message names the field)'),
        '401': errorResponse('Missing, unknown or revoked token or session'),
        '403': errorResponse(
          `The role is below ${def.minRole}, or a session's CSRF token or origin is wrong`,
        ),
        '404': errorResponse('Not found (or outside the token’s tenant / authority)'),
        ...(def.method === 'post' ? { '409': errorResponse('Conflicts with the current state') } : {}),
        ...(def.upload
          ? {
              '413': errorResponse(`Larger than ${def.upload.maxBytes} bytes`),
              '415': errorResponse(`Not one of ${def.upload.types.join(', ')}`),
            }
          : {}),
      },
    };
    if (def.upload) {
      operation.requestBody = {
        required: true,
        content: Object.fromEntries(
          def.upload.types.map((type) => [type, { schema: { type: 'string', format: 'binary' } }]),
        ),
      };
    } else if (def.body) {
      operation.requestBody = {
        required: true,
        content: { 'application/json': { schema: jsonSchema(def.body, 'input') } },
      };
    }
    (paths[def.path] ??= {})[def.method] = operation;
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Guichet back-office API',
      version: '1.0.0',
      description:
        'Requests, conversations (agent takeover), contacts (RGPD access and erasure), indicators and webhooks of the ' +
        'Guichet shared store. Bearer tokens are scoped to a tenant (and optionally an authority): objects of another ' +
        'tenant answer 404. Roles: agent < supervisor (indicators, RGPD) < admin (tokens, webhooks).',
      license: { name: 'AGPL-3.0-or-later' },
    },
    servers: [{ url: serverUrl }],
    components: {
      securitySchemes: {
        bearerAuth: { type: 'http', scheme: 'bearer', description: 'gch_… API token' },
        sessionCookie: {
          type: 'apiKey',
          in: 'cookie',
          name: 'guichet_session',
          description:
            'Console session of a signed-in agent (__Host-guichet_session over https). POST and DELETE must also ' +
            'send X-CSRF-Token (GET /session) and come from the same origin.',
        },
      },
    },
    paths,
  };
}
