import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { unzipSync } from 'fflate';
import { AppSetting, REQUIRED_SETTINGS, SERVICE_BUS_CONNECTION } from '../../functions/app-settings';
import { APP_ROLES, APPS, type AppRole } from '../../functions/apps';
import { API_ROUTE_PREFIX, FUNCTION_NAMES, ORDER_API_AUTH_LEVEL, ROUTES } from '../../functions/registrations';
import { BUNDLE_MAIN, buildFunctionBundle, esbuildOptions, type FunctionBundle } from '../../lib/bundle/function-bundle';
import { createAcceptedOrdersTable, createOrdersTable } from '../../functions/azure/sdk-clients';
import { PROBLEM_TYPES } from '../../functions/http/problem';
import { orderIdFor } from '../../functions/orders/order-id';
import { DEAD_LETTER_SCAN_SCHEDULE } from '../../functions/queue/dead-letter-scan';
import { findAcceptRecord } from '../../functions/store/accepted-orders';
import { StorageTokenCredential, startAzuriteTable, type AzuriteTable } from '../../scripts/harness/azurite';
import { startIdentityEndpoint } from '../../scripts/harness/identity-endpoint';
import { FunctionsHost, httpResponseOf, triggerOf, unpackZip, type HttpRequestInit } from '../../scripts/harness/functions-host';
import { sampleOrderText } from '../helpers/invocation';
import { freePort, isLoopbackHost } from '../../scripts/harness/loopback';
import { expectDocumented, OPENAPI_DOCUMENT, type DocumentedPath } from '../helpers/openapi';
import { acceptedSample } from '../helpers/orders';
import { startServiceBusBroker, type ServiceBusBroker } from '../helpers/service-bus-broker';

/**
 * Each app's deployment zip as the Functions host gets it: built by lib/bundle/function-bundle.ts,
 * unpacked, and loaded by a stand-in of the Node.js worker (scripts/harness/functions-host) that provides
 * `@azure/functions-core` the way the real worker does. Unit tests cannot catch these failures: they
 * run the library in "test mode", where registrations are no-ops (docs/functions-runtime.md, 1.1). With every setting, the
 * packages talk to Azurite's Table service and to a Service Bus stand-in (helpers/service-bus-broker.ts)
 * over AMQP, so what a built package puts on the wire is what these tests read. Every HTTP answer is
 * checked against the OpenAPI document.
 */

const projectRoot = path.join(__dirname, '..', '..');
const ONE_MB = 1024 * 1024;
const SEND_TIMEOUT_MS = 1_500;
const HEALTH_CHECK = { method: 'GET', path: '/api/health' };
const POST_SAMPLE_ORDER = { method: 'POST', path: '/api/orders', headers: { 'content-type': 'application/json' }, body: sampleOrderText };
const IDENTITY_HEADER = 'test-identity-header';

const bundles = {} as Record<AppRole, FunctionBundle>;
const unpacked = {} as Record<AppRole, { dir: string; remove: () => void }>;

beforeAll(() => {
  for (const role of APP_ROLES) {
    bundles[role] = buildFunctionBundle({ projectRoot, entry: APPS[role].entry });
    unpacked[role] = unpackZip(bundles[role].zipPath);
  }
});

afterAll(() => APP_ROLES.forEach((role) => unpacked[role]?.remove()));

/**
 * Settings of a fully configured app on loopback: Service Bus at `serviceBusPort`, the tables at
 * `tableServiceUri` (a closed port unless given), tokens from `identityEndpoint` (a closed port, so
 * token requests fail fast, unless given). Nothing ever reaches the real instance-metadata address.
 */
