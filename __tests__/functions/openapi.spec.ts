import { execFileSync } from 'node:child_process';
import { HttpRequest } from '@azure/functions';
import { AppSetting, MAX_ORDER_BODY_BYTES, REQUIRED_SETTINGS } from '../../functions/app-settings';
import { createGetOrderStatusHandler } from '../../functions/http/get-order-status';
import { createHealthHandler } from '../../functions/http/health';
import { createOpenApiDocumentHandler } from '../../functions/http/openapi-document';
import { MAX_LISTED_ERRORS, MAX_LISTED_FIELD_LENGTH, PROBLEM_TITLES, PROBLEM_TYPES } from '../../functions/http/problem';
import { acceptWindowMs, createSubmitOrderHandler, type OrderSender } from '../../functions/http/submit-order';
import { CUSTOMER_ID, IDEMPOTENCY_KEY, MAX_ITEMS, MAX_QUANTITY, MAX_UNIT_PRICE, SKU } from '../../functions/orders/order-fields';
import { requestFingerprint } from '../../functions/orders/request-fingerprint';
import { API_ROUTE_PREFIX, ROUTES } from '../../functions/registrations';
import { acceptRecordOf, ACCEPT_RECORD_ROW_KEY } from '../../functions/store/accepted-orders';
import { claimOrder, markProcessed, MAX_FAILURE_REASON_LENGTH, recordFailure } from '../../functions/store/order-records';
import { FakeAcceptedOrdersTable, FakeOrdersTable, tableError } from '../helpers/fake-orders-table';
import { getRequest, jsonRequest, sampleOrder, sampleOrderText, testContext } from '../helpers/invocation';
import {
  documentedStatuses,
  OPENAPI_DOCUMENT,
  OPENAPI_FILE,
  undocumented,
  undocumentedRequest,
  type AnyResponse,
  type DocumentedPath,
  type Method,
} from '../helpers/openapi';
import { acceptedSample } from '../helpers/orders';

/**
 * The order API against its OpenAPI 3.1 document (functions/openapi.json), both ways, in this one
 * file: jest's workers do not share memory, so the coverage record below is complete only if every
 * response it counts is provoked here. Each documented (method, path, status) is provoked through the
 * real handler (with table and queue doubles) and validated; the last test checks that every one the
 * document lists was seen, and that nothing undocumented was. The other handler tests validate their
 * responses against the document too (helpers/openapi.ts), without counting.
 */

const seen = new Set<string>();
const failures: string[] = [];

function record(p: DocumentedPath, method: Method, response: AnyResponse, what: string): AnyResponse {
  seen.add(`${method} ${p} ${response.status}`);
  for (const problem of undocumented(p, method, response)) failures.push(`${what}: ${problem}`);
  return response;
}

const signal = new AbortController().signal;
const NOW = new Date('2026-03-01T10:00:00Z');
const okSender: OrderSender = { sendMessages: async () => undefined };
const failingSender: OrderSender = {
  sendMessages: async () => Promise.reject(Object.assign(new Error('link detached'), { code: 'ServiceUnavailableError' })),
};

function submit(options: { sender?: OrderSender; table?: FakeAcceptedOrdersTable; unconfigured?: boolean } = {}) {
  const table = options.table ?? new FakeAcceptedOrdersTable();
  return createSubmitOrderHandler({
    sender: () => {
      if (options.unconfigured) throw new Error('not configured');
      return options.sender ?? okSender;
    },
    acceptedOrders: () => table,
    sendTimeoutMs: () => 1_000,
    now: () => NOW,
  });
}

function status(orders: FakeOrdersTable, accepts: FakeAcceptedOrdersTable, now = NOW) {
  return createGetOrderStatusHandler({
    ordersTable: () => orders,
    acceptedOrders: () => accepts,
    sendTimeoutMs: () => 5_000,
    now: () => now,
  });
}

/**
 * @seriousme/openapi-schema-validator's verdict on a document: the OpenAPI Initiative's schema of the
 * version, with its references resolved. The package is ESM only and jest runs CommonJS here, so it
 * runs in a Node process of its own.
 */
