import { NetworkSecurityGroup } from '@cdktf/provider-azurerm/lib/network-security-group';
import { NetworkSecurityRule, type NetworkSecurityRuleConfig } from '@cdktf/provider-azurerm/lib/network-security-rule';
import { Subnet } from '@cdktf/provider-azurerm/lib/subnet';
import { SubnetNetworkSecurityGroupAssociation } from '@cdktf/provider-azurerm/lib/subnet-network-security-group-association';
import { VirtualNetwork } from '@cdktf/provider-azurerm/lib/virtual-network';
import { Construct } from 'constructs';
import { APP_ROLES, type AppRole } from '../functions/apps';
import { PRIVATE_ENDPOINT_PORTS } from './config/private-link';
import type { SubnetConfig } from './config/types';
import { networkSecurityGroupName } from './naming';

/** App Service regional VNet integration: the one delegation a plan's subnet takes, with the one action Azure sets for it. */
export const APP_SERVICE_DELEGATION = {
  name: 'Microsoft.Web/serverFarms',
  actions: ['Microsoft.Network/virtualNetworks/subnets/action'],
} as const;

export interface PrivateNetworkProps {
  readonly name: string;
  readonly resourceGroupName: string;
  readonly location: string;
  /** IPv4 address space (validated: every subnet inside, none overlapping, each big enough). */
  readonly addressSpace: string;
  /** One integration subnet per app's plan, and the subnet of the private endpoints. */
  readonly subnets: Readonly<Record<AppRole | 'privateEndpoints', SubnetConfig>>;
  readonly tags: Record<string, string>;
}

/** One outbound rule of an integration subnet: a flow the apps need, named so it survives a platform team's deny-all. */
interface OutboundFlow {
  readonly name: string;
  readonly destination: string;
  readonly ports: readonly string[];
  readonly description: string;
}

/**
 * The virtual network of a private environment:
 *
 * - one **integration subnet per App Service plan** (a subnet serves one plan), delegated to
 *   `Microsoft.Web/serverFarms` with exactly the action Azure sets (`actions` is not computed in
 *   azurerm, so leaving it out diffs forever);
 * - one **subnet for the private endpoints**, with network policies on, so its NSG applies to the
 *   endpoints' traffic;
 * - a **network security group on every subnet**. An integration subnet only carries the apps'
 *   outbound traffic (App Service receives on its own front ends; "the inbound rules don't apply"), so
 *   its rules name each outbound flow the apps need. Azure's default rules stay below them, internet
 *   egress included: the Functions host also reaches platform endpoints (extension bundles, Entra ID
 *   metadata) that no service tag covers exactly. The endpoint subnet takes the service ports from the
 *   virtual network and nothing else.
 *
 * The subnets are separate `azurerm_subnet` resources: the network declares none inline (no `subnet`
 * argument at all, never `[]`, which would remove them) and no DNS servers, so it resolves through
 * Azure DNS, where the private zones are linked.
 */
export class PrivateNetwork extends Construct {
  readonly name: string;
  readonly network: VirtualNetwork;
  readonly integrationSubnets: Readonly<Record<AppRole, Subnet>>;
  readonly endpointSubnet: Subnet;
  /** Each subnet with its NSG attached: nothing may join a subnet while the association still updates it. */
  readonly subnetsReady: Readonly<Record<AppRole | 'privateEndpoints', SubnetNetworkSecurityGroupAssociation>>;

  private readonly common: { resourceGroupName: string; location: string; tags: Record<string, string> };

