// Jest's Node environment, with cdktf's creation traces left empty (jest.config.js names it).
//
// cdktf captures a full stack trace for every lazy value it creates, into a plain object (not an
// Error), and under Jest each one is formatted through the source maps of every transformed frame:
// most of a test synth's time. Those traces only decorate cdktf's own messages. The test files' realm
// gets a formatter that leaves such objects empty and hands every Error to the worker's formatter
// (Jest's, which maps frames back to the .ts lines), so a failing test's trace is unchanged.
const { TestEnvironment } = require('jest-environment-node');

class OrdersTestEnvironment extends TestEnvironment {
  constructor(config, context) {
    super(config, context);
    // cdktf captures into a plain object of the test files' realm ({ stack: '' }); every other error
    // (an Error of any realm, an ES5-style error class such as rhea's) keeps its trace.
    const plainObject = this.global.Object.prototype;
    this.global.Error.prepareStackTrace = (error, frames) => {
      if (Object.getPrototypeOf(error) === plainObject) return '';
      // Read when a trace is formatted: Jest installs its formatter after the environment is made.
      const format = Error.prepareStackTrace;
      return format ? format(error, frames) : [String(error), ...frames.map((frame) => `    at ${frame}`)].join('\n');
    };
  }
}

module.exports = OrdersTestEnvironment;