function openApiVerdicts(documents: unknown[]): Array<{ valid: boolean; version?: string; errors?: unknown }> {
  const script = `import { Validator } from '@seriousme/openapi-schema-validator';
    const input = JSON.parse(await new Promise((resolve) => { let t = ''; process.stdin.on('data', (c) => (t += c)); process.stdin.on('end', () => resolve(t)); }));
    const verdicts = [];
    for (const document of input) {
      const validator = new Validator();
      verdicts.push({ ...(await validator.validate(document)), version: validator.version });
    }
    process.stdout.write(JSON.stringify(verdicts));`;
  return JSON.parse(
    execFileSync(process.execPath, ['--input-type=module', '-e', script], {
      input: JSON.stringify(documents),
      cwd: __dirname,
      encoding: 'utf8',
    }),
  );
}

describe('the document', () => {
  it('is a valid OpenAPI 3.1 document (the OpenAPI Initiative schema, references resolved), and the check refuses a broken one', () => {
    expect(OPENAPI_FILE).toMatch(/functions\/openapi\.json$/);
    const { info: _, ...withoutInfo } = OPENAPI_DOCUMENT;
    const [document, broken] = openApiVerdicts([OPENAPI_DOCUMENT, withoutInfo]);
    expect(document).toEqual({ valid: true, version: '3.1' });
    expect(broken.valid).toBe(false);
  });

  it('is OpenAPI 3.1 with the function-key security scheme (x-functions-key header or code query) on the order routes', () => {
    expect(OPENAPI_DOCUMENT.openapi).toMatch(/^3\.1\.\d+$/);
    expect(OPENAPI_DOCUMENT.components.securitySchemes).toEqual({
      functionKeyHeader: expect.objectContaining({ type: 'apiKey', in: 'header', name: 'x-functions-key' }),
      functionKeyQuery: expect.objectContaining({ type: 'apiKey', in: 'query', name: 'code' }),
    });
    expect(OPENAPI_DOCUMENT.security).toEqual([{ functionKeyHeader: [] }, { functionKeyQuery: [] }]);
    // The anonymous routes (authLevel 'anonymous' in order-api.ts) say so.
    expect(OPENAPI_DOCUMENT.paths['/health'].get.security).toEqual([]);
    expect(OPENAPI_DOCUMENT.paths['/openapi.json'].get.security).toEqual([]);
  });

  it("names exactly the API's routes, under its route prefix", () => {
    expect(OPENAPI_DOCUMENT.servers).toEqual([expect.objectContaining({ url: `/${API_ROUTE_PREFIX}` })]);
    const routes = [ROUTES.orders, ROUTES.orderStatus, ROUTES.health, ROUTES.openApi].map((r) => `/${r}`).sort();
    expect(Object.keys(OPENAPI_DOCUMENT.paths).sort()).toEqual(routes);
  });

  it('publishes every problem type the API answers with, each with its one title (RFC 9457), and no other', () => {
    const published: Record<string, string> = {};
    for (const [name, schema] of Object.entries(OPENAPI_DOCUMENT.components.schemas as Record<string, any>)) {
      // Problem is the base; a schema of several types (SubmitUnavailableProblem) is a oneOf of these.
      if (!name.endsWith('Problem') || !schema.allOf) continue;
      const { type, title } = schema.allOf[1].properties;
      published[type.const] = title.const;
    }
    expect(Object.keys(published).sort()).toEqual(Object.values(PROBLEM_TYPES).sort());
    expect(published).toEqual(PROBLEM_TITLES);
  });

  it("states the request's field rules as the code does (one rule, two readers: a test keeps them equal)", () => {
    const { OrderRequest: order, OrderItem: item, Problem: problem, FieldError: fieldError } = OPENAPI_DOCUMENT.components.schemas;
    expect(order.properties.customerId.pattern).toBe(CUSTOMER_ID.source);
    expect(order.properties.idempotencyKey.pattern).toBe(IDEMPOTENCY_KEY.source);
    expect(item.properties.sku.pattern).toBe(SKU.source);
    expect([order.properties.items.minItems, order.properties.items.maxItems]).toEqual([1, MAX_ITEMS]);
    expect([item.properties.quantity.minimum, item.properties.quantity.maximum]).toEqual([1, MAX_QUANTITY]);
    expect([item.properties.unitPrice.minimum, item.properties.unitPrice.maximum]).toEqual([0, MAX_UNIT_PRICE]);
    expect(problem.properties.errors.maxItems).toBe(MAX_LISTED_ERRORS);
    expect(fieldError.properties.field.maxLength).toBe(MAX_LISTED_FIELD_LENGTH + 3);
    expect(OPENAPI_DOCUMENT.components.schemas.FailedOrder.properties.reason.maxLength).toBe(MAX_FAILURE_REASON_LENGTH);
  });

  it('allows the sample order and refuses what the field rules refuse', () => {
    expect(undocumentedRequest('/orders', 'post', sampleOrder())).toEqual([]);
    for (const bad of [
      { ...sampleOrder(), extra: 1 },
      { ...sampleOrder(), items: [] },
      { ...sampleOrder(), currency: 'eur' },
      { ...sampleOrder(), customerId: '-x' },
    ]) {
      expect(undocumentedRequest('/orders', 'post', bad)).not.toEqual([]);
    }
  });

  it('is what GET /api/openapi.json serves, byte for byte of its JSON', async () => {
    const response = record('/openapi.json', 'get', await createOpenApiDocumentHandler()(), 'openapi.json');
    expect(JSON.parse(String(response.body))).toEqual(OPENAPI_DOCUMENT);
    const headers = new Headers(response.headers as Record<string, string>);
    expect([headers.get('content-type'), headers.get('cache-control')]).toEqual(['application/json', 'public, max-age=300']);
  });
});

