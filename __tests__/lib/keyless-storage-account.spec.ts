import type { StorageReplication } from '../../lib/config/types';
import { KeylessStorageAccount } from '../../lib/keyless-storage-account';
import { bareMonitoring, diagnosticsByTarget, synthBare, WHERE } from '../helpers/bare-stack';
import { onlyResource, refTo } from '../helpers/synth';

/** The one way this stack makes a storage account: Entra ID only, whatever the props. */

function synth(
  options: {
    replication?: StorageReplication;
    softDeleteDays?: number;
    preventDestroy?: boolean;
    publicNetworkAccess?: boolean;
    loggedServices?: Array<'blob' | 'table' | 'queue'>;
  } = {},
) {
  return synthBare((stack) => {
    new KeylessStorageAccount(stack, 'store', {
      ...WHERE,
      name: 'sttest',
      replication: options.replication ?? 'ZRS',
      softDeleteDays: options.softDeleteDays ?? 7,
      preventDestroy: options.preventDestroy ?? false,
      publicNetworkAccess: options.publicNetworkAccess ?? true,
      loggedServices: options.loggedServices ?? [],
      monitoring: bareMonitoring(stack),
    });
  }).tf;
}

const account = (tf: ReturnType<typeof synth>) => onlyResource(tf, 'azurerm_storage_account');

test('keyless, OAuth by default, TLS 1.2, HTTPS only, no anonymous blobs, no local users, no cross-tenant replication, soft delete on', () => {
  expect(account(synth({ softDeleteDays: 9 }))).toMatchObject({
    account_kind: 'StorageV2',
    account_tier: 'Standard',
    shared_access_key_enabled: false,
    default_to_oauth_authentication: true,
    min_tls_version: 'TLS1_2',
    https_traffic_only_enabled: true,
    allow_nested_items_to_be_public: false,
    local_user_enabled: false,
    cross_tenant_replication_enabled: false,
    blob_properties: { delete_retention_policy: { days: 9 }, container_delete_retention_policy: { days: 9 } },
  });
});

test('replication, prevent_destroy and public network access are the props, and no network_rules block either way', () => {
  const open = account(synth({ replication: 'GZRS', preventDestroy: true, publicNetworkAccess: true }));
  expect(open).toMatchObject({
    account_replication_type: 'GZRS',
    public_network_access_enabled: true,
    lifecycle: { prevent_destroy: true },
  });
  const closed = account(synth({ replication: 'LRS', preventDestroy: false, publicNetworkAccess: false }));
  expect(closed).toMatchObject({
    account_replication_type: 'LRS',
    public_network_access_enabled: false,
    lifecycle: { prevent_destroy: false },
  });
  for (const a of [open, closed]) expect(a).not.toHaveProperty('network_rules');
});

test("the account's transactions go to the workspace, and each logged service's reads, writes and deletes", () => {
  const tf = synth({ loggedServices: ['blob', 'queue'] });
  const id = refTo(tf, 'azurerm_storage_account', 'store/account', 'id');
  const byTarget = diagnosticsByTarget(tf);
  expect(Object.keys(byTarget).sort()).toEqual([id, `${id}/blobServices/default`, `${id}/queueServices/default`].sort());
  expect(byTarget[id]).toMatchObject({ enabled_log: [], enabled_metric: [{ category: 'Transaction' }] });
  for (const service of ['blob', 'queue']) {
    expect(byTarget[`${id}/${service}Services/default`]).toMatchObject({
      enabled_log: [{ category: 'StorageRead' }, { category: 'StorageWrite' }, { category: 'StorageDelete' }],
      enabled_metric: [{ category: 'Transaction' }],
    });
  }
});