async function loopbackSettings(
  serviceBusPort: number,
  dependencies: { tableServiceUri?: string; identity?: Readonly<Record<'IDENTITY_ENDPOINT' | 'IDENTITY_HEADER', string>> } = {},
): Promise<Record<string, string>> {
  const closedPort = await freePort();
  return {
    [AppSetting.queueName]: 'orders',
    [AppSetting.serviceBusNamespace]: `127.0.0.1:${serviceBusPort}`,
    [AppSetting.serviceBusCredential]: 'managedidentity',
    [AppSetting.serviceBusClientId]: '00000000-0000-0000-0000-0000000000c1',
    [AppSetting.tableServiceUri]: dependencies.tableServiceUri ?? `https://127.0.0.1:${closedPort}/devstoreaccount1`,
    [AppSetting.tableName]: 'orders',
    [AppSetting.acceptedTableName]: 'acceptedorders',
    [AppSetting.identityClientId]: '00000000-0000-0000-0000-0000000000c1',
    [AppSetting.sendTimeoutMs]: String(SEND_TIMEOUT_MS),
    // App Service's managed identity endpoint (IDENTITY_ENDPOINT + IDENTITY_HEADER).
    IDENTITY_ENDPOINT: dependencies.identity?.IDENTITY_ENDPOINT ?? `http://127.0.0.1:${closedPort}/msi/token`,
    IDENTITY_HEADER: dependencies.identity?.IDENTITY_HEADER ?? IDENTITY_HEADER,
  };
}

function expectLoopbackOnly(connections: ReadonlyArray<{ host: string; allowed: boolean }>): void {
  expect(connections.filter((c) => !c.allowed || !isLoopbackHost(c.host))).toEqual([]);
}

/** Starts an app with only the identity endpoint: every app setting is missing. */
async function startWithoutSettings(role: AppRole): Promise<FunctionsHost> {
  const settings = await loopbackSettings(await freePort());
  return FunctionsHost.start(unpacked[role].dir, {
    IDENTITY_ENDPOINT: settings.IDENTITY_ENDPOINT,
    IDENTITY_HEADER: settings.IDENTITY_HEADER,
  });
}

/** Each app started once without settings, shared by every describe below that loads it so. */
const startedWithoutSettings = new Map<AppRole, Promise<FunctionsHost>>();
function withoutSettings(role: AppRole): Promise<FunctionsHost> {
  if (!startedWithoutSettings.has(role)) startedWithoutSettings.set(role, startWithoutSettings(role));
  return startedWithoutSettings.get(role)!;
}
afterAll(async () => {
  for (const host of startedWithoutSettings.values()) (await host.catch(() => undefined))?.kill();
});

describe.each(APP_ROLES)('the %s deployment zip', (role) => {
  it('holds exactly what the host and worker load, and package.json main names the bundle', () => {
    const bundle = bundles[role];
    expect(bundle.entries.map((e) => e.name)).toEqual(['dist/main.cjs', 'dist/main.cjs.map', 'host.json', 'package.json']);
    const files = unzipSync(fs.readFileSync(bundle.zipPath));
    const packageJson = JSON.parse(Buffer.from(files['package.json']).toString('utf8'));
    expect(packageJson.main).toBe(BUNDLE_MAIN);
    // "type": "module" would make the worker import() the CommonJS bundle as ESM (docs/functions-runtime.md, 1.2).
    expect(packageJson.type).toBeUndefined();
    expect(Buffer.from(files['host.json']).toString('utf8')).toBe(
      fs.readFileSync(path.join(projectRoot, 'functions', 'host.json'), 'utf8'),
    );
  });

  it('stays within 1 MB with its source map', () => {
    expect(bundles[role].sizeBytes).toBeLessThanOrEqual(ONE_MB);
    expect(fs.statSync(bundles[role].zipPath).size).toBe(bundles[role].sizeBytes);
  });

  it('leaves @azure/functions-core to the worker (external, never bundled or stubbed)', () => {
    const code = fs.readFileSync(path.join(unpacked[role].dir, BUNDLE_MAIN), 'utf8');
    expect(code).toMatch(/require\("@azure\/functions-core"\)/);
    expect(bundles[role].contributors.map((c) => c.name)).not.toContain('@azure/functions-core');
  });

  it('ships a source map without sources that points at functions/*.ts, its own entry point among them', () => {
    const map = JSON.parse(fs.readFileSync(path.join(unpacked[role].dir, `${BUNDLE_MAIN}.map`), 'utf8'));
    expect(map.sourcesContent).toBeUndefined();
    // Library sources keep their own paths (node_modules/..., or webpack://@azure/functions/... via the
    // library's own map); everything else must be ours.
    const own = (map.sources as string[]).filter((source) => !source.includes('node_modules/') && !source.startsWith('webpack://'));
    expect(own).toContain(`../functions/${APPS[role].entry}`);
    // The API's bundle holds its OpenAPI document (functions/openapi.json) too.
    expect(own.every((source) => /^\.\.\/functions\/.+\.(ts|json)$/.test(source))).toBe(true);
  });

  it('is byte-identical when built again from scratch (the same hash as the package synth uses)', () => {
    // The project's cached package: usually built by `npm run synth` in another process.
    const cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), 'orders-bundle-'));
    try {
      // A fresh build also passes the bundler's own checks: nothing from outside functions/ and one copy
      // of each Azure SDK package (docs/functions-runtime.md, 1.8: it throws otherwise).
      const fresh = buildFunctionBundle({ projectRoot, entry: APPS[role].entry, cacheDir });
      expect(fresh.fromCache).toBe(false);
      expect(fresh.sha256).toBe(bundles[role].sha256);
      expect(fs.readFileSync(fresh.zipPath).equals(fs.readFileSync(bundles[role].zipPath))).toBe(true);
    } finally {
      fs.rmSync(cacheDir, { recursive: true, force: true });
    }
  });
});

