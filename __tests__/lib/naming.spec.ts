import { createHash } from 'node:crypto';
import { APP_ROLES } from '../../functions/apps';
import { dev, environments, prod } from '../../lib/config/environments';
import { networkSecurityGroupName, privateEndpointName, resourceNames, uniqueSuffix } from '../../lib/naming';

/** Every resource name of an environment, from its name prefix and name only. */

test('the unique suffix is six hex digits of the SHA-256 of prefix/name: the same on any machine and day', () => {
  expect(uniqueSuffix(prod)).toBe(createHash('sha256').update('orders/prod').digest('hex').slice(0, 6));
  expect(uniqueSuffix(prod)).toMatch(/^[0-9a-f]{6}$/);
  expect(resourceNames(prod)).toEqual(resourceNames({ ...prod }));
});

test('two environments, or two prefixes, never share a globally unique name', () => {
  const globalNames = (env: Parameters<typeof resourceNames>[0]) => {
    const n = resourceNames(env);
    return [
      n.serviceBusNamespace,
      n.dataStorageAccount,
      n.hostStorageAccount,
      n.packageStorageAccount,
      ...APP_ROLES.map((r) => n.apps[r].functionApp),
      n.operationsWorkbook,
    ];
  };
  const all = [...environments.flatMap(globalNames), ...globalNames({ ...prod, namePrefix: 'shop' })];
  expect(new Set(all).size).toBe(all.length);
});

test.each(environments.map((e) => [e.name, e] as const))(
  '%s: storage account names are 3-24 lower-case letters and digits, three distinct accounts',
  (_, env) => {
    const n = resourceNames(env);
    const accounts = [n.dataStorageAccount, n.hostStorageAccount, n.packageStorageAccount];
    for (const account of accounts) expect(account).toMatch(/^[a-z0-9]{3,24}$/);
    expect(new Set(accounts).size).toBe(3);
  },
);

test('the shapes of the names', () => {
  const n = resourceNames(dev);
  const suffix = uniqueSuffix(dev);
  expect(n).toMatchObject({
    resourceGroup: 'rg-orders-dev',
    logAnalytics: 'log-orders-dev',
    appInsights: 'appi-orders-dev',
    serviceBusNamespace: `sb-orders-dev-${suffix}`,
    queue: dev.queue.name,
    dataStorageAccount: `stordersdev${suffix}`,
    hostStorageAccount: `sthordersdev${suffix}`,
    packageStorageAccount: `stpkgordersdev${suffix}`,
    ordersTable: 'orders',
    acceptedOrdersTable: 'acceptedorders',
    actionGroup: 'ag-orders-dev',
    apiAvailabilityTest: 'webt-orders-dev-api-health',
    virtualNetwork: 'vnet-orders-dev',
  });
  expect(n.apps.orderApi).toEqual({
    resourceGroup: 'rg-orders-dev-api',
    plan: 'asp-orders-dev-api',
    functionApp: `func-orders-dev-api-${suffix}`,
    identity: 'id-orders-dev-api',
    packageContainer: 'packages-api',
    alwaysReadySchedule: 'logic-orders-dev-api-always-ready',
  });
  expect(n.apps.orderProcessor.packageContainer).toBe('packages-proc');
});

test('the action group short name is at most 12 characters', () => {
  for (const env of environments) expect(resourceNames(env).actionGroupShortName.length).toBeLessThanOrEqual(12);
  expect(resourceNames({ ...prod, namePrefix: 'a-very-long-prefix' }).actionGroupShortName).toBe('a-very-long-');
});

test('the workbook name is a lower-case version-5 GUID, derived: the same on every call, one per environment', () => {
  const names = environments.map((env) => resourceNames(env).operationsWorkbook);
  for (const name of names) expect(name).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  expect(new Set(names).size).toBe(names.length);
  expect(resourceNames(prod).operationsWorkbook).toBe(resourceNames(prod).operationsWorkbook);
});

test('network names are lower-case: endpoint and NSG names derive from what they serve', () => {
  expect(privateEndpointName('stOrdersProd1A2B3C', 'table')).toBe('pe-stordersprod1a2b3c-table');
  expect(networkSecurityGroupName('snet-order-api')).toBe('nsg-snet-order-api');
});
