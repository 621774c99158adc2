import type { HttpRequest, HttpResponseInit } from '@azure/functions';
import { validationProblem } from './problem';

/**
 * Reads a JSON request body defensively, in the order a client can fix things: media type (415),
 * size (413, from `content-length` before reading, then from the bytes read), syntax (400).
 * The body is read exactly once with `text()` (a fetch body is single-use, and `json()` would turn
 * bad JSON into a 500: docs/functions-runtime.md, 3.2).
 */

export type JsonBody = { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly response: HttpResponseInit };

const JSON_MEDIA_TYPE = 'application/json';

export async function readJsonBody(request: HttpRequest, maxBytes: number): Promise<JsonBody> {
  const contentType = request.headers.get('content-type');
  const mediaType = contentType?.split(';')[0].trim().toLowerCase();
  if (mediaType !== JSON_MEDIA_TYPE) {
    return reject(
      415,
      `send the order as ${JSON_MEDIA_TYPE}`,
      'content-type',
      `must be ${JSON_MEDIA_TYPE}, was ${contentType ?? 'absent'}`,
    );
  }
  // An absent header reads as 0 (Number(null)).
  const declaredLength = Number(request.headers.get('content-length'));
  if (declaredLength > maxBytes) return tooLarge(maxBytes);

  const text = await request.text();
  // UTF-8 bytes (byteLength's default encoding), not characters.
  if (Buffer.byteLength(text) > maxBytes) return tooLarge(maxBytes);

  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (error) {
    return reject(400, 'the request body is not valid JSON', '(body)', (error as Error).message);
  }
}

function tooLarge(maxBytes: number): JsonBody {
  return reject(413, `an order body may have at most ${maxBytes} bytes`, '(body)', `must be at most ${maxBytes} bytes`);
}

function reject(status: number, detail: string, field: string, message: string): JsonBody {
  return { ok: false, response: validationProblem(detail, [{ field, message }], status) };
}
