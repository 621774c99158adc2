import { GUID, type Checks } from '../checks';
import { addressCount, cidrProblem, contains, overlaps, parseCidr, type Cidr } from '../cidr';
import { PRIVATE_ENDPOINTS } from '../private-link';
import type { EnvironmentConfig } from '../types';
import { maxPlanInstances } from './apps';

/**
 * The `network` section of an environment's configuration: where the data services can be reached from,
 * and the virtual network's address plan; its types and rules. It has no default: each environment chooses
 * `public` or `private` and its own address plan.
 */

export const NETWORK_KINDS = ['public', 'private'] as const;
/** Azure keeps the first four addresses and the last one of every subnet. */
export const AZURE_RESERVED_ADDRESSES = 5;
/** Regional VNet integration needs an unused subnet of /28 or larger. */
export const MIN_INTEGRATION_SUBNET_PREFIX = 28;
/** App Service access restrictions allow 512 rules per site. */
export const MAX_ACCESS_RULES = 512;
/** The `X-Azure-FDID` header condition of one access rule takes at most 8 Front Door ids. */
export const MAX_FRONT_DOOR_IDS = 8;

/** A subnet of the environment's virtual network. */
export interface SubnetConfig {
  /** Lower-case (Azure stores subnet ids verbatim; a case change replaces what references them). @example 'snet-order-api' */
  readonly name: string;
  /** IPv4 range inside `addressSpace`, e.g. `10.60.0.0/25`. Sized up front: a delegated subnet in use cannot be resized. */
  readonly cidr: string;
}

/**
 * Who may call the order API when it sits behind a front door or gateway. Off when absent: the API is
 * open to every caller (order routes still need a function key). When present, everything else is
 * denied, on the SCM site too.
 */
export interface InboundAllow {
  /** Caller ranges in IPv4 CIDR notation (`/32` for one address). */
  readonly ipRanges?: readonly string[];
  /**
   * Azure service tags, e.g. `AzureFrontDoor.Backend` or `ApiManagement`. `AzureFrontDoor.Backend` needs
   * `frontDoorIds`: the tag covers every Front Door in Azure, the `X-Azure-FDID` header only yours.
   */
  readonly serviceTags?: ReadonlyArray<{ readonly tag: string; readonly frontDoorIds?: readonly string[] }>;
  /**
   * Let Application Insights availability tests in (service tag `ApplicationInsightsAvailability`);
   * App Service's own health check pings come from inside the platform and need no rule. @default true
   */
  readonly availabilityTests?: boolean;
}

/**
 * Where the environment's data services can be reached from.
 * - `public`: every endpoint public, guarded by Entra ID roles (cheap; reachable from a laptop).
 * - `private`: a virtual network; the Service Bus namespace and the data account reachable only
 *   through private endpoints; both apps integrated with the network, all their outbound traffic
 *   routed through it. The order API's inbound stays public (the shop calls it). Needs Premium Service Bus.
 */
export type NetworkConfig =
  | { readonly kind: 'public' }
  | {
      readonly kind: 'private';
      /** The virtual network's IPv4 address space, e.g. `10.60.0.0/23`. */
      readonly addressSpace: string;
      readonly subnets: {
        /** Integration subnet of the order API's plan (one plan per subnet), sized for its maximum instances. */
        readonly orderApi: SubnetConfig;
        /** Integration subnet of the order processor's plan. */
        readonly orderProcessor: SubnetConfig;
        /** The private endpoints of the namespace and the data account (one address each). */
        readonly privateEndpoints: SubnetConfig;
      };
      readonly inboundAllow?: InboundAllow;
    };

export type NetworkKind = NetworkConfig['kind'];

/** Addresses of a subnet that Azure lets resources use. */
export function usableAddresses(cidr: Cidr): number {
  return addressCount(cidr) - AZURE_RESERVED_ADDRESSES;
}

/**
 * Addresses an integration subnet must offer for a plan of `instances`: one per instance, twice over,
 * because a scale operation (and a platform upgrade) briefly holds old and new addresses together
 * (Microsoft Learn, "Integrate your app with an Azure virtual network", subnet requirements: /28 for 5
 * instances, /27 for 13, /26 for 29).
 */
export function integrationAddressesNeeded(instances: number): number {
  return 2 * instances;
}

/** The smallest subnet (largest prefix) with `needed` usable addresses, at most `/maxPrefix`. */
function smallestPrefixFor(needed: number, maxPrefix: number): number {
  let prefix = maxPrefix;
  while (prefix > 0 && 2 ** (32 - prefix) - AZURE_RESERVED_ADDRESSES < needed) prefix--;
  return prefix;
}

const SUBNET_NAME = /^[a-z0-9](?:[a-z0-9_.-]{0,78}[a-z0-9_])?$/;
const SERVICE_TAG = /^[A-Za-z][A-Za-z0-9]*(?:\.[A-Za-z0-9]+)*$/;

