import { StorageContainer } from '@cdktf/provider-azurerm/lib/storage-container';
import type { TerraformStack } from 'cdktf';
import { FunctionPackage, PackageStore } from '../../lib/function-package';
import { bareMonitoring, diagnosticsByTarget, synthBare, WHERE } from '../helpers/bare-stack';
import { fakeBundler, onlyResource, refTo, resourceAt, resourcesOf } from '../helpers/synth';

/** The package account and one app's package, built alone (the bundle is the tests' fixed stand-in zip). */

function store(stack: TerraformStack, deployerObjectId?: string) {
  return new PackageStore(stack, 'packages', {
    ...WHERE,
    accountName: 'stpkg',
    replication: 'ZRS',
    softDeleteDays: 7,
    deployerObjectId,
    monitoring: bareMonitoring(stack),
  });
}

function synth(options: { deployerObjectId?: string; roleAssignmentWait?: string } = {}) {
  return synthBare((stack) => {
    const packages = store(stack, options.deployerObjectId);
    for (const [id, containerName] of [
      ['order-api-package', 'packages-api'],
      ['order-processor-package', 'packages-proc'],
    ]) {
      new FunctionPackage(stack, id, {
        store: packages,
        containerName,
        bundle: fakeBundler(),
        roleAssignmentWait: options.roleAssignmentWait,
      });
    }
  });
}

const { tf, json } = synth();

describe('the package store', () => {
  test('a keyless account that stays public (uploads from wherever deploy runs) and may go with its environment', () => {
    expect(onlyResource(tf, 'azurerm_storage_account')).toMatchObject({
      name: 'stpkg',
      shared_access_key_enabled: false,
      public_network_access_enabled: true,
      lifecycle: { prevent_destroy: false },
    });
    const id = refTo(tf, 'azurerm_storage_account', 'packages/packages/account', 'id');
    expect(Object.keys(diagnosticsByTarget(tf)).sort()).toEqual([id, `${id}/blobServices/default`]);
  });

  test('the deployer defaults to whoever runs terraform, and a configured CI identity replaces it', () => {
    expect(resourceAt(tf, 'azurerm_role_assignment', 'order-api-package/deployer-can-upload').principal_id).toMatch(
      /^\$\{data\.azurerm_client_config\.[^.]+\.object_id\}$/,
    );
    const ci = synth({ deployerObjectId: '00000000-1111-2222-3333-444444444444' }).tf;
    expect(resourceAt(ci, 'azurerm_role_assignment', 'order-processor-package/deployer-can-upload').principal_id).toBe(
      '00000000-1111-2222-3333-444444444444',
    );
    expect(ci.data?.azurerm_client_config).toBeUndefined();
  });
});

describe.each(['order-api', 'order-processor'])('the %s package', (id) => {
  test('its container is private and declared through Resource Manager (by account id)', () => {
    const container = resourceAt(tf, 'azurerm_storage_container', `${id}-package/container`);
    expect(container.container_access_type).toBe('private');
    expect(container.storage_account_id).toBe(refTo(tf, 'azurerm_storage_account', 'packages/packages/account', 'id'));
    expect(container.storage_account_name).toBeUndefined();
  });

  test('runs from its own content-addressed blob, uploaded with its MD5, replaced create-before-destroy', () => {
    const bundle = fakeBundler();
    const blob = resourceAt(tf, 'azurerm_storage_blob', `${id}-package/blob`);
    expect(blob).toMatchObject({
      name: `functions-${bundle.sha256}.zip`,
      content_md5: bundle.md5,
      content_type: 'application/zip',
      type: 'Block',
      storage_container_name: refTo(tf, 'azurerm_storage_container', `${id}-package/container`, 'name'),
      storage_account_name: refTo(tf, 'azurerm_storage_account', 'packages/packages/account', 'name'),
      lifecycle: { create_before_destroy: true },
    });
    // The source is the asset copied into the stack's directory: relative, named by the same hash.
    expect(blob.source).toMatch(new RegExp(`^assets/[^/]+/${bundle.sha256}/functions\\.zip$`));
  });

  test('the upload waits for the deployer grant on its package container (role assignments take minutes)', () => {
    const grant = resourceAt(tf, 'azurerm_role_assignment', `${id}-package/deployer-can-upload`);
    expect(grant).toMatchObject({
      role_definition_name: 'Storage Blob Data Contributor',
      scope: refTo(tf, 'azurerm_storage_container', `${id}-package/container`, 'id'),
    });
    // The deployer may be a user: no principal_type.
    expect(grant.principal_type).toBeUndefined();
    const sleep = resourceAt(tf, 'time_sleep', `${id}-package/wait-for-upload-grant`);
    expect(sleep).toMatchObject({
      create_duration: '120s',
      triggers: { role_assignment_id: refTo(tf, 'azurerm_role_assignment', `${id}-package/deployer-can-upload`, 'id') },
    });
    const blob = resourceAt(tf, 'azurerm_storage_blob', `${id}-package/blob`);
    const sleepName = Object.entries(resourcesOf(tf, 'time_sleep')).find(([, r]) => r === sleep)![0];
    expect(blob.depends_on).toEqual([`time_sleep.${sleepName}`]);
  });
});

test('two packages, two containers, one account', () => {
  expect(json).toHaveResourceWithProperties(StorageContainer, { name: 'packages-api' });
  expect(
    Object.values(resourcesOf(tf, 'azurerm_storage_container'))
      .map((c) => c.name)
      .sort(),
  ).toEqual(['packages-api', 'packages-proc']);
});

test('roleAssignmentWait sets how long the upload waits', () => {
  const waited = synth({ roleAssignmentWait: '30s' }).tf;
  expect(resourceAt(waited, 'time_sleep', 'order-api-package/wait-for-upload-grant').create_duration).toBe('30s');
});
