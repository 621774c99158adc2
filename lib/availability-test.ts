import { ApplicationInsightsStandardWebTest } from '@cdktf/provider-azurerm/lib/application-insights-standard-web-test';
import { Construct } from 'constructs';

/**
 * Test locations of Application Insights availability tests (Microsoft's "Application Insights
 * availability tests", section "Location population tags":
 * https://learn.microsoft.com/azure/azure-monitor/app/availability#location-population-tags).
 * The ids are what the API takes; azurerm stores them lower-cased without spaces, as they are here.
 */
export const WEB_TEST_LOCATIONS = {
  westEurope: 'emea-nl-ams-azr',
  northEurope: 'emea-gb-db3-azr',
  franceCentral: 'emea-fr-pra-edge',
  uKSouth: 'emea-ru-msa-edge',
  uKWest: 'emea-se-sto-edge',
  eastUs: 'us-va-ash-azr',
  westUs: 'us-ca-sjc-azr',
  southCentralUs: 'us-tx-sn1-azr',
  southeastAsia: 'apac-sg-sin-azr',
} as const;

/** Microsoft's guidance: at least five locations, and alert when (locations - 2) fail at once. */
export const MINIMUM_WEB_TEST_LOCATIONS = 5;

/** The default: five European locations and two American ones, near the shop and its customers. */
export const DEFAULT_WEB_TEST_LOCATIONS: readonly string[] = [
  WEB_TEST_LOCATIONS.westEurope,
  WEB_TEST_LOCATIONS.northEurope,
  WEB_TEST_LOCATIONS.franceCentral,
  WEB_TEST_LOCATIONS.uKSouth,
  WEB_TEST_LOCATIONS.uKWest,
  WEB_TEST_LOCATIONS.eastUs,
  WEB_TEST_LOCATIONS.westUs,
];

export interface AvailabilityTestProps {
  readonly name: string;
  readonly resourceGroupName: string;
  /** The location of the Application Insights resource (azurerm: it must correlate with it). */
  readonly location: string;
  readonly appInsightsId: string;
  /** `https://<host>/api/health` of the order API: anonymous, cheap, 200 with `{"status":"healthy"}`. */
  readonly url: string;
  /** @default DEFAULT_WEB_TEST_LOCATIONS */
  readonly locations?: readonly string[];
  /** Lower-case keys; never a `hidden-link` tag (azurerm writes it and strips it on read). */
  readonly tags: Record<string, string>;
}

/**
 * A standard web test of the order API's health endpoint every 5 minutes from several regions, so an
 * outage of the public endpoint is seen (and pages, lib/alerts.ts) even when no order arrives.
 *
 * azurerm 4.55 (application_insights_standard_web_test_resource.go): `enabled` and `retry_enabled`
 * have no default and are sent as false when unset, so both are explicit; `validation_rules` is read
 * back whenever Azure returns a status code, so it is set in full; the provider adds the
 * `hidden-link:<component id>` tag itself on create and update and strips it on read, so it never
 * goes in config; geo locations are compared lower-cased.
 */
export class AvailabilityTest extends Construct {
  readonly webTest: ApplicationInsightsStandardWebTest;
  readonly locations: readonly string[];

  constructor(scope: Construct, id: string, props: AvailabilityTestProps) {
    super(scope, id);
    this.locations = props.locations ?? DEFAULT_WEB_TEST_LOCATIONS;
    if (this.locations.length < MINIMUM_WEB_TEST_LOCATIONS) {
      throw new Error(
        `availability test ${props.name}: locations has ${this.locations.length} entries; at least ${MINIMUM_WEB_TEST_LOCATIONS} are needed (Microsoft's minimum for a reliable alert)`,
      );
    }
    this.webTest = new ApplicationInsightsStandardWebTest(this, 'web-test', {
      name: props.name,
      resourceGroupName: props.resourceGroupName,
      location: props.location,
      applicationInsightsId: props.appInsightsId,
      description: 'GET /api/health of the order API from several regions; the availability alert pages on-call.',
      enabled: true,
      // About 80% of failures disappear on retry (Microsoft): a retry before a location counts as failed.
      retryEnabled: true,
      frequency: 300,
      timeout: 30,
      geoLocations: [...this.locations],
      request: {
        url: props.url,
        httpVerb: 'GET',
        // A JSON endpoint has no dependent requests; a redirect would be a fault (HTTPS only, no moves).
        parseDependentRequestsEnabled: false,
        followRedirectsEnabled: false,
      },
      validationRules: {
        expectedStatusCode: 200,
        sslCheckEnabled: true,
        sslCertRemainingLifetime: 7,
        content: { contentMatch: '"status":"healthy"', ignoreCase: false, passIfTextFound: true },
      },
      tags: props.tags,
    });
  }

  /** Locations that must fail at once before the alert fires (Microsoft: locations - 2). */
  get failedLocationThreshold(): number {
    return this.locations.length - 2;
  }
}
