import { randomUUID } from 'node:crypto';
import { createOrdersTable } from '../../functions/azure/sdk-clients';
import { createGetOrderStatusHandler } from '../../functions/http/get-order-status';
import type { DownstreamSteps } from '../../functions/queue/downstream-steps';
import { createProcessOrderHandler } from '../../functions/queue/process-order';
import { claimOrder, findOrder, markProcessed, ORDER_ROW_KEY } from '../../functions/store/order-records';
import { StorageTokenCredential, startAzuriteTable, type AzuriteTable } from '../../scripts/harness/azurite';
import { bodyOf, getRequest, testContext } from '../helpers/invocation';
import { acceptedSample } from '../helpers/orders';

/**
 * The consumer's persistence against Azurite's Table service over HTTPS with bearer tokens: the same
 * TableClient construction the app uses (functions/azure/sdk-clients.ts), only the credential and the
 * trusted test certificate are injected. One Azurite for the whole file.
 */

let azurite: AzuriteTable;
const credential = new StorageTokenCredential();
const signal = () => AbortSignal.timeout(5_000);

function ordersTable(tableName = 'orders') {
  return createOrdersTable(azurite.serviceUri, tableName, credential, { tlsOptions: { ca: azurite.certificate } });
}

function countingSteps() {
  const calls: string[] = [];
  const steps: DownstreamSteps = {
    reserveInventory: async (_, { idempotencyKey }) => void calls.push(`reserve ${idempotencyKey}`),
    capturePayment: async (_, { idempotencyKey }) => void calls.push(`capture ${idempotencyKey}`),
  };
  return { calls, steps };
}

beforeAll(async () => {
  azurite = await startAzuriteTable();
  await ordersTable().client.createTable();
});

afterAll(async () => {
  await azurite?.stop();
});

describe('orders table on Azurite (HTTPS, OAuth bearer tokens)', () => {
  it('authenticates with a storage-audience token, and Azurite rejects a token for another audience', async () => {
    const table = ordersTable();
    await expect(findOrder(table, randomUUID(), signal())).resolves.toBeUndefined();
    expect(credential.requestedScopes).toContain('https://storage.azure.com/.default');

    const wrongAudience = createOrdersTable(azurite.serviceUri, 'orders', new StorageTokenCredential('https://vault.azure.net'), {
      tlsOptions: { ca: azurite.certificate },
    });
    await expect(findOrder(wrongAudience, randomUUID(), signal())).rejects.toMatchObject({ statusCode: 403 });
  });

  it('does not trust the emulator without the test certificate (TLS is really verified)', async () => {
    const untrusted = createOrdersTable(azurite.serviceUri, 'orders', credential);
    await expect(findOrder(untrusted, randomUUID(), signal())).rejects.toMatchObject({ code: expect.stringMatching(/SELF_SIGNED|UNABLE_TO_VERIFY|DEPTH_ZERO/) });
  });

  it('claims once: a second insert of the same order id is a 409 and returns the stored record', async () => {
    const table = ordersTable();
    const order = acceptedSample(randomUUID());
    const first = await claimOrder(table, order, signal());
    const second = await claimOrder(table, order, signal());
    expect(first).toMatchObject({ claimed: true, record: { orderId: order.orderId, status: 'processing', totalMinorUnits: 3399 } });
    expect(second).toMatchObject({ claimed: false, record: { orderId: order.orderId, status: 'processing', acceptedAt: order.acceptedAt } });
  });

  it('marks processed with the ETag, and a stale ETag (412) returns the current state instead of overwriting', async () => {
    const table = ordersTable();
    const order = acceptedSample(randomUUID());
    const { record } = await claimOrder(table, order, signal());
    const done = await markProcessed(table, record, new Date('2026-03-01T10:00:05Z'), signal());
    expect(done).toMatchObject({ status: 'processed', processedAt: '2026-03-01T10:00:05.000Z' });

    const again = await markProcessed(table, record, new Date('2026-03-01T11:00:00Z'), signal());
    expect(again.processedAt).toBe('2026-03-01T10:00:05.000Z');
    expect(await findOrder(table, order.orderId, signal())).toMatchObject({ status: 'processed', processedAt: '2026-03-01T10:00:05.000Z' });
  });

  it('processes a redelivered message once: one record, each downstream step called once', async () => {
    const table = ordersTable();
    const { calls, steps } = countingSteps();
    const handler = createProcessOrderHandler({ ordersTable: () => table, downstream: steps });
    const order = acceptedSample(randomUUID());
    // The host hands the handler the JSON-parsed body; a redelivery carries the same body.
    const body = JSON.parse(JSON.stringify(order));

    await handler(body, testContext({ messageId: order.orderId, deliveryCount: 1 }).context);
    await handler(body, testContext({ messageId: order.orderId, deliveryCount: 2 }).context);

    const entities = [];
    for await (const entity of table.client.listEntities({ queryOptions: { filter: `PartitionKey eq '${order.orderId}'` } })) entities.push(entity);
    expect(entities).toHaveLength(1);
    expect(entities[0]).toMatchObject({ rowKey: ORDER_ROW_KEY, status: 'processed' });
    expect(calls).toEqual([`reserve ${order.orderId}`, `capture ${order.orderId}`]);
  });

  it('resumes an order left processing and serves its status afterwards', async () => {
    const table = ordersTable();
    const order = acceptedSample(randomUUID());
    await claimOrder(table, order, signal()); // an earlier delivery died after this
    const status = createGetOrderStatusHandler({ ordersTable: () => table });
    expect((await status(getRequest(order.orderId), testContext().context)).status).toBe(404);

    const { calls, steps } = countingSteps();
    await createProcessOrderHandler({ ordersTable: () => table, downstream: steps })(order, testContext({ deliveryCount: 2 }).context);
    expect(calls).toHaveLength(2);

    const response = await status(getRequest(order.orderId), testContext().context);
    expect(response.status).toBe(200);
    expect(bodyOf(response)).toMatchObject({ orderId: order.orderId, status: 'processed', totalMinorUnits: 3399, currency: 'EUR' });
  });
});
