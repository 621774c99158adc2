/**
 * The app command of cdktf.json and `npm run synth`: runs main.ts without a TypeScript loader.
 *
 * esbuild compiles main.ts and the project files it imports into one CommonJS file (npm packages stay
 * external) in node_modules/.cache/orders-synth, and Node runs that file. A loader hooked into every
 * require (tsx) made a warm synth about twice as slow. The compiled file is reused while every file
 * esbuild read for it is unchanged; otherwise it is rebuilt (about 0.15 s). Like tsx, this does not
 * type-check: `npm run typecheck` does.
 */
const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');

const projectRoot = path.resolve(__dirname, '..');
const cacheDir = path.join(projectRoot, 'node_modules', '.cache', 'orders-synth');
const compiled = path.join(cacheDir, 'main.cjs');
const inputsFile = path.join(cacheDir, 'inputs.json');

/** A key over everything the compiled file depends on; undefined when an input is gone. */
function keyOf(inputs) {
  const hash = crypto.createHash('sha256');
  // esbuild reads tsconfig.json for how to compile; the project root is written into the output.
  for (const file of [__filename, path.join(projectRoot, 'tsconfig.json'), ...inputs.map((input) => path.join(projectRoot, input))]) {
    if (!fs.existsSync(file)) return undefined;
    hash.update(`${path.relative(projectRoot, file)}\0`).update(fs.readFileSync(file));
  }
  return hash.update(projectRoot).update(require('esbuild').version).digest('hex');
}

function isFresh() {
  try {
    const { key, inputs } = JSON.parse(fs.readFileSync(inputsFile, 'utf8'));
    return fs.existsSync(compiled) && keyOf(inputs) === key;
  } catch {
    return false;
  }
}

function compile() {
  const result = require('esbuild').buildSync({
    absWorkingDir: projectRoot,
    entryPoints: ['main.ts'],
    outfile: compiled,
    bundle: true,
    packages: 'external',
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    // main.ts hands its own directory to the stacks as the project root.
    define: { __dirname: JSON.stringify(projectRoot) },
    sourcemap: 'linked',
    metafile: true,
    write: false,
    logLevel: 'silent',
  });
  const inputs = Object.keys(result.metafile.inputs).sort();
  // Through a temporary directory and a rename, so that a parallel synth never runs half a file.
  const tmp = `${cacheDir}.tmp-${process.pid}`;
  fs.mkdirSync(tmp, { recursive: true });
  for (const output of result.outputFiles) fs.writeFileSync(path.join(tmp, path.basename(output.path)), output.contents);
  fs.writeFileSync(path.join(tmp, 'inputs.json'), JSON.stringify({ key: keyOf(inputs), inputs }, null, 2));
  fs.rmSync(cacheDir, { recursive: true, force: true });
  fs.renameSync(tmp, cacheDir);
}

function main() {
  if (!isFresh()) compile();
  // Source maps on while the compiled file loads, so an error's stack trace names the .ts lines;
  // main.ts turns them off once it is loaded, before cdktf (see there).
  process.setSourceMapsEnabled(true);
  require(compiled);
}

if (require.main === module) main();
// For its test: whether the next run would reuse the compiled file.
module.exports = { isFresh };
