import { spawnSync } from 'node:child_process';
import * as path from 'node:path';

const projectRoot = path.join(__dirname, '..', '..');

/** The real entry point, as `npm run dlq` starts it; only paths that stop before any connection. */
function dlq(...args: string[]) {
  return spawnSync(process.execPath, ['--import', 'tsx', 'scripts/dlq.ts', ...args], {
    cwd: projectRoot,
    encoding: 'utf8',
    env: { PATH: process.env.PATH ?? '' },
    timeout: 20_000,
  });
}

describe('npm run dlq (entry point)', () => {
  it('prints its help and exits 0 with --help, before looking for an environment or a login', () => {
    const help = dlq('--help');
    expect(help.status).toBe(0);
    expect(help.stdout).toMatch(/usage: npm run dlq -- <environment>/);
    expect(help.stdout).toMatch(/--replay-valid/);
    expect(help.stderr).toBe('');
  });

  it('prints the usage and exits 2 without an environment, and names an unknown environment', () => {
    const usage = dlq();
    expect(usage.status).toBe(2);
    expect(usage.stderr).toMatch(/usage: npm run dlq -- <environment>/);

    const unknown = dlq('no-such-environment', '--json');
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toMatch(/Unknown environment 'no-such-environment'/);
  });
});