export function checkNetwork(c: Checks, env: Pick<EnvironmentConfig, 'network' | 'serviceBus' | 'apps'>): void {
  const network = env.network as NetworkConfig | undefined;
  c.oneOf('network.kind', network?.kind, NETWORK_KINDS as readonly unknown[]);
  if (network?.kind !== 'private') return;
  // Private endpoints and network rules exist on Premium namespaces only.
  c.check(
    env.serviceBus.sku === 'Premium',
    'serviceBus.sku',
    env.serviceBus.sku,
    "expected Premium with network.kind 'private': only a Premium namespace takes private endpoints and can turn public access off",
  );

  const spaceProblem = cidrProblem(network.addressSpace);
  if (spaceProblem) c.fail('network.addressSpace', network.addressSpace, spaceProblem);
  const space = spaceProblem ? undefined : parseCidr(network.addressSpace);

  const subnets: Array<{ key: string; cidr: Cidr }> = [];
  const names = new Map<string, string>();
  for (const [key, subnet] of Object.entries(network.subnets) as Array<[keyof typeof network.subnets, { name: string; cidr: string }]>) {
    const f = `network.subnets.${key}`;
    c.matches(
      `${f}.name`,
      subnet.name,
      SUBNET_NAME,
      'expected 1-80 lower-case letters, digits, "_", "." or "-", starting with a letter or digit and ending with one or "_" (Azure stores subnet ids verbatim, so casing must never change)',
    );
    if (names.has(subnet.name))
      c.fail(`${f}.name`, subnet.name, `expected a name unique among the subnets (network.subnets.${names.get(subnet.name)} has it)`);
    names.set(subnet.name, key);
    const problem = cidrProblem(subnet.cidr);
    if (problem) {
      c.fail(`${f}.cidr`, subnet.cidr, problem);
      continue;
    }
    const cidr = parseCidr(subnet.cidr);
    if (space && !contains(space, cidr))
      c.fail(`${f}.cidr`, subnet.cidr, `expected a range inside network.addressSpace (${network.addressSpace})`);
    for (const other of subnets) {
      if (overlaps(other.cidr, cidr))
        c.fail(`${f}.cidr`, subnet.cidr, `expected no overlap with network.subnets.${other.key}.cidr (${other.cidr.text})`);
    }
    subnets.push({ key, cidr });
    if (key === 'privateEndpoints') {
      const needed = PRIVATE_ENDPOINTS.length;
      c.check(
        usableAddresses(cidr) >= needed,
        `${f}.cidr`,
        subnet.cidr,
        `expected at least ${needed} usable addresses, one per private endpoint (Azure keeps ${AZURE_RESERVED_ADDRESSES} of every subnet): /${smallestPrefixFor(needed, 29)} or larger`,
      );
    } else {
      const instances = maxPlanInstances(env.apps[key]);
      const needed = integrationAddressesNeeded(instances);
      const rule = `one address per instance, doubled while a scale operation or platform upgrade holds old and new ones, plus the ${AZURE_RESERVED_ADDRESSES} Azure keeps`;
      c.check(
        cidr.prefix <= MIN_INTEGRATION_SUBNET_PREFIX && usableAddresses(cidr) >= needed,
        `${f}.cidr`,
        subnet.cidr,
        `expected /${smallestPrefixFor(needed, MIN_INTEGRATION_SUBNET_PREFIX)} or larger: apps.${key} runs up to ${instances} instances and needs ${needed} usable addresses (${rule})`,
      );
    }
  }
  if (network.inboundAllow) checkInboundAllow(c, network.inboundAllow);
}

function checkInboundAllow(c: Checks, allow: InboundAllow): void {
  const f = 'network.inboundAllow';
  const ranges = allow.ipRanges ?? [];
  const tags = allow.serviceTags ?? [];
  c.check(
    ranges.length + tags.length > 0,
    f,
    allow,
    'expected at least one of ipRanges or serviceTags (omit inboundAllow to leave the API open; an empty allow list would refuse every caller)',
  );
  ranges.forEach((range, i) => {
    const problem = cidrProblem(range);
    if (problem) c.fail(`${f}.ipRanges[${i}]`, range, `${problem} (App Service refuses a bare address: write /32)`);
  });
  tags.forEach((entry, i) => {
    c.matches(
      `${f}.serviceTags[${i}].tag`,
      entry.tag,
      SERVICE_TAG,
      'expected an Azure service tag such as AzureFrontDoor.Backend or ApiManagement',
    );
    const ids = entry.frontDoorIds ?? [];
    if (entry.tag === 'AzureFrontDoor.Backend') {
      c.check(
        ids.length >= 1,
        `${f}.serviceTags[${i}].frontDoorIds`,
        entry.frontDoorIds,
        'expected your Front Door id(s): AzureFrontDoor.Backend covers every Front Door in Azure, the X-Azure-FDID header only yours',
      );
    } else if (ids.length > 0) {
      c.fail(`${f}.serviceTags[${i}].frontDoorIds`, entry.frontDoorIds, 'only the AzureFrontDoor.Backend tag takes Front Door ids');
    }
    c.check(
      ids.length <= MAX_FRONT_DOOR_IDS,
      `${f}.serviceTags[${i}].frontDoorIds`,
      ids.length,
      `expected at most ${MAX_FRONT_DOOR_IDS} Front Door ids per tag (App Service header condition)`,
    );
    ids.forEach((id, j) =>
      c.matches(
        `${f}.serviceTags[${i}].frontDoorIds[${j}]`,
        id,
        GUID,
        'expected a Front Door id (a lower-case GUID, the X-Azure-FDID header value)',
      ),
    );
  });
  const rules = ranges.length + tags.length + (allow.availabilityTests === false ? 0 : 1);
  c.check(
    rules <= MAX_ACCESS_RULES,
    f,
    `${rules} rules`,
    `expected at most ${MAX_ACCESS_RULES} access restriction rules (App Service limit)`,
  );
}