describe('the two packages', () => {
  it('differ: each app ships only its own code', () => {
    expect(bundles.orderApi.sha256).not.toBe(bundles.orderProcessor.sha256);
  });
});

describe.each(APP_ROLES)('the %s zip loaded the way the Node.js worker loads it, without settings', (role) => {
  let host: FunctionsHost;
  beforeAll(async () => {
    host = await withoutSettings(role);
  });

  it('loads on this Node.js although it targets node22, in real (not test) mode, with no start-up error', () => {
    expect(esbuildOptions({ projectRoot, entry: APPS[role].entry }).target).toBe('node22');
    expect(host.startup.nodeVersion).toBe(process.version);
    expect(host.startup.loadError).toBeUndefined();
    expect(host.startup.appStartErrors).toEqual([]);
    expect(host.startup.programmingModel?.name).toBe('@azure/functions');
    expect(host.output).not.toMatch(/test mode/i);
    expect(host.startup.hooks.sort()).toEqual(['appStart', 'appTerminate']);
    // How long the load takes is measured by `npm run bench` (the worker warns above 1 s), never timed in a test.
  });

  it('registers exactly its own functions (functions/apps.ts)', () => {
    expect(host.startup.registrations.map((r) => r.name).sort()).toEqual([...APPS[role].functions].sort());
  });

  it('answers /api/health (anonymous) with 503 naming each setting this app requires', async () => {
    expect(triggerOf(host.registration(FUNCTION_NAMES.health))).toMatchObject({
      type: 'httpTrigger',
      route: ROUTES.health,
      methods: ['GET'],
      authLevel: 'anonymous',
    });
    const response = httpResponseOf(await host.invokeHttp(FUNCTION_NAMES.health, HEALTH_CHECK));
    expect(response.status).toBe(503);
    expect((response.body as { missingSettings: string[] }).missingSettings.sort()).toEqual([...REQUIRED_SETTINGS[role]].sort());
  });
});

describe('the order API zip, loaded', () => {
  describe('without settings', () => {
    let host: FunctionsHost;
    beforeAll(async () => {
      host = await withoutSettings('orderApi');
    });

    it("registers the order routes with the contract's route, methods and auth level", () => {
      const triggers = Object.fromEntries(host.startup.registrations.map((r) => [r.name, triggerOf(r)]));
      expect(triggers[FUNCTION_NAMES.submitOrder]).toMatchObject({
        type: 'httpTrigger',
        route: ROUTES.orders,
        methods: ['POST'],
        authLevel: ORDER_API_AUTH_LEVEL,
      });
      expect(triggers[FUNCTION_NAMES.getOrderStatus]).toMatchObject({
        type: 'httpTrigger',
        route: ROUTES.orderStatus,
        methods: ['GET'],
        authLevel: ORDER_API_AUTH_LEVEL,
      });
      expect(triggers[FUNCTION_NAMES.openApiDocument]).toMatchObject({
        type: 'httpTrigger',
        route: ROUTES.openApi,
        methods: ['GET'],
        authLevel: 'anonymous',
      });
      expect(ORDER_API_AUTH_LEVEL).toBe('function');
      expect(API_ROUTE_PREFIX).toBe('api');
    });

    it.each([
      ['wrong media type', { 'content-type': 'text/plain' }, sampleOrderText, 415],
      ['malformed JSON', { 'content-type': 'application/json' }, '{"customerId":', 400],
      ['invalid order', { 'content-type': 'application/json' }, JSON.stringify({ customerId: 'c1', currency: 'XYZ', items: [] }), 400],
      ['body too large', { 'content-type': 'application/json' }, `{"pad":"${'x'.repeat(70_000)}"}`, 413],
    ])('answers %s with a problem body through the programming model', async (_, headers, body, status) => {
      const reply = await host.invokeHttp(FUNCTION_NAMES.submitOrder, { method: 'POST', path: '/api/orders', headers, body });
      const response = expectDocumented('/orders', 'post', httpResponseOf(reply));
      expect(response.status).toBe(status);
      expect(response.headers['content-type']).toBe('application/problem+json');
      expect((response.body as { errors: unknown[] }).errors.length).toBeGreaterThan(0);
    });

    it('answers 503 (not 500) for a valid order while settings are missing', async () => {
      const reply = await host.invokeHttp(FUNCTION_NAMES.submitOrder, POST_SAMPLE_ORDER);
      expect(expectDocumented('/orders', 'post', httpResponseOf(reply)).status).toBe(503);
      expect(reply.logs.join('\n')).toContain(AppSetting.serviceBusNamespace);
    });

    it('serves its OpenAPI document anonymously, the one in the repository', async () => {
      const response = expectDocumented(
        '/openapi.json',
        'get',
        httpResponseOf(await host.invokeHttp(FUNCTION_NAMES.openApiDocument, { method: 'GET', path: '/api/openapi.json' })),
      );
      expect(response.status).toBe(200);
      expect(response.body).toEqual(OPENAPI_DOCUMENT);
    });
  });
});

