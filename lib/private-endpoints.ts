import { PrivateDnsZone } from '@cdktf/provider-azurerm/lib/private-dns-zone';
import { PrivateDnsZoneVirtualNetworkLink } from '@cdktf/provider-azurerm/lib/private-dns-zone-virtual-network-link';
import { PrivateEndpoint } from '@cdktf/provider-azurerm/lib/private-endpoint';
import type { ITerraformDependable } from 'cdktf';
import { Construct } from 'constructs';
import { PRIVATE_ENDPOINTS, type PrivateEndpointTarget } from './config/private-link';
import { privateEndpointName } from './naming';
import type { PrivateNetwork } from './private-network';

/** A resource that gets private endpoints: its name (for the endpoint's) and its ARM id. */
export interface PrivateEndpointResource {
  readonly name: string;
  readonly id: string;
}

export interface PrivateEndpointsProps {
  readonly resourceGroupName: string;
  readonly location: string;
  readonly network: PrivateNetwork;
  readonly targets: Readonly<Record<PrivateEndpointTarget, PrivateEndpointResource>>;
  readonly tags: Record<string, string>;
}

/**
 * The private endpoints of the namespace, the host account and the data account
 * (lib/config/private-link.ts lists them), each registered in the private DNS zone Azure requires for
 * its sub-resource. Each zone is created once and linked to the network (no auto-registration), so the apps resolve
 * `<namespace>.servicebus.windows.net` and `<account>.{blob,table,queue}.core.windows.net` to the
 * endpoints' addresses, while names without an endpoint (the package account) still resolve publicly.
 *
 * Connections are automatic (`is_manual_connection = false`): the deployer approves them with its
 * rights on the target (Owner or Contributor; Network Contributor lacks the approval action). A manual
 * connection would stay Pending and the apps would find nothing behind the address.
 */
export class PrivateEndpoints extends Construct {
  readonly zones: PrivateDnsZone[];
  readonly links: PrivateDnsZoneVirtualNetworkLink[];
  readonly endpoints: PrivateEndpoint[];

  constructor(scope: Construct, id: string, props: PrivateEndpointsProps) {
    super(scope, id);
    const { resourceGroupName, location, tags, network } = props;

    const zoneNames = [...new Set(PRIVATE_ENDPOINTS.map((e) => e.zone))];
    this.zones = zoneNames.map((name) => new PrivateDnsZone(this, `zone-${subresourceOf(name)}`, { name, resourceGroupName, tags }));
    this.links = this.zones.map(
      (zone, i) =>
        new PrivateDnsZoneVirtualNetworkLink(this, `link-${subresourceOf(zoneNames[i])}`, {
          name: `link-${network.name}`,
          resourceGroupName,
          privateDnsZoneName: zone.name,
          virtualNetworkId: network.network.id,
          // Explicit: the network's own hosts get no records here; the endpoints' zone groups write them.
          registrationEnabled: false,
          tags,
        }),
    );

    this.endpoints = PRIVATE_ENDPOINTS.map((spec) => {
      const target = props.targets[spec.target];
      const zone = this.zones[zoneNames.indexOf(spec.zone)];
      const name = privateEndpointName(target.name, spec.subresource);
      return new PrivateEndpoint(this, `${spec.target}-${spec.subresource}`, {
        name,
        resourceGroupName,
        location,
        // References, never hand-built ids: subnet_id and the target id are ForceNew and stored verbatim.
        subnetId: network.endpointSubnet.id,
        privateServiceConnection: {
          name: `psc-${name}`,
          privateConnectionResourceId: target.id,
          subresourceNames: [spec.subresource],
          isManualConnection: false,
        },
        privateDnsZoneGroup: { name: 'default', privateDnsZoneIds: [zone.id] },
        tags,
        // After the subnet's NSG association: both update the subnet.
        dependsOn: [network.subnetsReady.privateEndpoints],
      });
    });
  }

  /** What an app must start after: the endpoints with their DNS records, and the zones linked to its network. */
  get reachable(): ITerraformDependable[] {
    return [...this.endpoints, ...this.links];
  }
}

/** `privatelink.blob.core.windows.net` -> `blob`. */
function subresourceOf(zone: string): string {
  return zone.split('.')[1];
}
