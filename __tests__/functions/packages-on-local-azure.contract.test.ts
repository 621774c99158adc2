import * as path from 'node:path';
import { AppSetting } from '../../functions/app-settings';
import { APPS, type AppRole } from '../../functions/apps';
import { ORDER_ACCEPTED_SUBJECT } from '../../functions/orders/order-message';
import { FUNCTION_NAMES } from '../../functions/registrations';
import { buildFunctionBundle } from '../../lib/bundle/function-bundle';
import { FunctionsHost, httpResponseOf, unpackZip, type InvocationReply } from '../../scripts/harness/functions-host';
import { startLocalAzure, tableSettingNames, type LocalAzure } from '../../scripts/harness/local-azure';
import { isLoopbackHost } from '../../scripts/harness/loopback';
import { sampleOrderText } from '../helpers/invocation';
import { acceptedSample } from '../helpers/orders';

/**
 * Each built package doing its real work on this machine, the way `npm run bench` measures it: the
 * worker stand-in loads the zip, the package's own ManagedIdentityCredential gets its tokens from the
 * App Service identity endpoint on loopback, and its clients verify TLS against the test certificate
 * (scripts/harness/local-azure.ts). The processor records an order in Azurite's table; the API's
 * send is completed by the AMQP stand-in. Unit tests inject clients and credentials; this does not.
 */

const projectRoot = path.join(__dirname, '..', '..');

async function startApp(role: AppRole): Promise<{ host: FunctionsHost; local: LocalAzure; stop: () => Promise<void> }> {
  const app = unpackZip(buildFunctionBundle({ projectRoot, entry: APPS[role].entry }).zipPath);
  const local = await startLocalAzure(role).catch((error) => {
    app.remove();
    throw error;
  });
  const host = await FunctionsHost.start(app.dir, local.env).catch(async (error) => {
    await local.close();
    app.remove();
    throw error;
  });
  return {
    host,
    local,
    stop: async () => {
      await host.terminate().catch(() => host.kill());
      await local.close();
      app.remove();
    },
  };
}

function expectLoopbackOnly(reply: InvocationReply): void {
  expect(reply.connections.filter((c) => !c.allowed || !isLoopbackHost(c.host))).toEqual([]);
}

describe('the order processor zip on loopback Azure', () => {
  let app: Awaited<ReturnType<typeof startApp>>;
  beforeAll(async () => {
    app = await startApp('orderProcessor');
  });
  afterAll(() => app?.stop());

  it('creates every table its settings name', () => {
    expect(tableSettingNames()).toContain(AppSetting.tableName);
    expect(app.local.tables[AppSetting.tableName]).toBe(app.local.env[AppSetting.tableName]);
  });

  it('processes an accepted order: the record in the table is the order, processed, with a storage token for its own identity', async () => {
    const order = acceptedSample('6a0f3c1e-2b4d-4e8f-9a1b-3c5d7e9f1a2b');
    const before = await app.host.usage();
    const reply = await app.host.invokeServiceBus(FUNCTION_NAMES.processOrder, JSON.stringify(order), {
      messageId: order.orderId,
      deliveryCount: 1,
    });
    const after = await app.host.usage();

    expect(reply.error).toBeUndefined();
    expectLoopbackOnly(reply);
    const table = app.local.tableClient(app.local.tables[AppSetting.tableName]);
    const entity = await table.getEntity<Record<string, unknown>>(order.orderId, 'order');
    expect(entity).toMatchObject({
      status: 'processed',
      totalMinorUnits: order.totalMinorUnits,
      currency: order.currency,
      acceptedAt: order.acceptedAt,
    });
    expect(app.local.identity.requests).toContainEqual({
      resource: 'https://storage.azure.com',
      clientId: app.local.env[AppSetting.identityClientId],
    });
    // The bench's CPU figure: the worker's own CPU time, read inside it, grows with the work done.
    expect(after.userMicros + after.systemMicros).toBeGreaterThan(before.userMicros + before.systemMicros);
  });
});

describe('the order API zip on loopback Azure', () => {
  let app: Awaited<ReturnType<typeof startApp>>;
  beforeAll(async () => {
    app = await startApp('orderApi');
  });
  afterAll(() => app?.stop());

  it('answers 202 for a valid order once Service Bus accepted exactly the accepted order, sent with a Service Bus token', async () => {
    const reply = await app.host.invokeHttp(FUNCTION_NAMES.submitOrder, {
      method: 'POST',
      path: '/api/orders',
      headers: { 'content-type': 'application/json' },
      body: sampleOrderText,
    });
    const response = httpResponseOf(reply);
    expect(response.status).toBe(202);
    expectLoopbackOnly(reply);

    const { orderId } = response.body as { orderId: string };
    expect(app.local.serviceBus.accepted(app.local.queueName)).toBe(1);
    expect(app.local.serviceBus.messages).toEqual([
      expect.objectContaining({
        target: app.local.queueName,
        messageId: orderId,
        contentType: 'application/json',
        subject: ORDER_ACCEPTED_SUBJECT,
        body: expect.objectContaining({ orderId, customerId: 'cust-1001', currency: 'EUR', totalMinorUnits: 3399 }),
      }),
    ]);
    expect(app.local.serviceBus.tokenAudiences.length).toBeGreaterThan(0);
    expect(app.local.identity.requests.map((r) => r.resource)).toContain('https://servicebus.azure.net');
  });
});
