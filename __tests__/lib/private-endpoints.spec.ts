import { prod } from '../../lib/config/environments';
import { PRIVATE_ENDPOINTS } from '../../lib/config/private-link';
import type { NetworkConfig } from '../../lib/config/types';
import { privateEndpointName, resourceNames } from '../../lib/naming';
import { PrivateEndpoints } from '../../lib/private-endpoints';
import { PrivateNetwork } from '../../lib/private-network';
import { synthBare, WHERE } from '../helpers/bare-stack';
import { refTo, resourceAt, resourcesOf } from '../helpers/synth';

/** The private endpoints, their DNS zones and links, built on a bare stack with prod's network and three stand-in targets. */

const network = prod.network as Extract<NetworkConfig, { kind: 'private' }>;
const names = resourceNames(prod);
const TARGET_IDS = {
  serviceBus: '/subscriptions/x/resourceGroups/rg-test/providers/Microsoft.ServiceBus/namespaces/sb',
  hostStorage: '/subscriptions/x/resourceGroups/rg-test/providers/Microsoft.Storage/storageAccounts/sth',
  dataStorage: '/subscriptions/x/resourceGroups/rg-test/providers/Microsoft.Storage/storageAccounts/st',
};

const TARGET_NAMES = {
  serviceBus: names.serviceBusNamespace,
  hostStorage: names.hostStorageAccount,
  dataStorage: names.dataStorageAccount,
};

let reachable: number;
const { tf } = synthBare((stack) => {
  const vnet = new PrivateNetwork(stack, 'network', {
    ...WHERE,
    name: 'vnet-test',
    addressSpace: network.addressSpace,
    subnets: network.subnets,
  });
  const endpoints = new PrivateEndpoints(stack, 'private-endpoints', {
    ...WHERE,
    network: vnet,
    targets: {
      serviceBus: { name: TARGET_NAMES.serviceBus, id: TARGET_IDS.serviceBus },
      hostStorage: { name: TARGET_NAMES.hostStorage, id: TARGET_IDS.hostStorage },
      dataStorage: { name: TARGET_NAMES.dataStorage, id: TARGET_IDS.dataStorage },
    },
  });
  reachable = endpoints.reachable.length;
});

test("private endpoints: the namespace, the host account's blob, table and queue, and the data account's table", () => {
  const expected = [
    [names.serviceBusNamespace, 'namespace'],
    [names.hostStorageAccount, 'blob'],
    [names.hostStorageAccount, 'table'],
    [names.hostStorageAccount, 'queue'],
    [names.dataStorageAccount, 'table'],
  ];
  expect(Object.values(resourcesOf(tf, 'azurerm_private_endpoint')).map((pe) => pe.name)).toEqual(
    expected.map(([target, subresource]) => `pe-${target}-${subresource}`),
  );
});

test.each(PRIVATE_ENDPOINTS.map((spec) => [`${spec.target} ${spec.subresource}`, spec] as const))(
  'the %s endpoint: in the endpoint subnet, connected automatically to its target, registered in its zone',
  (_, spec) => {
    const endpoint = resourceAt(tf, 'azurerm_private_endpoint', `private-endpoints/${spec.target}-${spec.subresource}`);
    const zoneId = spec.zone.split('.')[1];
    const name = privateEndpointName(TARGET_NAMES[spec.target], spec.subresource);
    expect(endpoint).toMatchObject({
      name,
      subnet_id: refTo(tf, 'azurerm_subnet', 'network/private-endpoints-subnet', 'id'),
      private_service_connection: {
        name: `psc-${name}`,
        private_connection_resource_id: TARGET_IDS[spec.target],
        subresource_names: [spec.subresource],
        is_manual_connection: false,
      },
      private_dns_zone_group: {
        name: 'default',
        private_dns_zone_ids: [refTo(tf, 'azurerm_private_dns_zone', `private-endpoints/zone-${zoneId}`, 'id')],
      },
    });
    // After the endpoint subnet carries its NSG (both update the subnet): `depends_on` names the association by its address.
    const association = refTo(
      tf,
      'azurerm_subnet_network_security_group_association',
      'network/private-endpoints-nsg-association',
      'id',
    ).replace(/^\$\{(.*)\.id\}$/, '$1');
    expect(endpoint.depends_on).toEqual([association]);
  },
);

test('one zone per name, each linked once to the network without auto-registration', () => {
  const zones = [...new Set(PRIVATE_ENDPOINTS.map((e) => e.zone))];
  expect(Object.values(resourcesOf(tf, 'azurerm_private_dns_zone')).map((z) => z.name)).toEqual(zones);
  const links = Object.values(resourcesOf(tf, 'azurerm_private_dns_zone_virtual_network_link'));
  expect(links.map((l) => [l.name, l.registration_enabled, l.virtual_network_id])).toEqual(
    zones.map(() => ['link-vnet-test', false, refTo(tf, 'azurerm_virtual_network', 'network/network', 'id')]),
  );
});

test('an app must wait for every endpoint and every link', () => {
  expect(reachable).toBe(PRIVATE_ENDPOINTS.length + new Set(PRIVATE_ENDPOINTS.map((e) => e.zone)).size);
});
