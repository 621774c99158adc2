import { AvailabilityTest, DEFAULT_WEB_TEST_LOCATIONS, MINIMUM_WEB_TEST_LOCATIONS, WEB_TEST_LOCATIONS } from '../../lib/availability-test';
import { synthBare, WHERE } from '../helpers/bare-stack';
import { onlyResource } from '../helpers/synth';

/** The standard web test of the API's health endpoint, built alone. */

const APPI = '/subscriptions/x/resourceGroups/rg-test/providers/Microsoft.Insights/components/appi-test';
const URL = 'https://func-test-api.azurewebsites.net/api/health';

function build(locations?: readonly string[]) {
  let threshold = 0;
  const { tf } = synthBare((stack) => {
    threshold = new AvailabilityTest(stack, 'api-availability', { ...WHERE, name: 'webt-test', appInsightsId: APPI, url: URL, locations })
      .failedLocationThreshold;
  });
  return { test: onlyResource(tf, 'azurerm_application_insights_standard_web_test'), threshold };
}

const { test: webTest, threshold } = build();

test('GET the URL every 5 minutes from the default locations, retried, enabled, for the given component', () => {
  expect(webTest).toMatchObject({
    name: 'webt-test',
    application_insights_id: APPI,
    location: WHERE.location,
    enabled: true,
    retry_enabled: true,
    frequency: 300,
    timeout: 30,
    geo_locations: [...DEFAULT_WEB_TEST_LOCATIONS],
    request: { url: URL, http_verb: 'GET', parse_dependent_requests_enabled: false, follow_redirects_enabled: false },
  });
  expect(webTest.tags).toEqual(WHERE.tags);
});

test('passes only on 200 with the healthy body and a certificate that lasts a week more', () => {
  expect(webTest.validation_rules).toEqual({
    expected_status_code: 200,
    ssl_check_enabled: true,
    ssl_cert_remaining_lifetime: 7,
    content: { content_match: '"status":"healthy"', ignore_case: false, pass_if_text_found: true },
  });
});

test('the alert threshold is the number of locations less two', () => {
  expect(threshold).toBe(DEFAULT_WEB_TEST_LOCATIONS.length - 2);
  const five = Object.values(WEB_TEST_LOCATIONS).slice(0, MINIMUM_WEB_TEST_LOCATIONS);
  expect(build(five)).toMatchObject({ test: { geo_locations: five }, threshold: 3 });
});

test('fewer than five locations fail synth, naming the test and the minimum', () => {
  expect(() => build(Object.values(WEB_TEST_LOCATIONS).slice(0, 4))).toThrow(
    /availability test webt-test: locations has 4 entries; at least 5 are needed/,
  );
});