  constructor(scope: Construct, id: string, props: PrivateNetworkProps) {
    super(scope, id);
    const { resourceGroupName, location, tags } = props;
    this.common = { resourceGroupName, location, tags };
    this.name = props.name;

    this.network = new VirtualNetwork(this, 'network', {
      name: props.name,
      resourceGroupName,
      location,
      addressSpace: [props.addressSpace],
      tags,
    });

    const endpointsCidr = props.subnets.privateEndpoints.cidr;
    const ready: Partial<Record<AppRole | 'privateEndpoints', SubnetNetworkSecurityGroupAssociation>> = {};
    const integration: Partial<Record<AppRole, Subnet>> = {};
    for (const role of APP_ROLES) {
      const config = props.subnets[role];
      const id = kebab(role);
      integration[role] = this.subnet(id, config, {
        delegation: [
          {
            name: 'app-service-plan',
            serviceDelegation: { name: APP_SERVICE_DELEGATION.name, actions: [...APP_SERVICE_DELEGATION.actions] },
          },
        ],
        // App Service egress leaves from the app's own outbound addresses, not the subnet's default outbound access;
        // true is azurerm's default, written explicitly (a private subnet without NAT is untested for telemetry).
        defaultOutboundAccessEnabled: true,
      });
      ready[role] = this.securityGroup(id, config, integration[role]!, (nsg) =>
        this.outboundRules(id, nsg, config.cidr, [
          {
            name: 'allow-private-endpoints-out',
            destination: endpointsCidr,
            ports: PRIVATE_ENDPOINT_PORTS,
            description: 'Service Bus and the order-data account through their private endpoints (HTTPS, AMQP)',
          },
          {
            name: 'allow-azure-monitor-out',
            destination: 'AzureMonitor',
            ports: ['443'],
            description: 'Application Insights ingestion and live metrics: public endpoints, Entra ID auth',
          },
          {
            name: 'allow-storage-out',
            destination: 'Storage',
            ports: ['443'],
            description: 'The package download from the public package account (run from package)',
          },
        ]),
      );
    }

    this.endpointSubnet = this.subnet('private-endpoints', props.subnets.privateEndpoints, {
      // NSG rules apply to the endpoints only with network policies on (azurerm's default is Disabled).
      privateEndpointNetworkPolicies: 'NetworkSecurityGroupEnabled',
      // Nothing in this subnet starts a connection of its own.
      defaultOutboundAccessEnabled: false,
    });
    ready.privateEndpoints = this.securityGroup('private-endpoints', props.subnets.privateEndpoints, this.endpointSubnet, (nsg) => [
      this.rule('private-endpoints', nsg, 'allow-virtual-network-in', {
        priority: 100,
        direction: 'Inbound',
        access: 'Allow',
        protocol: 'Tcp',
        sourceAddressPrefix: 'VirtualNetwork',
        destinationAddressPrefix: endpointsCidr,
        destinationPortRanges: [...PRIVATE_ENDPOINT_PORTS],
        description: 'The apps (and operators inside the network) reach Service Bus and storage on HTTPS and AMQP',
      }),
      this.rule('private-endpoints', nsg, 'deny-all-in', {
        priority: 4096,
        direction: 'Inbound',
        access: 'Deny',
        protocol: '*',
        sourceAddressPrefix: '*',
        destinationAddressPrefix: '*',
        destinationPortRange: '*',
        description: 'Nothing else reaches the private endpoints',
      }),
    ]);

    this.integrationSubnets = integration as Record<AppRole, Subnet>;
    this.subnetsReady = ready as Record<AppRole | 'privateEndpoints', SubnetNetworkSecurityGroupAssociation>;
  }

  private subnet(id: string, config: SubnetConfig, extra: Partial<ConstructorParameters<typeof Subnet>[2]>): Subnet {
    return new Subnet(this, `${id}-subnet`, {
      name: config.name,
      resourceGroupName: this.common.resourceGroupName,
      virtualNetworkName: this.network.name,
      addressPrefixes: [config.cidr],
      ...extra,
    });
  }

  private securityGroup(
    id: string,
    config: SubnetConfig,
    subnet: Subnet,
    rules: (nsg: NetworkSecurityGroup) => NetworkSecurityRule[],
  ): SubnetNetworkSecurityGroupAssociation {
    // Rules as their own resources: the group's inline `security_rule` is computed and would fight them.
    const nsg = new NetworkSecurityGroup(this, `${id}-nsg`, {
      name: networkSecurityGroupName(config.name),
      ...this.common,
    });
    const created = rules(nsg);
    return new SubnetNetworkSecurityGroupAssociation(this, `${id}-nsg-association`, {
      subnetId: subnet.id,
      networkSecurityGroupId: nsg.id,
      // Rules first: the subnet never carries a half-built group.
      dependsOn: created,
    });
  }

  private outboundRules(id: string, nsg: NetworkSecurityGroup, sourceCidr: string, flows: readonly OutboundFlow[]): NetworkSecurityRule[] {
    return flows.map((flow, i) =>
      this.rule(id, nsg, flow.name, {
        priority: 100 + 10 * i,
        direction: 'Outbound',
        access: 'Allow',
        protocol: 'Tcp',
        sourceAddressPrefix: sourceCidr,
        destinationAddressPrefix: flow.destination,
        ...(flow.ports.length === 1 ? { destinationPortRange: flow.ports[0] } : { destinationPortRanges: [...flow.ports] }),
        description: flow.description,
      }),
    );
  }

  private rule(
    id: string,
    nsg: NetworkSecurityGroup,
    name: string,
    rule: Omit<NetworkSecurityRuleConfig, 'name' | 'resourceGroupName' | 'networkSecurityGroupName' | 'sourcePortRange'>,
  ): NetworkSecurityRule {
    return new NetworkSecurityRule(this, `${id}-${name}`, {
      name,
      resourceGroupName: this.common.resourceGroupName,
      networkSecurityGroupName: nsg.name,
      // Azure requires a source port; every client picks an ephemeral one.
      sourcePortRange: '*',
      ...rule,
    });
  }
}

/** `orderApi` -> `order-api`: construct ids as the apps' own (`order-api/...`). */
function kebab(role: AppRole): string {
  return role.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}
