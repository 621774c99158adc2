import { Testing, TerraformStack } from 'cdktf';
import { configureStateBackend } from '../../lib/state-backend';

/** The backend of one stack (the environment variables that choose it are tested in first-deploy.spec.ts, "state"). */

const backendOf = (remote?: Parameters<typeof configureStateBackend>[2]) => {
  const stack = new TerraformStack(Testing.app(), 'orders-test');
  configureStateBackend(stack, 'orders-test', remote);
  return (stack.toTerraform() as { terraform: { backend: unknown } }).terraform.backend;
};

test('local state by a path relative to the stack directory, named after the stack', () => {
  expect(backendOf()).toEqual({ local: { path: '../../../terraform.orders-test.tfstate' } });
});

test('remote state: the azurerm backend with Entra ID, one key per stack, the resource group only when given', () => {
  expect(backendOf({ storageAccountName: 'stordersstate', containerName: 'tfstate' })).toEqual({
    azurerm: { storage_account_name: 'stordersstate', container_name: 'tfstate', key: 'orders-test.tfstate', use_azuread_auth: true },
  });
  expect(backendOf({ storageAccountName: 'stordersstate', containerName: 'tfstate', resourceGroupName: 'rg-state' })).toMatchObject({
    azurerm: { resource_group_name: 'rg-state' },
  });
});
