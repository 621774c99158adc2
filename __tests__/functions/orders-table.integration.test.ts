import { randomUUID } from 'node:crypto';
import { createAcceptedOrdersTable, createOrdersTable } from '../../functions/azure/sdk-clients';
import { createGetOrderStatusHandler } from '../../functions/http/get-order-status';
import type { DownstreamSteps } from '../../functions/queue/downstream-steps';
import { createProcessOrderHandler } from '../../functions/queue/process-order';
import { requestFingerprint } from '../../functions/orders/request-fingerprint';
import { acceptRecordOf, findAcceptRecord, recordAcceptance } from '../../functions/store/accepted-orders';
import { claimOrder, findOrder, markProcessed, ORDER_ROW_KEY, type Claim } from '../../functions/store/order-records';
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

function acceptedOrdersTable() {
  return createAcceptedOrdersTable(azurite.serviceUri, 'acceptedorders', credential, { tlsOptions: { ca: azurite.certificate } });
}

/** A consumer on the real tables, with the real clock and real sleeps. */
function consumer(downstream: DownstreamSteps) {
  return createProcessOrderHandler({ ordersTable: () => ordersTable(), acceptedOrders: () => acceptedOrdersTable(), downstream });
}

const claimBy = (owner: string, expiresAt = new Date(Date.now() + 45_000)): Claim => ({
  owner,
  expiresAt,
  requestFingerprint: 'f'.repeat(64),
});

/** Downstream steps that count their calls; each takes `stepMs` (a real service takes time too). */
function countingSteps(stepMs = 0) {
  const calls: string[] = [];
  const step =
    (name: string) =>
    async (_: unknown, { idempotencyKey }: { idempotencyKey: string }) => {
      calls.push(`${name} ${idempotencyKey}`);
      if (stepMs > 0) await new Promise((resolve) => setTimeout(resolve, stepMs));
    };
  const steps: DownstreamSteps = { reserveInventory: step('reserve'), capturePayment: step('capture') };
  return { calls, steps };
}

