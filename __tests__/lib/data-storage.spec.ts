import { RoleAssignment } from '@cdktf/provider-azurerm/lib/role-assignment';
import { dev } from '../../lib/config/environments';
import { DataStorage, tableTemplate } from '../../lib/data-storage';
import { bareMonitoring, diagnosticsByTarget, synthBare, WHERE } from '../helpers/bare-stack';
import { onlyResource, refTo, resourceAt } from '../helpers/synth';

/** The order-data account and its two tables, built alone. */

function synth(preventDestroy = false, publicNetworkAccess = true) {
  let names = { tableName: '', acceptedTableName: '' };
  const { tf } = synthBare((stack) => {
    const data = new DataStorage(stack, 'data', {
      ...WHERE,
      accountName: 'stdata',
      tableName: 'orders',
      acceptedTableName: 'acceptedorders',
      tableDeploymentName: 'orders-table',
      replication: 'GZRS',
      softDeleteDays: dev.storage.softDeleteDays,
      preventDestroy,
      publicNetworkAccess,
      monitoring: bareMonitoring(stack),
    });
    names = { tableName: data.tableName, acceptedTableName: data.acceptedTableName };
    // The scopes as a grant resolves them.
    new RoleAssignment(stack, 'orders-grant', {
      scope: data.tableScope,
      roleDefinitionName: 'Storage Table Data Reader',
      principalId: 'p',
    });
    new RoleAssignment(stack, 'accepted-grant', {
      scope: data.acceptedTableScope,
      roleDefinitionName: 'Storage Table Data Reader',
      principalId: 'p',
    });
  });
  return { tf, ...names };
}

const data = synth();

test('one keyless account with the configured replication and soft delete; only its tables are logged', () => {
  expect(onlyResource(data.tf, 'azurerm_storage_account')).toMatchObject({
    name: 'stdata',
    account_replication_type: 'GZRS',
    shared_access_key_enabled: false,
    blob_properties: { delete_retention_policy: { days: dev.storage.softDeleteDays } },
  });
  const id = refTo(data.tf, 'azurerm_storage_account', 'data/data/account', 'id');
  expect(Object.keys(diagnosticsByTarget(data.tf)).sort()).toEqual([id, `${id}/tableServices/default`]);
});

test('both tables in one Incremental template deployment, after the account, every parameter given', () => {
  const deployment = onlyResource(data.tf, 'azurerm_resource_group_template_deployment');
  expect(deployment).toMatchObject({
    name: 'orders-table',
    deployment_mode: 'Incremental',
    depends_on: [expect.stringMatching(/^azurerm_storage_account\./)],
  });
  expect(JSON.parse(deployment.template_content)).toEqual(tableTemplate());
  expect(JSON.parse(deployment.parameters_content)).toEqual({
    storageAccountName: { value: 'stdata' },
    tableName: { value: 'orders' },
    acceptedTableName: { value: 'acceptedorders' },
  });
  expect(tableTemplate().resources.map((r) => r.name)).toEqual([
    "[format('{0}/default/{1}', parameters('storageAccountName'), parameters('tableName'))]",
    "[format('{0}/default/{1}', parameters('storageAccountName'), parameters('acceptedTableName'))]",
  ]);
});

test('each table is a role scope: its ARM id, in the casing Azure stores', () => {
  const account = refTo(data.tf, 'azurerm_storage_account', 'data/data/account', 'id');
  expect(resourceAt(data.tf, 'azurerm_role_assignment', 'orders-grant').scope).toBe(`${account}/tableServices/default/tables/orders`);
  expect(resourceAt(data.tf, 'azurerm_role_assignment', 'accepted-grant').scope).toBe(
    `${account}/tableServices/default/tables/acceptedorders`,
  );
  expect([data.tableName, data.acceptedTableName]).toEqual(['orders', 'acceptedorders']);
});

test.each([true, false])("preventDestroy %s protects the account and the tables' deployment alike", (preventDestroy) => {
  const { tf } = synth(preventDestroy);
  expect(onlyResource(tf, 'azurerm_storage_account').lifecycle.prevent_destroy).toBe(preventDestroy);
  expect(onlyResource(tf, 'azurerm_resource_group_template_deployment').lifecycle.prevent_destroy).toBe(preventDestroy);
});

test('publicNetworkAccess false takes the account off the internet', () => {
  expect(onlyResource(synth(false, false).tf, 'azurerm_storage_account').public_network_access_enabled).toBe(false);
});
