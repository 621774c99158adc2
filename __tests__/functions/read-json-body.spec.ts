import { HttpRequest } from '@azure/functions';
import { PROBLEM_TYPES } from '../../functions/http/problem';
import { readJsonBody } from '../../functions/http/read-json-body';
import { bodyOf } from '../helpers/invocation';

const MAX_BYTES = 64;

function request(body: string, headers: Record<string, string>): HttpRequest {
  return new HttpRequest({ method: 'POST', url: 'http://127.0.0.1:7071/api/orders', headers, body: { string: body } });
}

/** Status, problem type and the fields named, or the parsed value. */
async function answer(body: string, headers: Record<string, string> = { 'content-type': 'application/json' }) {
  const result = await readJsonBody(request(body, headers), MAX_BYTES);
  if (result.ok) return { value: result.value };
  const problem = bodyOf(result.response);
  return { status: result.response.status, type: problem.type, fields: problem.errors.map((e: { field: string }) => e.field) };
}

describe('readJsonBody', () => {
  it('parses a JSON body under any spelling of the JSON media type, with parameters', async () => {
    for (const contentType of [
      'application/json',
      'Application/JSON',
      'application/json; charset=utf-8',
      ' application/json ;charset=utf-8',
    ]) {
      expect([contentType, await answer('{"a":1}', { 'content-type': contentType })]).toEqual([contentType, { value: { a: 1 } }]);
    }
  });

  it.each([['text/plain'], ['application/jsonx'], ['application/problem+json'], ['']])(
    'answers 415 naming content-type for %p',
    async (contentType) => {
      expect(await answer('{}', { 'content-type': contentType })).toEqual({
        status: 415,
        type: PROBLEM_TYPES.invalidRequest,
        fields: ['content-type'],
      });
    },
  );

  it('answers 415 when the content type is absent', async () => {
    // A string body gets text/plain from fetch; without a body the header is truly absent.
    expect(await answer('{}', {})).toEqual({ status: 415, type: PROBLEM_TYPES.invalidRequest, fields: ['content-type'] });
    const bare = await readJsonBody(new HttpRequest({ method: 'POST', url: 'http://127.0.0.1:7071/api/orders' }), MAX_BYTES);
    expect(bare.ok || [bare.response.status, bodyOf(bare.response).errors[0].field]).toEqual([415, 'content-type']);
  });

  it('takes a body of exactly the largest size, declared or read, and refuses one byte more with 413', async () => {
    const largest = JSON.stringify({ pad: 'x'.repeat(MAX_BYTES - 10) });
    expect(Buffer.byteLength(largest)).toBe(MAX_BYTES);
    expect(await answer(largest, { 'content-type': 'application/json', 'content-length': String(MAX_BYTES) })).toEqual({
      value: { pad: 'x'.repeat(MAX_BYTES - 10) },
    });
    const tooLarge = { status: 413, type: PROBLEM_TYPES.invalidRequest, fields: ['(body)'] };
    expect(await answer('{}', { 'content-type': 'application/json', 'content-length': String(MAX_BYTES + 1) })).toEqual(tooLarge);
    expect(await answer(JSON.stringify({ pad: 'x'.repeat(MAX_BYTES - 9) }))).toEqual(tooLarge);
  });

  it('counts bytes, not characters', async () => {
    // 38 characters, 68 bytes in UTF-8: over the limit in bytes only.
    expect(await answer(JSON.stringify({ p: 'é'.repeat(30) }))).toMatchObject({ status: 413 });
  });

  it('answers 400 naming the body for malformed JSON', async () => {
    expect(await answer('{"a":')).toEqual({ status: 400, type: PROBLEM_TYPES.invalidRequest, fields: ['(body)'] });
  });
});