beforeAll(async () => {
  azurite = await startAzuriteTable();
  await ordersTable().client.createTable();
  await acceptedOrdersTable().client.createTable();
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
    await expect(findOrder(untrusted, randomUUID(), signal())).rejects.toMatchObject({
      code: expect.stringMatching(/SELF_SIGNED|UNABLE_TO_VERIFY|DEPTH_ZERO/),
    });
  });

  it('claims once: a second insert of the same order id is a 409 and returns the stored record', async () => {
    const table = ordersTable();
    const order = acceptedSample(randomUUID());
    const first = await claimOrder(table, order, claimBy('inv-a'), signal());
    const second = await claimOrder(table, order, claimBy('inv-b'), signal());
    expect(first).toMatchObject({
      claimed: true,
      record: { orderId: order.orderId, status: 'processing', totalMinorUnits: 3399, claimOwner: 'inv-a' },
    });
    expect(second).toMatchObject({
      claimed: false,
      record: { orderId: order.orderId, status: 'processing', acceptedAt: order.acceptedAt, claimOwner: 'inv-a' },
    });
  });

  it('marks processed with the ETag, and a stale ETag (412) returns the current state instead of overwriting', async () => {
    const table = ordersTable();
    const order = acceptedSample(randomUUID());
    const { record } = await claimOrder(table, order, claimBy('inv-a'), signal());
    const done = await markProcessed(table, record, new Date('2026-03-01T10:00:05Z'), signal());
    expect(done).toMatchObject({ status: 'processed', processedAt: '2026-03-01T10:00:05.000Z' });

    const again = await markProcessed(table, record, new Date('2026-03-01T11:00:00Z'), signal());
    expect(again.processedAt).toBe('2026-03-01T10:00:05.000Z');
    expect(await findOrder(table, order.orderId, signal())).toMatchObject({ status: 'processed', processedAt: '2026-03-01T10:00:05.000Z' });
  });

  it('stores an accept record once: a second insert is a 409 that returns the first, and a missing one reads as undefined', async () => {
    const table = acceptedOrdersTable();
    const order = acceptedSample(randomUUID());
    const record = acceptRecordOf(order, requestFingerprint(order));
    expect(await recordAcceptance(table, record, signal())).toEqual({ created: true, record });
    const again = await recordAcceptance(
      table,
      { ...record, acceptedAt: '2026-03-01T11:00:00.000Z', requestFingerprint: 'e'.repeat(64) },
      signal(),
    );
    expect(again).toEqual({ created: false, record });
    expect(await findAcceptRecord(table, randomUUID(), signal())).toBeUndefined();
  });

  it('processes a redelivered message once: one record, each downstream step called once', async () => {
    const table = ordersTable();
    const { calls, steps } = countingSteps();
    const handler = consumer(steps);
    const order = acceptedSample(randomUUID());
    // The host hands the handler the JSON-parsed body; a redelivery carries the same body.
    const body = JSON.parse(JSON.stringify(order));

    await handler(body, testContext({ messageId: order.orderId, deliveryCount: 1 }, 'inv-1').context);
    await handler(body, testContext({ messageId: order.orderId, deliveryCount: 2 }, 'inv-2').context);

    const entities = [];
    for await (const entity of table.client.listEntities({ queryOptions: { filter: `PartitionKey eq '${order.orderId}'` } }))
      entities.push(entity);
    expect(entities).toHaveLength(1);
    expect(entities[0]).toMatchObject({ rowKey: ORDER_ROW_KEY, status: 'processed' });
    expect(calls).toEqual([`reserve ${order.orderId}`, `capture ${order.orderId}`]);
  });

  it('runs each downstream step once when two deliveries of one order run at once (a lost lock), and keeps one record', async () => {
    // Issue 7 finding 2: the second delivery resumed the first one's claim at once and ran every step
    // a second time. Three orders, two concurrent deliveries each, on the real table.
    const table = ordersTable();
    const { calls, steps } = countingSteps(150);
    const orders = [randomUUID(), randomUUID(), randomUUID()].map((id) => acceptedSample(id));
    const logs: string[] = [];
    await Promise.all(
      orders.flatMap((order) =>
        ['a', 'b'].map(async (copy) => {
          const context = testContext({ messageId: order.orderId, deliveryCount: 1 }, `inv-${order.orderId.slice(0, 8)}-${copy}`);
          await consumer(steps)(JSON.parse(JSON.stringify(order)), context.context);
          logs.push(...context.logs.map((l) => l.text));
        }),
      ),
    );

    for (const order of orders) {
      expect(calls.filter((c) => c.endsWith(order.orderId)).sort()).toEqual([`capture ${order.orderId}`, `reserve ${order.orderId}`]);
      const entities = [];
      for await (const entity of table.client.listEntities({ queryOptions: { filter: `PartitionKey eq '${order.orderId}'` } }))
        entities.push(entity);
      expect(entities).toHaveLength(1);
      expect(entities[0]).toMatchObject({ status: 'processed', requestFingerprint: requestFingerprint(order) });
    }
    // Each second delivery waited for the first and then completed as a duplicate.
    expect(logs.filter((l) => /duplicate delivery ignored/.test(l))).toHaveLength(orders.length);
    expect(logs.filter((l) => /waiting \d+ ms/.test(l)).length).toBeGreaterThanOrEqual(orders.length);
  });

  it('takes over an order whose claim expired (its delivery died) and serves its status afterwards', async () => {
    const table = ordersTable();
    const order = acceptedSample(randomUUID());
    // An earlier delivery claimed the order and died; its claim has expired.
    await claimOrder(
      table,
      order,
      { owner: 'inv-dead', expiresAt: new Date(Date.now() - 1_000), requestFingerprint: requestFingerprint(order) },
      signal(),
    );
    const status = createGetOrderStatusHandler({
      ordersTable: () => table,
      acceptedOrders: () => acceptedOrdersTable(),
      sendTimeoutMs: () => 5_000,
    });
    // Claimed by a delivery: pending, and says so.
    const claimed = await status(getRequest(order.orderId), testContext().context);
    expect([claimed.status, bodyOf(claimed).status, bodyOf(claimed).stage]).toEqual([200, 'pending', 'processing']);

    const { calls, steps } = countingSteps();
    const { context, logs } = testContext({ deliveryCount: 2 }, 'inv-2');
    await consumer(steps)(order, context);
    expect(calls).toHaveLength(2);
    expect(logs.map((l) => l.text).join('\n')).toMatch(/took over the expired claim of inv-dead/);

    const response = await status(getRequest(order.orderId), testContext().context);
    expect(response.status).toBe(200);
    expect(bodyOf(response)).toMatchObject({ orderId: order.orderId, status: 'processed', totalMinorUnits: 3399, currency: 'EUR' });
  });
});
