/**
 * What the apps register with the Functions host: function names, routes and auth levels.
 * The entry points (`order-api.ts`, `order-processor.ts`) register with these, and the contract test
 * compares each BUILT package's registrations against them, so a typo in either place fails a test
 * instead of a deploy. Which app registers which function is in `apps.ts`.
 */

/**
 * Auth level of the order API. `'function'` makes callers send a function key (`x-functions-key`);
 * v4's default is `'anonymous'` (docs/functions-runtime.md, 3.1). A team behind a gateway (APIM, Front Door with EasyAuth)
 * changes it here, in one place.
 */
export const ORDER_API_AUTH_LEVEL = 'function' as const;

/** `extensions.http.routePrefix` in host.json; routes below are relative to it (docs/functions-runtime.md, 3.5). */
export const API_ROUTE_PREFIX = 'api';

export const FUNCTION_NAMES = {
  submitOrder: 'submitOrder',
  getOrderStatus: 'getOrderStatus',
  /** GET /api/openapi.json: the order API's OpenAPI 3.1 document (functions/openapi.json), anonymous. */
  openApiDocument: 'openApiDocument',
  processOrder: 'processOrder',
  /** The processor's timer: records dead-lettered orders as failed (queue/dead-letter-scan.ts). */
  scanDeadLetters: 'scanDeadLetters',
  health: 'health',
} as const;

export type FunctionName = (typeof FUNCTION_NAMES)[keyof typeof FUNCTION_NAMES];

export const ROUTES = {
  orders: 'orders',
  orderStatus: 'orders/{id}',
  /** App Service's health check calls `/api/health` without a key, so it must stay anonymous. */
  health: 'health',
  /** Anonymous: a shop's developers point a client generator at it. */
  openApi: 'openapi.json',
} as const;

/** The public path of an order's status resource, used for `Location` and `statusUrl`. */
export function orderStatusPath(orderId: string): string {
  return `/${API_ROUTE_PREFIX}/${ROUTES.orders}/${encodeURIComponent(orderId)}`;
}
