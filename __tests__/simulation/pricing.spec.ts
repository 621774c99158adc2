import { environments } from '../../lib/config/environments';
import { PLAN_INSTANCE_HOUR, pricesFor } from '../../scripts/simulation/pricing';
import { HOSTING_VARIANTS } from '../../scripts/simulation/variants';

/** The simulation prices the plans the stack and its variants deploy, from the one SKU table. */

const deployedSkus = [...environments.map((e) => e.apps), ...Object.values(HOSTING_VARIANTS).map((v) => v.apps)].flatMap((apps) =>
  Object.values(apps).map((hosting) => hosting.sku),
);

test.each([...new Set(deployedSkus)])('%s, deployed by an environment or a hosting variant, has a sourced price', (sku) => {
  expect(PLAN_INSTANCE_HOUR[sku]?.usd).toBeGreaterThan(0);
});

test('prices are listed under the name of their plan kind', () => {
  expect(pricesFor(['EP1', 'P0v3'], undefined).map((p) => p.name)).toEqual([
    'Functions Elastic Premium EP1 (Linux)',
    'App Service Linux P0v3',
  ]);
});
