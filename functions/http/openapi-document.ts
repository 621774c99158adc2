import type { HttpResponseInit } from '@azure/functions';
// Bundled into the API's package by esbuild: the document served is the one in the repository.
import document = require('../openapi.json');

/**
 * GET /api/openapi.json (anonymous): the order API's OpenAPI 3.1 document, functions/openapi.json,
 * for a shop's client generator. The tests hold every handler to it (__tests__/functions/openapi.spec.ts).
 */
export function createOpenApiDocumentHandler() {
  const body = JSON.stringify(document);
  return function openApiDocument(): HttpResponseInit {
    return { status: 200, headers: { 'content-type': 'application/json', 'cache-control': 'public, max-age=300' }, body };
  };
}

export const OPENAPI_DOCUMENT: unknown = document;
