import { HostStorage } from '../../lib/host-storage';
import { bareMonitoring, diagnosticsByTarget, synthBare, WHERE } from '../helpers/bare-stack';
import { onlyResource, refTo } from '../helpers/synth';

/** The Functions hosts' own account, built alone. */

function synth(preventDestroy: boolean, publicNetworkAccess: boolean) {
  return synthBare((stack) => {
    new HostStorage(stack, 'host-storage', {
      ...WHERE,
      accountName: 'sthost',
      replication: 'ZRS',
      softDeleteDays: 7,
      preventDestroy,
      publicNetworkAccess,
      monitoring: bareMonitoring(stack),
    });
  }).tf;
}

test("one keyless account whose blob, table and queue services are all logged (the hosts' leases, keys and scale metrics)", () => {
  const tf = synth(false, true);
  expect(onlyResource(tf, 'azurerm_storage_account')).toMatchObject({
    name: 'sthost',
    shared_access_key_enabled: false,
    min_tls_version: 'TLS1_2',
  });
  const id = refTo(tf, 'azurerm_storage_account', 'host-storage/host/account', 'id');
  expect(Object.keys(diagnosticsByTarget(tf)).sort()).toEqual(
    [id, `${id}/blobServices/default`, `${id}/queueServices/default`, `${id}/tableServices/default`].sort(),
  );
});

test.each([
  [true, false],
  [false, true],
])('preventDestroy %s and publicNetworkAccess %s reach the account', (preventDestroy, publicNetworkAccess) => {
  expect(onlyResource(synth(preventDestroy, publicNetworkAccess), 'azurerm_storage_account')).toMatchObject({
    public_network_access_enabled: publicNetworkAccess,
    lifecycle: { prevent_destroy: preventDestroy },
  });
});
