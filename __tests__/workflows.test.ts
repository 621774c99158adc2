import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse } from 'yaml';
import { environments } from '../lib/config/environments';
import { PROJECT_ROOT, synthEnvironment } from './helpers/synth';

/** The GitHub Actions workflows cannot run here; these read them the way GitHub will. */
const workflowsDir = path.join(PROJECT_ROOT, '.github', 'workflows');
const load = (name: string) => parse(fs.readFileSync(path.join(workflowsDir, name), 'utf8'));

test('no workflow reads a stored secret: Azure login is OIDC federation with plain ids', () => {
  for (const file of fs.readdirSync(workflowsDir)) {
    const text = fs.readFileSync(path.join(workflowsDir, file), 'utf8');
    expect([file, text.match(/secrets\.[A-Za-z_]+/g) ?? []]).toEqual([file, []]);
  }
  const deploy = load('deploy-environment.yml').jobs.deploy;
  expect(deploy.permissions['id-token']).toBe('write');
  expect(deploy.env).toMatchObject({ ARM_USE_OIDC: 'true', ARM_CLIENT_ID: '${{ vars.AZURE_CLIENT_ID }}' });
});

test('pull requests: tests, a Checkov scan with the repository exceptions, and a diff per stack as a comment', () => {
  const pr = load('pull-request.yml');
  expect(pr.on).toHaveProperty('pull_request');
  const steps = (job: string) => pr.jobs[job].steps.map((s: any) => s.run ?? s.uses).join('\n');
  expect(steps('test')).toMatch(/npm ci[\s\S]*npm run synth[\s\S]*npm test/);
  expect(steps('checkov')).toMatch(/checkov --config-file \.checkov\.yaml/);
  expect(pr.jobs.diff.strategy.matrix.environment).toEqual(environments.map((e) => e.name));
  expect(steps('diff')).toMatch(/npx cdktf diff "orders-\$\{\{ matrix.environment \}\}"/);
  expect(pr.jobs.diff.permissions['pull-requests']).toBe('write');
  // Read-only plan identities cannot take the state lease: the diff plans without the lock.
  expect(pr.jobs.diff.env.TF_CLI_ARGS_plan).toBe('-lock=false');
});

test('main: dev first, then prod, each in its own GitHub environment, with smoke test and an empty second plan', () => {
  const deploy = load('deploy.yml');
  expect(deploy.on.push.branches).toEqual(['main']);
  expect(deploy.jobs.dev.with.environment).toBe('dev');
  expect(deploy.jobs.prod).toMatchObject({ needs: 'dev', with: { environment: 'prod' } });
  const job = load('deploy-environment.yml').jobs.deploy;
  expect(job.environment).toBe('${{ inputs.environment }}');
  const runs = job.steps.map((s: any) => s.run ?? '').join('\n');
  expect(runs).toMatch(/ORDERS_STATE_STORAGE_ACCOUNT[\s\S]*exit 1/); // refuses local state
  expect(runs).toMatch(/cdktf deploy "\$STACK" --auto-approve/);
  expect(runs).toMatch(/npm run loadtest -- --smoke/);
  expect(runs).toMatch(/plan [^\n]*-detailed-exitcode/);
  // The smoke test's function key is masked before use.
  expect(runs.indexOf('::add-mask::')).toBeLessThan(runs.indexOf('ORDERS_FUNCTION_KEY='));
});

test('every Terraform output a workflow reads is one the stack declares', () => {
  const declared = new Set(Object.keys(synthEnvironment(environments[0]).tf.output));
  for (const file of fs.readdirSync(workflowsDir)) {
    const text = fs.readFileSync(path.join(workflowsDir, file), 'utf8');
    for (const [, name] of text.matchAll(/output -raw ([a-z_]+)/g)) expect([file, name, declared.has(name)]).toEqual([file, name, true]);
  }
});
