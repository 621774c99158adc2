import * as fs from 'node:fs';
import * as path from 'node:path';
import { Testing, TerraformStack } from 'cdktf';
import {
  AZURERM_VERSION_CONSTRAINT,
  configureProviders,
  missingProviders,
  RESOURCE_PROVIDERS,
  TERRAFORM_VERSION_CONSTRAINT,
} from '../../lib/providers';
import { ResourceGroup } from '@cdktf/provider-azurerm/lib/resource-group';
import { PROJECT_ROOT, type TerraformJson } from '../helpers/synth';

/** The providers of a stack, configured on an empty one. */

function synth(allowDeletingNonEmptyResourceGroup: boolean): TerraformJson {
  const stack = new TerraformStack(Testing.app(), 'test');
  configureProviders(stack, { allowDeletingNonEmptyResourceGroup });
  return JSON.parse(JSON.stringify(stack.toTerraform()));
}

const tf = synth(true);
const [azurerm] = tf.provider.azurerm;

test('azurerm for keyless storage: Entra ID for blobs, no data-plane reads of storage accounts, tables kept when their deployment goes', () => {
  expect(azurerm.storage_use_azuread).toBe(true);
  expect(azurerm.features).toEqual([
    {
      template_deployment: [{ delete_nested_items_during_deletion: false }],
      storage: [{ data_plane_available: false }],
      resource_group: [{ prevent_deletion_if_contains_resources: false }],
    },
  ]);
});

test('allowDeletingNonEmptyResourceGroup false keeps the provider guard on the resource group', () => {
  expect(synth(false).provider.azurerm[0].features[0].resource_group).toEqual([{ prevent_deletion_if_contains_resources: true }]);
});

test('registers the core set and the providers the stack uses, and no subscription in config', () => {
  expect(azurerm).toMatchObject({ resource_provider_registrations: 'core', resource_providers_to_register: RESOURCE_PROVIDERS });
  expect(RESOURCE_PROVIDERS).toEqual(
    expect.arrayContaining(['Microsoft.ServiceBus', 'Microsoft.Web', 'Microsoft.Logic', 'Microsoft.Network']),
  );
  expect(azurerm.subscription_id).toBeUndefined();
});

test('the time provider, and azurerm pinned to the version constraint', () => {
  expect(tf.provider.time).toEqual([{}]);
  expect(tf.terraform.required_providers.azurerm.version).toBe(AZURERM_VERSION_CONSTRAINT);
});

test('requires the Terraform the README names (1.5+), which Terraform checks itself at diff and deploy', () => {
  expect(tf.terraform.required_version).toBe(TERRAFORM_VERSION_CONSTRAINT);
  const readme = fs.readFileSync(path.join(PROJECT_ROOT, 'README.md'), 'utf8');
  const [, named] = /^- Terraform (\d+\.\d+)\+/m.exec(readme) ?? [];
  expect(TERRAFORM_VERSION_CONSTRAINT).toBe(`>= ${named}.0`);
});

test('missingProviders names a provider a stack uses without declaring it, and nothing once it is declared', () => {
  const bare = new TerraformStack(Testing.app(), 'bare');
  new ResourceGroup(bare, 'rg', { name: 'rg-test', location: 'westeurope' });
  expect(missingProviders(bare).join()).toMatch(/following providers: azurerm/);
  const configured = new TerraformStack(Testing.app(), 'configured');
  configureProviders(configured, { allowDeletingNonEmptyResourceGroup: false });
  new ResourceGroup(configured, 'rg', { name: 'rg-test', location: 'westeurope' });
  expect(missingProviders(configured)).toEqual([]);
});
