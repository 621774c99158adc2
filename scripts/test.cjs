/**
 * `npm test`: the type check (`npm run typecheck`), the linters (`npm run lint`) and every jest suite,
 * started together, so that the checks' few seconds of CPU fill the time jest's workers spend waiting
 * on child processes and local servers instead of adding to it. Jest's output streams as usual; after
 * jest ends, each check's result follows with whatever it printed (warnings too), so a failure is the
 * last thing on the screen. Exits non-zero if any of the three fails. Arguments go to jest: `npm test -- __tests__/lib` (the checks still run on the whole tree).
 */
const { spawn } = require('node:child_process');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const { scripts } = require(path.join(root, 'package.json'));
// As `npm run` would: the project's binaries first on PATH.
const env = { ...process.env, PATH: `${path.join(root, 'node_modules', '.bin')}${path.delimiter}${process.env.PATH ?? ''}` };

/** Runs a package.json script's command through the shell, its output kept until it ends. */
function check(name) {
  const started = Date.now();
  return new Promise((resolve) => {
    const child = spawn(scripts[name], { cwd: root, env, shell: true, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    child.on('close', (code) => {
      const seconds = ((Date.now() - started) / 1000).toFixed(1);
      const verdict = code === 0 ? `passed in ${seconds} s` : `FAILED (exit ${code})`;
      resolve({ code: code ?? 1, report: `npm run ${name}: ${verdict}\n${output.trim() ? `${output.trimEnd()}\n` : ''}` });
    });
  });
}

function jest(args) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [path.join(root, 'node_modules', 'jest', 'bin', 'jest.js'), ...args], {
      cwd: root,
      env,
      stdio: 'inherit',
    });
    child.on('close', (code) => resolve(code ?? 1));
  });
}

Promise.all([check('typecheck'), check('lint'), jest(process.argv.slice(2))]).then(([typecheck, lint, jestCode]) => {
  process.stderr.write(`\n${typecheck.report}${lint.report}`);
  process.exitCode = [typecheck.code, lint.code, jestCode].find((code) => code !== 0) ?? 0;
});
