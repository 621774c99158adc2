// Loads the function bundle as the Functions Node.js worker does: the worker answers
// require('@azure/functions-core') itself (the library would otherwise switch to test mode).
// Prints how long the bundle took to load. Used by bench.ts; argv[2] is the bundle's path.
const Module = require('node:module');
const registered = [];
const core = {
  version: '4.0.0-bench',
  hostVersion: '4.1000.0',
  setProgrammingModel() {},
  getProgrammingModel() {},
  registerHook() {
    return { dispose() {} };
  },
  registerFunction(metadata) {
    registered.push(metadata.name);
    return { dispose() {} };
  },
  log() {},
};
const originalLoad = Module._load;
Module._load = function load(request, parent, isMain) {
  return request === '@azure/functions-core' ? core : originalLoad.call(this, request, parent, isMain);
};
const started = process.hrtime.bigint();
require(process.argv[2]);
const ms = Number(process.hrtime.bigint() - started) / 1e6;
if (registered.length === 0) throw new Error('the bundle registered no function');
process.stdout.write(`BENCH_LOAD_MS=${ms.toFixed(2)} functions=${registered.join(',')}\n`);
