import { environments, prod, stackName } from '../../lib/config/environments';
import { resourceNames } from '../../lib/naming';
import { environmentTargets } from '../../lib/targets';

/** Where the operator tools find an environment's queue and API, without a synth. */

test.each(environments.map((e) => [e.name, e] as const))('%s, by its name or its stack name: the names the stack gives', (_, env) => {
  const names = resourceNames(env);
  const expected = {
    serviceBusFqdn: `${names.serviceBusNamespace}.servicebus.windows.net`,
    queueName: names.queue,
    orderApiApp: names.apps.orderApi.functionApp,
  };
  expect(environmentTargets(env.name)).toEqual(expected);
  expect(environmentTargets(stackName(env))).toEqual(expected);
});

test('an unknown environment names the known ones', () => {
  expect(() => environmentTargets('staging')).toThrow(new RegExp(`unknown environment 'staging': expected one of .*${prod.name}`));
});
