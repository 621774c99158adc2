import * as fs from 'node:fs';
import * as path from 'node:path';
import type { HttpResponseInit } from '@azure/functions';
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';

/**
 * The order API's OpenAPI 3.1 document (functions/openapi.json) as a test oracle: a response a test
 * provokes is checked against the operation and status it answers, its JSON body against the schema
 * of its media type (JSON Schema 2020-12, the dialect of OpenAPI 3.1 schemas, with Ajv), and every
 * header the document requires must be there and match. `strict: false`: Ajv does not know the
 * OpenAPI keywords around the schemas (`openapi`, `paths`, `discriminator`, ...) and must ignore them.
 */

export const OPENAPI_FILE = path.join(__dirname, '..', '..', 'functions', 'openapi.json');
export const OPENAPI_DOCUMENT = JSON.parse(fs.readFileSync(OPENAPI_FILE, 'utf8'));

export type Method = 'get' | 'post';
export type DocumentedPath = '/orders' | '/orders/{id}' | '/health' | '/openapi.json';

const ajv = new Ajv2020({ strict: false, allErrors: true });
addFormats(ajv);
ajv.addSchema(OPENAPI_DOCUMENT, 'openapi.json');

/** A response as a handler returns it (HttpResponseInit) or as the worker stand-in reports it. */
export type AnyResponse = HttpResponseInit | { readonly status: number; readonly headers: Record<string, string>; readonly body: unknown };

/** Every (method, path, status) the document lists, as `post /orders 202`. */
export function documentedStatuses(): string[] {
  return Object.entries(OPENAPI_DOCUMENT.paths as Record<string, Record<string, { responses: Record<string, unknown> }>>).flatMap(
    ([p, operations]) =>
      Object.entries(operations).flatMap(([method, operation]) =>
        Object.keys(operation.responses).map((status) => `${method} ${p} ${status}`),
      ),
  );
}

/** What is wrong with `response` as an answer of `method path`, or [] when the document describes it. */
export function undocumented(p: DocumentedPath, method: Method, response: AnyResponse): string[] {
  const { status, headers, contentType, body } = normalize(response);
  const operation = OPENAPI_DOCUMENT.paths[p]?.[method];
  if (!operation) return [`the document has no ${method} ${p}`];
  const documented = operation.responses[String(status)];
  if (!documented) return [`${method} ${p} does not list status ${status} (it lists ${Object.keys(operation.responses).join(', ')})`];
  const problems: string[] = [];
  for (const [name, header] of Object.entries((documented.headers ?? {}) as Record<string, { $ref?: string; required?: boolean }>)) {
    const resolved = header.$ref ? OPENAPI_DOCUMENT.components.headers[header.$ref.split('/').pop()!] : header;
    const value = headers[name.toLowerCase()];
    if (value === undefined) {
      if (resolved.required) problems.push(`header ${name} is required for ${status}`);
      continue;
    }
    const validate = ajv.compile(resolved.schema);
    if (!validate(value)) problems.push(`header ${name} = ${JSON.stringify(value)}: ${ajv.errorsText(validate.errors)}`);
  }
  const media = documented.content ? Object.keys(documented.content) : [];
  if (media.length === 0) return body === undefined ? problems : [...problems, `${status} has no documented body`];
  if (!contentType || !media.includes(contentType))
    return [...problems, `content type ${contentType ?? '(none)'} is not one of ${media.join(', ')} for ${status}`];
  const validate = ajv.getSchema(
    `openapi.json#${pointer('paths', p, method, 'responses', String(status), 'content', contentType, 'schema')}`,
  )!;
  if (!validate(body)) problems.push(`body of ${status}: ${ajv.errorsText(validate.errors, { separator: '; ' })}`);
  return problems;
}

/** Fails the test, naming each difference, unless the document describes `response`; returns it. */
export function expectDocumented<R extends AnyResponse>(p: DocumentedPath, method: Method, response: R): R {
  const problems = undocumented(p, method, response);
  if (problems.length > 0)
    throw new Error(
      `${method} ${p} answered outside its OpenAPI document:\n  ${problems.join('\n  ')}\nresponse: ${JSON.stringify(normalize(response))}`,
    );
  return response;
}

/** What is wrong with a request body of `method path`, or [] when its schema allows it. */
export function undocumentedRequest(p: DocumentedPath, method: Method, body: unknown): string[] {
  const validate = ajv.getSchema(`openapi.json#${pointer('paths', p, method, 'requestBody', 'content', 'application/json', 'schema')}`)!;
  return validate(body) ? [] : [ajv.errorsText(validate.errors, { separator: '; ' })];
}

/** The schema at a JSON pointer into the document (e.g. a component), compiled. */
export function documentSchema(...segments: string[]) {
  return ajv.getSchema(`openapi.json#${pointer(...segments)}`)!;
}

function pointer(...segments: string[]): string {
  return segments.map((s) => `/${encodeURIComponent(s.replace(/~/g, '~0').replace(/\//g, '~1'))}`).join('');
}

function normalize(response: AnyResponse): { status: number; headers: Record<string, string>; contentType?: string; body: unknown } {
  const headers = Object.fromEntries(
    Object.entries((response.headers ?? {}) as Record<string, string>).map(([k, v]) => [k.toLowerCase(), String(v)]),
  );
  let body: unknown;
  if ('jsonBody' in response && response.jsonBody !== undefined) body = response.jsonBody;
  else if ('body' in response && typeof response.body === 'string') body = JSON.parse(response.body);
  else if ('body' in response && response.body !== undefined && response.body !== null && typeof response.body === 'object')
    body = response.body;
  // The programming model sends jsonBody as application/json unless a content type is set.
  const declared = headers['content-type']?.split(';')[0].trim().toLowerCase();
  const contentType = declared ?? (body !== undefined ? 'application/json' : undefined);
  return { status: Number(response.status ?? 200), headers, contentType, body };
}
