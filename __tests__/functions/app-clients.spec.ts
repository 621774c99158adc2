import { AppSetting, REQUIRED_SETTINGS } from '../../functions/app-settings';
import { createAppClients, STORAGE_SCOPE } from '../../functions/azure/app-clients';
import { createGetOrderStatusHandler } from '../../functions/http/get-order-status';
import { createSubmitOrderHandler } from '../../functions/http/submit-order';
import { createProcessOrderHandler } from '../../functions/queue/process-order';
import { SettingsError, sendTimeoutMs } from '../../functions/settings';
import { getRequest, jsonRequest, logText, sampleOrderText, testContext } from '../helpers/invocation';
import { acceptedSample } from '../helpers/orders';

/** The real SDK clients are built on first use only; constructing them opens no connection. */
describe('app clients', () => {
  const settings = {
    [AppSetting.identityClientId]: '00000000-0000-0000-0000-0000000000c1',
    [AppSetting.serviceBusNamespace]: 'sb-orders-test.servicebus.windows.net',
    [AppSetting.queueName]: 'orders',
    [AppSetting.tableServiceUri]: 'https://stordersprod.table.core.windows.net/',
    [AppSetting.tableName]: 'orders',
    [AppSetting.acceptedTableName]: 'acceptedorders',
  };

  it('reads no setting and creates nothing until first use', async () => {
    const env: Record<string, string> = {};
    const clients = createAppClients(env, { warmUpScopes: [STORAGE_SCOPE] });
    expect(await clients.close()).toBe('nothing to close');
    expect(await clients.warmUp()).toBe(`skipped: ${AppSetting.identityClientId} is not set`);
  });

  it('names every missing setting of a client at once, and retries creation later', () => {
    const env: Record<string, string | undefined> = { [AppSetting.queueName]: 'orders' };
    const clients = createAppClients(env, { warmUpScopes: [STORAGE_SCOPE] });
    let error: unknown;
    try {
      clients.orderSender();
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(SettingsError);
    expect((error as SettingsError).problems).toEqual([
      `${AppSetting.identityClientId} is not set`,
      `${AppSetting.serviceBusNamespace} is not set`,
    ]);

    Object.assign(env, settings);
    expect(clients.orderSender()).toBeDefined();
  });

  it("builds every client the processor's functions use (the dead-letter scan's among them) from its required settings alone", () => {
    const env = Object.fromEntries(
      REQUIRED_SETTINGS.orderProcessor.map((name) => [
        name,
        {
          ...settings,
          [AppSetting.serviceBusCredential]: 'managedidentity',
          [AppSetting.serviceBusClientId]: settings[AppSetting.identityClientId],
        }[name],
      ]),
    );
    const clients = createAppClients(env, { warmUpScopes: [STORAGE_SCOPE] });
    for (const client of [clients.deadLetters, clients.ordersTable, clients.acceptedOrdersTable, clients.watermarkTable])
      expect(client()).toBeDefined();
    expect(clients.watermarkTable().client.tableName).toBe('orders');
  });

  it('reuses one sender and one table client across invocations, and closes Service Bus on terminate', async () => {
    const clients = createAppClients(settings, { warmUpScopes: [STORAGE_SCOPE] });
    expect(clients.orderSender()).toBe(clients.orderSender());
    expect(clients.ordersTable()).toBe(clients.ordersTable());
    expect(clients.ordersTable().client.tableName).toBe('orders');
    expect(await clients.close()).toBe('Service Bus client closed');
  });

  it('refuses to build a client from a malformed setting: 503 on the order routes, a thrown SettingsError in the consumer', async () => {
    // Issue 7 finding 6: the same check as /api/health, at client creation.
    const clients = createAppClients(
      {
        ...settings,
        [AppSetting.tableServiceUri]: 'http://stordersprod.table.core.windows.net/',
        [AppSetting.serviceBusNamespace]: 'sb://x/',
      },
      { warmUpScopes: [STORAGE_SCOPE] },
    );
    expect(() => clients.ordersTable()).toThrow(SettingsError);

    const status = await createGetOrderStatusHandler({
      ordersTable: clients.ordersTable,
      acceptedOrders: clients.acceptedOrdersTable,
      sendTimeoutMs: () => sendTimeoutMs({}),
    })(getRequest('3f1c2b7e-9a4d-4e0b-8c1a-2b3c4d5e6f70'), testContext().context);
    expect(status.status).toBe(503);

    const { context, logs } = testContext();
    const submit = await createSubmitOrderHandler({
      sender: clients.orderSender,
      acceptedOrders: clients.acceptedOrdersTable,
      sendTimeoutMs: () => sendTimeoutMs({}),
    })(jsonRequest(sampleOrderText), context);
    expect(submit.status).toBe(503);
    expect(logText(logs, 'error')).toContain(AppSetting.serviceBusNamespace);

    const consumer = testContext({ messageId: 'm-1', deliveryCount: 1 });
    await expect(
      createProcessOrderHandler({ ordersTable: clients.ordersTable, acceptedOrders: clients.acceptedOrdersTable })(
        acceptedSample(),
        consumer.context,
      ),
    ).rejects.toBeInstanceOf(SettingsError);
    expect(logText(consumer.logs, 'error')).toContain(AppSetting.tableServiceUri);
  });
});
