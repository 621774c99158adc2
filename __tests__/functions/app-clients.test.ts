import { AppSetting } from '../../functions/app-settings';
import { createAppClients, STORAGE_SCOPE } from '../../functions/azure/app-clients';
import { SettingsError } from '../../functions/settings';

/** The real SDK clients are built on first use only; constructing them opens no connection. */
describe('app clients', () => {
  const settings = {
    [AppSetting.identityClientId]: '00000000-0000-0000-0000-0000000000c1',
    [AppSetting.serviceBusNamespace]: 'sb-orders-test.servicebus.windows.net',
    [AppSetting.queueName]: 'orders',
    [AppSetting.tableServiceUri]: 'https://stordersprod.table.core.windows.net/',
    [AppSetting.tableName]: 'orders',
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
    expect((error as SettingsError).problems).toEqual([`${AppSetting.identityClientId} is not set`, `${AppSetting.serviceBusNamespace} is not set`]);

    Object.assign(env, settings);
    expect(clients.orderSender()).toBeDefined();
  });

  it('reuses one sender and one table client across invocations, and closes Service Bus on terminate', async () => {
    const clients = createAppClients(settings, { warmUpScopes: [STORAGE_SCOPE] });
    expect(clients.orderSender()).toBe(clients.orderSender());
    expect(clients.ordersTable()).toBe(clients.ordersTable());
    expect(clients.ordersTable().client.tableName).toBe('orders');
    expect(await clients.close()).toBe('Service Bus client closed');
  });
});
