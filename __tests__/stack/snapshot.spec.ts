import { environments } from '../../lib/config/environments';
import { synthEnvironment } from '../helpers/synth';

/**
 * The whole synthesized stack of each environment. Review a changed snapshot like a `cdktf diff` in a
 * pull request: every changed line should be one you meant. The function package is a fixed
 * stand-in here, so these snapshots move only when the infrastructure does.
 */
describe.each(environments.map((e) => [e.name, e] as const))('orders-%s', (_, environment) => {
  test('synthesizes the reviewed stack', () => {
    expect(JSON.parse(synthEnvironment(environment).json)).toMatchSnapshot();
  });
});
