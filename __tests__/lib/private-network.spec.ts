import { Subnet } from '@cdktf/provider-azurerm/lib/subnet';
import { VirtualNetwork } from '@cdktf/provider-azurerm/lib/virtual-network';
import { TerraformOutput } from 'cdktf';
import { prod } from '../../lib/config/environments';
import { PRIVATE_ENDPOINT_PORTS } from '../../lib/config/private-link';
import type { NetworkConfig } from '../../lib/config/types';
import { networkSecurityGroupName } from '../../lib/naming';
import { APP_SERVICE_DELEGATION, PrivateNetwork } from '../../lib/private-network';
import { synthBare, WHERE } from '../helpers/bare-stack';
import { refTo, resourceAt, resourcesOf } from '../helpers/synth';

/** The virtual network of a private environment, built alone from prod's network configuration. */

const network = prod.network as Extract<NetworkConfig, { kind: 'private' }>;
const SUBNET_IDS = { orderApi: 'order-api', orderProcessor: 'order-processor', privateEndpoints: 'private-endpoints' } as const;

const { tf, json } = synthBare((stack) => {
  const built = new PrivateNetwork(stack, 'network', {
    ...WHERE,
    name: 'vnet-test',
    addressSpace: network.addressSpace,
    subnets: network.subnets,
  });
  // What the stack reads from it, as outputs: the subnets the apps join.
  new TerraformOutput(stack, 'api_subnet', { value: built.integrationSubnets.orderApi.id });
  new TerraformOutput(stack, 'processor_subnet', { value: built.integrationSubnets.orderProcessor.id });
  new TerraformOutput(stack, 'endpoint_subnet', { value: built.endpointSubnet.id });
});

test("the network and its subnets are the configuration's; no inline subnet and no DNS servers", () => {
  expect(json).toHaveResourceWithProperties(VirtualNetwork, { name: 'vnet-test', address_space: [network.addressSpace] });
  for (const subnet of Object.values(network.subnets))
    expect(json).toHaveResourceWithProperties(Subnet, { name: subnet.name, address_prefixes: [subnet.cidr] });
  const vnet = resourceAt(tf, 'azurerm_virtual_network', 'network/network');
  expect(vnet.subnet).toBeUndefined();
  expect(vnet.dns_servers).toBeUndefined();
});

test('each app gets its own integration subnet, delegated to App Service plans with exactly the action Azure sets', () => {
  for (const role of ['orderApi', 'orderProcessor'] as const) {
    const subnet = resourceAt(tf, 'azurerm_subnet', `network/${SUBNET_IDS[role]}-subnet`);
    expect(subnet).toMatchObject({
      name: network.subnets[role].name,
      delegation: [
        {
          name: 'app-service-plan',
          service_delegation: { name: APP_SERVICE_DELEGATION.name, actions: [...APP_SERVICE_DELEGATION.actions] },
        },
      ],
      default_outbound_access_enabled: true,
    });
  }
  expect(tf.output.api_subnet.value).toBe(refTo(tf, 'azurerm_subnet', 'network/order-api-subnet', 'id'));
  expect(tf.output.processor_subnet.value).toBe(refTo(tf, 'azurerm_subnet', 'network/order-processor-subnet', 'id'));
});

test('the endpoint subnet: no delegation, NSG enforcement on endpoint traffic, no default outbound access', () => {
  const subnet = resourceAt(tf, 'azurerm_subnet', 'network/private-endpoints-subnet');
  expect(subnet).toMatchObject({
    private_endpoint_network_policies: 'NetworkSecurityGroupEnabled',
    default_outbound_access_enabled: false,
  });
  expect(subnet.delegation).toBeUndefined();
  expect(tf.output.endpoint_subnet.value).toBe(refTo(tf, 'azurerm_subnet', 'network/private-endpoints-subnet', 'id'));
});

test('every subnet carries its own NSG, attached only once all its rules exist', () => {
  for (const [role, id] of Object.entries(SUBNET_IDS)) {
    const nsg = resourceAt(tf, 'azurerm_network_security_group', `network/${id}-nsg`);
    expect(nsg.name).toBe(networkSecurityGroupName(network.subnets[role as keyof typeof SUBNET_IDS].name));
    const association = resourceAt(tf, 'azurerm_subnet_network_security_group_association', `network/${id}-nsg-association`);
    expect(association).toMatchObject({
      subnet_id: refTo(tf, 'azurerm_subnet', `network/${id}-subnet`, 'id'),
      network_security_group_id: refTo(tf, 'azurerm_network_security_group', `network/${id}-nsg`, 'id'),
    });
    const rulesOfGroup = Object.entries(resourcesOf(tf, 'azurerm_network_security_rule')).filter(
      ([, r]) => r.network_security_group_name === refTo(tf, 'azurerm_network_security_group', `network/${id}-nsg`, 'name'),
    );
    expect(association.depends_on.sort()).toEqual(rulesOfGroup.map(([key]) => `azurerm_network_security_rule.${key}`).sort());
  }
});

test('integration subnets allow out, from their own range: the endpoints on HTTPS and AMQP, Azure Monitor and Storage on HTTPS', () => {
  for (const role of ['orderApi', 'orderProcessor'] as const) {
    const id = SUBNET_IDS[role];
    const rule = (name: string) => resourceAt(tf, 'azurerm_network_security_rule', `network/${id}-${name}`);
    const common = {
      direction: 'Outbound',
      access: 'Allow',
      protocol: 'Tcp',
      source_address_prefix: network.subnets[role].cidr,
      source_port_range: '*',
    };
    expect(rule('allow-private-endpoints-out')).toMatchObject({
      ...common,
      priority: 100,
      destination_address_prefix: network.subnets.privateEndpoints.cidr,
      destination_port_ranges: [...PRIVATE_ENDPOINT_PORTS],
    });
    expect(rule('allow-azure-monitor-out')).toMatchObject({
      ...common,
      priority: 110,
      destination_address_prefix: 'AzureMonitor',
      destination_port_range: '443',
    });
    expect(rule('allow-storage-out')).toMatchObject({
      ...common,
      priority: 120,
      destination_address_prefix: 'Storage',
      destination_port_range: '443',
    });
  }
});

test('the endpoint subnet takes HTTPS and AMQP from the virtual network and denies everything else', () => {
  const rule = (name: string) => resourceAt(tf, 'azurerm_network_security_rule', `network/private-endpoints-${name}`);
  expect(rule('allow-virtual-network-in')).toMatchObject({
    priority: 100,
    direction: 'Inbound',
    access: 'Allow',
    source_address_prefix: 'VirtualNetwork',
    destination_address_prefix: network.subnets.privateEndpoints.cidr,
    destination_port_ranges: [...PRIVATE_ENDPOINT_PORTS],
  });
  expect(rule('deny-all-in')).toMatchObject({
    priority: 4096,
    direction: 'Inbound',
    access: 'Deny',
    protocol: '*',
    source_address_prefix: '*',
    destination_address_prefix: '*',
    destination_port_range: '*',
  });
  expect(Object.keys(resourcesOf(tf, 'azurerm_network_security_rule'))).toHaveLength(3 + 3 + 2);
});