describe('the order processor zip, loaded', () => {
  describe('without settings', () => {
    let host: FunctionsHost;
    beforeAll(async () => {
      host = await withoutSettings('orderProcessor');
    });

    it('registers the queue trigger on the queue setting and the identity connection of the contract', () => {
      expect(triggerOf(host.registration(FUNCTION_NAMES.processOrder))).toMatchObject({
        type: 'serviceBusTrigger',
        queueName: `%${AppSetting.queueName}%`,
        connection: SERVICE_BUS_CONNECTION,
      });
      // Single dispatch: only then does the trigger make the message's trace context the invocation's
      // parent (with batches it becomes a link), so the processing joins the POST's operation.
      expect(triggerOf(host.registration(FUNCTION_NAMES.processOrder)).cardinality ?? 'one').toBe('one');
      // The host ignores retry policies on Service Bus triggers (docs/functions-runtime.md, 2.4); retries live in the handler.
      expect(host.registration(FUNCTION_NAMES.processOrder).retryOptions).toBeUndefined();
      expect(SERVICE_BUS_CONNECTION).toBe('ServiceBusConnection');
    });

    it('registers the dead-letter scan as a timer every minute, not run at start-up', async () => {
      expect(triggerOf(host.registration(FUNCTION_NAMES.scanDeadLetters))).toMatchObject({
        type: 'timerTrigger',
        schedule: DEAD_LETTER_SCAN_SCHEDULE,
        runOnStartup: false,
      });
      expect(DEAD_LETTER_SCAN_SCHEDULE).toBe('0 * * * * *');
      // Without settings a tick fails naming them; the host logs it and the next tick tries again.
      const reply = await host.invokeTimer(FUNCTION_NAMES.scanDeadLetters);
      expect(reply.error).toMatchObject({ name: 'SettingsError', message: expect.stringContaining(AppSetting.serviceBusNamespace) });
    });

    it('fails a poison queue message with PoisonMessageError, so the host abandons it', async () => {
      // Malformed: found without any setting (a well-formed one is first checked against its accept record).
      const poison = JSON.stringify({ ...acceptedSample(), items: [] });
      const reply = await host.invokeServiceBus(FUNCTION_NAMES.processOrder, poison, { messageId: 'm-1', deliveryCount: 4 });
      expect(reply.error).toMatchObject({ name: 'PoisonMessageError', code: 'POISON_MESSAGE' });
      expect(reply.logs.join('\n')).toMatch(/m-1, delivery 4.*items must contain at least one item/);
    });
  });
});