describe('every documented answer, provoked', () => {
  it('POST /orders: 202 (and its request is a documented one), 400, 413, 415, 422', async () => {
    const table = new FakeAcceptedOrdersTable();
    const accepted = record('/orders', 'post', await submit({ table })(jsonRequest(sampleOrderText), testContext().context), '202');
    expect(accepted.status).toBe(202);
    expect(undocumentedRequest('/orders', 'post', JSON.parse(sampleOrderText))).toEqual([]);

    const cases: Array<[string, HttpRequest, number]> = [
      ['malformed JSON', jsonRequest('{"customerId":'), 400],
      ['an invalid field', jsonRequest(JSON.stringify({ ...sampleOrder(), currency: 'XAU' })), 400],
      [
        'too many invalid fields',
        jsonRequest(JSON.stringify(Object.fromEntries(Array.from({ length: 30 }, (_, i) => [`unknown${i}`, i])))),
        400,
      ],
      ['no key', jsonRequest(JSON.stringify({ ...sampleOrder(), idempotencyKey: undefined })), 400],
      ['too large', jsonRequest(sampleOrderText, { 'content-length': String(MAX_ORDER_BODY_BYTES + 1) }), 413],
      ['not JSON', jsonRequest(sampleOrderText, { 'content-type': 'text/plain' }), 415],
      ['the key of another order', jsonRequest(JSON.stringify({ ...sampleOrder(), currency: 'USD' })), 422],
    ];
    for (const [what, request, expected] of cases) {
      const response = record('/orders', 'post', await submit({ table })(request, testContext().context), what);
      expect([what, response.status]).toEqual([what, expected]);
    }
  });

  it('POST /orders: 503 service-unavailable (configuration, order store) and outcome-unknown (the queue)', async () => {
    const store = new FakeAcceptedOrdersTable();
    store.failNext('createEntity', tableError(503));
    for (const [what, handler, type] of [
      ['not configured', submit({ unconfigured: true }), PROBLEM_TYPES.serviceUnavailable],
      ['order store down', submit({ table: store }), PROBLEM_TYPES.serviceUnavailable],
      ['queue down', submit({ sender: failingSender }), PROBLEM_TYPES.outcomeUnknown],
    ] as const) {
      const response = record('/orders', 'post', await handler(jsonRequest(sampleOrderText), testContext().context), what);
      expect([what, response.status, (response as { jsonBody?: { type?: string } }).jsonBody?.type]).toEqual([what, 503, type]);
    }
  });

  it('GET /orders/{id}: 200 in every status and stage, 400, 404, 503', async () => {
    const order = acceptedSample();
    const fingerprint = requestFingerprint(order);
    const accepts = new FakeAcceptedOrdersTable();
    const { orderId, ...fields } = acceptRecordOf(order, fingerprint);
    await accepts.createEntity({ partitionKey: orderId, rowKey: ACCEPT_RECORD_ROW_KEY, ...fields });
    const ask = async (what: string, orders: FakeOrdersTable, now = NOW, id = orderId) =>
      record('/orders/{id}', 'get', await status(orders, accepts, now)(getRequest(id), testContext().context), what);
    const stageOf = (response: AnyResponse) => (response as { jsonBody: { status: string; stage?: string } }).jsonBody;

    expect(stageOf(await ask('received', new FakeOrdersTable()))).toMatchObject({ status: 'pending', stage: 'received' });
    expect(stageOf(await ask('unconfirmed', new FakeOrdersTable(), new Date(NOW.getTime() + acceptWindowMs(5_000) + 1)))).toMatchObject({
      stage: 'unconfirmed',
    });
    const processing = new FakeOrdersTable();
    const claim = await claimOrder(
      processing,
      order,
      { owner: 'inv-1', expiresAt: new Date(NOW.getTime() + 45_000), requestFingerprint: fingerprint },
      signal,
    );
    expect(stageOf(await ask('processing', processing))).toMatchObject({ stage: 'processing' });
    await markProcessed(processing, claim.record, new Date(NOW.getTime() + 1_000), signal);
    expect(stageOf(await ask('processed', processing))).toMatchObject({ status: 'processed' });
    const failed = new FakeOrdersTable();
    await recordFailure(
      failed,
      order,
      fingerprint,
      { failedBy: 'processor', reason: 'rejected by the processor: total mismatch', failedAt: NOW },
      signal,
    );
    expect(stageOf(await ask('failed', failed))).toMatchObject({ status: 'failed' });
    await accepts.updateEntity(
      { partitionKey: orderId, rowKey: ACCEPT_RECORD_ROW_KEY, state: 'queued', queuedAt: NOW.toISOString() },
      'Merge',
      { etag: '*' },
    );
    expect(stageOf(await ask('accepted', new FakeOrdersTable()))).toMatchObject({ stage: 'accepted' });

    expect((await ask('not a UUID', new FakeOrdersTable(), NOW, 'nope')).status).toBe(400);
    expect((await ask('never accepted', new FakeOrdersTable(), NOW, '0b9e7c55-5f0e-4d52-9f4b-7d9a3c2e1f00')).status).toBe(404);
    const down = new FakeOrdersTable();
    down.failNext('getEntity', tableError(500));
    expect((await ask('store down', down)).status).toBe(503);
  });

  it('GET /health: 200 and 503', async () => {
    const complete = {
      [AppSetting.queueName]: 'orders',
      [AppSetting.serviceBusNamespace]: 'sb-orders-test.servicebus.windows.net',
      [AppSetting.tableServiceUri]: 'https://stordersprod.table.core.windows.net/',
      [AppSetting.tableName]: 'orders',
      [AppSetting.acceptedTableName]: 'acceptedorders',
      [AppSetting.identityClientId]: '00000000-0000-0000-0000-0000000000c1',
    };
    expect(record('/health', 'get', await createHealthHandler(complete, REQUIRED_SETTINGS.orderApi)(), 'healthy').status).toBe(200);
    const broken = { ...complete, [AppSetting.queueName]: undefined, [AppSetting.identityClientId]: 'not-a-guid' };
    expect(record('/health', 'get', await createHealthHandler(broken, REQUIRED_SETTINGS.orderApi)(), 'unhealthy').status).toBe(503);
  });
});

// Declared last, so it runs last (jest runs a file's tests in the order they are declared).
describe('coverage', () => {
  it('provoked every answer the document lists, each as documented, and none it does not list', () => {
    expect(failures).toEqual([]);
    expect([...seen].sort()).toEqual(documentedStatuses().sort());
  });
});
