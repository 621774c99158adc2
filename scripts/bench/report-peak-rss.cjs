// Preloaded by bench.ts into the synth process: reports its peak resident memory on exit.
process.on('exit', () => {
  require('node:fs').writeSync(2, `BENCH_PEAK_RSS_KB=${process.resourceUsage().maxRSS}\n`);
});