describe('both zips, each with every setting, the tables on Azurite and Service Bus on a loopback stand-in', () => {
  let api: FunctionsHost;
  let processor: FunctionsHost;
  let broker: ServiceBusBroker;
  let azurite: AzuriteTable;
  let identity: Awaited<ReturnType<typeof startIdentityEndpoint>>;
  let certificateDir: string;
  const TRACE_PARENT = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
  const SAMPLE_ORDER_ID = orderIdFor('cust-1001', 'checkout-2f9c1e7a');
  const acceptedOrders = () =>
    createAcceptedOrdersTable(azurite.serviceUri, 'acceptedorders', new StorageTokenCredential(), {
      tlsOptions: { ca: azurite.certificate },
    });
  /** An API call through the built package; its answer must be one the OpenAPI document describes. */
  const call = async (functionName: string, p: DocumentedPath, init: HttpRequestInit) => {
    const reply = await api.invokeHttp(functionName, init);
    return { reply, response: expectDocumented(p, init.method.toLowerCase() as 'get' | 'post', httpResponseOf(reply)) };
  };
  const statusOf = (orderId: string) =>
    call(FUNCTION_NAMES.getOrderStatus, '/orders/{id}', { method: 'GET', path: `/api/orders/${orderId}`, params: { id: orderId } });
  const orderWithKey = (key: string) => ({
    ...POST_SAMPLE_ORDER,
    body: JSON.stringify({ ...JSON.parse(sampleOrderText), idempotencyKey: key }),
  });

  beforeAll(async () => {
    [broker, azurite, identity] = await Promise.all([startServiceBusBroker(), startAzuriteTable(), startIdentityEndpoint()]);
    await acceptedOrders().client.createTable();
    await createOrdersTable(azurite.serviceUri, 'orders', new StorageTokenCredential(), {
      tlsOptions: { ca: azurite.certificate },
    }).client.createTable();
    // The worker trusts the emulators' certificates the way Node trusts any extra CA, at start.
    certificateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'orders-contract-ca-'));
    fs.writeFileSync(path.join(certificateDir, 'ca.pem'), `${azurite.certificate}\n${broker.certificate}`);
    const settings = {
      ...(await loopbackSettings(0, { tableServiceUri: azurite.serviceUri, identity: identity.env })),
      [AppSetting.serviceBusNamespace]: broker.host,
      NODE_EXTRA_CA_CERTS: path.join(certificateDir, 'ca.pem'),
    };
    [api, processor] = await Promise.all([
      FunctionsHost.start(unpacked.orderApi.dir, settings),
      FunctionsHost.start(unpacked.orderProcessor.dir, settings),
    ]);
  });

  afterAll(async () => {
    api?.kill();
    processor?.kill();
    await Promise.all([broker?.close(), azurite?.stop(), identity?.close()]);
    if (certificateDir) fs.rmSync(certificateDir, { recursive: true, force: true });
  });

  it('each answers /api/health with 200', async () => {
    expect(expectDocumented('/health', 'get', httpResponseOf(await api.invokeHttp(FUNCTION_NAMES.health, HEALTH_CHECK)))).toMatchObject({
      status: 200,
      body: { status: 'healthy' },
    });
    expect(httpResponseOf(await processor.invokeHttp(FUNCTION_NAMES.health, HEALTH_CHECK))).toMatchObject({
      status: 200,
      body: { status: 'healthy' },
    });
  });

  it('the API writes the accept record with its identity, then answers 503 outcome-unknown within the send bound when Service Bus takes the message but never confirms it; the status says pending', async () => {
    broker.mode = 'hold';
    const { reply, response } = await call(FUNCTION_NAMES.submitOrder, '/orders', POST_SAMPLE_ORDER);
    broker.mode = 'accept';
    expect(response.status).toBe(503);
    expect((response.body as { type: string }).type).toBe(PROBLEM_TYPES.outcomeUnknown);
    expect(reply.durationMs).toBeGreaterThanOrEqual(SEND_TIMEOUT_MS - 50);
    expect(reply.durationMs).toBeLessThan(SEND_TIMEOUT_MS + 2_500);
    expect(reply.logs.join('\n')).toMatch(/outcome unknown.*DEADLINE_EXCEEDED/);
    // The message reached the stand-in, so the bound is what ended the send.
    expect(broker.received.map((m) => m.messageId)).toEqual([SAMPLE_ORDER_ID]);
    expect(broker.audiences).toEqual(expect.arrayContaining([`sb://${broker.host}/orders`]));
    // The record is there, written with a storage token from the identity endpoint, not confirmed.
    expect(await findAcceptRecord(acceptedOrders(), SAMPLE_ORDER_ID, AbortSignal.timeout(5_000))).toMatchObject({
      orderId: SAMPLE_ORDER_ID,
      state: 'received',
      totalMinorUnits: 3399,
      itemCount: 2,
    });
    expect(identity.requests.map((r) => r.resource)).toEqual(
      expect.arrayContaining(['https://storage.azure.com', 'https://servicebus.azure.net']),
    );
    // Seconds after its POST: recorded, its answer not settled yet.
    const { response: status } = await statusOf(SAMPLE_ORDER_ID);
    expect(status).toMatchObject({ status: 200, body: { orderId: SAMPLE_ORDER_ID, status: 'pending', stage: 'received' } });
    expectLoopbackOnly(reply.connections);
    expect(reply.fatalErrors).toEqual([]);
  });

  it("a retry with the same key, confirmed this time, answers 202 with the same message, the invocation's trace parent on it, and the record queued", async () => {
    const { response } = await call(FUNCTION_NAMES.submitOrder, '/orders', {
      ...POST_SAMPLE_ORDER,
      traceParent: TRACE_PARENT,
      headers: { ...POST_SAMPLE_ORDER.headers, traceparent: 'junk-from-the-client' },
    });
    expect(response).toMatchObject({ status: 202, body: { orderId: SAMPLE_ORDER_ID, status: 'accepted' } });
    const [first, retry] = broker.received;
    expect(retry).toMatchObject({ to: 'orders', messageId: SAMPLE_ORDER_ID, contentType: 'application/json', subject: 'order.accepted' });
    expect(JSON.stringify(retry.body)).toBe(JSON.stringify(first.body));
    // What the Functions host's Service Bus trigger reads to make the processing a child of this request.
    expect(retry.applicationProperties).toEqual({ 'Diagnostic-Id': TRACE_PARENT, traceparent: TRACE_PARENT });
    expect((await findAcceptRecord(acceptedOrders(), SAMPLE_ORDER_ID, AbortSignal.timeout(5_000)))?.state).toBe('queued');
    expect((await statusOf(SAMPLE_ORDER_ID)).response).toMatchObject({ status: 200, body: { status: 'pending', stage: 'accepted' } });
  });

  it.each([
    ['an empty trace parent (no activity) and a valid-looking client header', '', { traceparent: TRACE_PARENT }],
    ['an upper-case trace parent', TRACE_PARENT.toUpperCase(), {}],
    ['all-zero ids', '00-00000000000000000000000000000000-0000000000000000-01', {}],
  ])('puts no trace property on the message for %s', async (what, traceParent, headers) => {
    const before = broker.received.length;
    const { response } = await call(FUNCTION_NAMES.submitOrder, '/orders', {
      ...orderWithKey(`trace-${what.length}`),
      traceParent,
      headers: { ...POST_SAMPLE_ORDER.headers, ...headers },
    });
    expect(response.status).toBe(202);
    expect(broker.received.slice(before)).toHaveLength(1);
    expect(broker.received.at(-1)!.applicationProperties).toEqual({});
  });

  it('the processor processes the message the API sent, against the real tables, and the API serves its status', async () => {
    const message = broker.received.find((m) => m.messageId === SAMPLE_ORDER_ID)!;
    const processed = await processor.invokeServiceBus(FUNCTION_NAMES.processOrder, JSON.stringify(message.body), {
      messageId: SAMPLE_ORDER_ID,
      deliveryCount: 1,
    });
    expect(processed.error).toBeUndefined();
    expect(processed.logs.join('\n')).toMatch(new RegExp(`Order ${SAMPLE_ORDER_ID} processed at`));
    expect((await statusOf(SAMPLE_ORDER_ID)).response).toMatchObject({
      status: 200,
      body: { orderId: SAMPLE_ORDER_ID, status: 'processed', totalMinorUnits: 3399 },
    });
    expectLoopbackOnly(processed.connections);
  });

  it("the processor records a poison message that is the order's own as the order's failure, and the API serves it", async () => {
    const { response } = await call(FUNCTION_NAMES.submitOrder, '/orders', orderWithKey('checkout-poison'));
    const orderId = (response.body as { orderId: string }).orderId;
    const message = broker.received.at(-1)!;
    const poison = JSON.stringify({ ...(message.body as object), totalMinorUnits: 1 });
    const reply = await processor.invokeServiceBus(FUNCTION_NAMES.processOrder, poison, { messageId: orderId, deliveryCount: 1 });
    expect(reply.error).toMatchObject({ name: 'PoisonMessageError' });
    expect((await statusOf(orderId)).response).toMatchObject({
      status: 200,
      body: {
        orderId,
        status: 'failed',
        failedBy: 'processor',
        reason: expect.stringMatching(/^rejected by the processor: total mismatch/),
      },
    });
  });

  it('the dead-letter scan records a dead-lettered order as failed by peeking from its watermark, and a replayed copy that is processed reads processed', async () => {
    const { response } = await call(FUNCTION_NAMES.submitOrder, '/orders', orderWithKey('checkout-dead-letter'));
    const orderId = (response.body as { orderId: string }).orderId;
    const message = broker.received.at(-1)!;
    broker.deadLetters.push(
      {
        sequenceNumber: 1,
        messageId: orderId,
        body: message.body,
        deadLetterReason: 'MaxDeliveryCountExceeded',
        deadLetterErrorDescription: 'Message could not be consumed after 10 delivery attempts.',
      },
      { sequenceNumber: 2, messageId: 'not-an-order', body: 'garbage' },
    );

    const first = await processor.invokeTimer(FUNCTION_NAMES.scanDeadLetters);
    expect(first.error).toBeUndefined();
    expect(first.logs.join('\n')).toMatch(/: dead-letter\.scan letters=2 from=0 watermark=2 recorded=1 not-an-order=1: /);
    expect(broker.peeks[0]).toEqual({ address: 'orders/$DeadLetterQueue/$management', fromSequenceNumber: 0, messageCount: 100 });
    expect((await statusOf(orderId)).response).toMatchObject({
      status: 200,
      body: {
        orderId,
        status: 'failed',
        failedBy: 'dead-letter-queue',
        reason: expect.stringContaining('MaxDeliveryCountExceeded (Message could not be consumed after 10 delivery attempts.)'),
      },
    });
    // Peeking removed nothing: the letters are still there for `npm run dlq`; the next run starts after them.
    const second = await processor.invokeTimer(FUNCTION_NAMES.scanDeadLetters);
    expect(second.logs.join('\n')).toMatch(/: dead-letter\.scan letters=0 from=3 watermark=2: /);
    expect(broker.deadLetters).toHaveLength(2);

    const replayed = await processor.invokeServiceBus(FUNCTION_NAMES.processOrder, JSON.stringify(message.body), {
      messageId: `${orderId}/replay/1`,
      deliveryCount: 1,
    });
    expect(replayed.error).toBeUndefined();
    expect((await statusOf(orderId)).response).toMatchObject({ status: 200, body: { status: 'processed' } });
    expectLoopbackOnly([...first.connections, ...second.connections]);
  });

  it('the API answers 422 to a different order under the same key, through the built package', async () => {
    const otherCart = JSON.stringify({ ...JSON.parse(sampleOrderText), currency: 'USD' });
    const { reply, response } = await call(FUNCTION_NAMES.submitOrder, '/orders', { ...POST_SAMPLE_ORDER, body: otherCart });
    expect([response.status, (response.body as { type: string }).type]).toEqual([422, PROBLEM_TYPES.idempotencyKeyReused]);
    expectLoopbackOnly(reply.connections);
  });

  it('the API runs appTerminate cleanly (closes the Service Bus client) and never leaves loopback', async () => {
    const end = await api.terminate();
    expect(end.appTerminateErrors).toEqual([]);
    expect(end.fatalErrors).toEqual([]);
    expectLoopbackOnly(end.connections);
    expect(api.output).toMatch(/token warm-up .*storage\.azure\.com\/\.default: ok/);
    expect(api.output).toMatch(/Service Bus client closed/);
  });

  it('the processor warms up the tokens its own code uses (storage, and Service Bus for the scan), terminates cleanly, never leaves loopback', async () => {
    const end = await processor.terminate();
    expect(end.appTerminateErrors).toEqual([]);
    expect(end.fatalErrors).toEqual([]);
    expectLoopbackOnly(end.connections);
    expect(processor.output).toMatch(
      /token warm-up https:\/\/storage\.azure\.com\/\.default: ok; https:\/\/servicebus\.azure\.net\/\.default: ok$/m,
    );
    expect(processor.output).toMatch(/order processor terminate: Service Bus client closed/);
  });
});
