// Jest setup file (jest.config.js `setupFiles`): cdktf's token creation stacks off in tests too, unless
// HA_SITE_TOKEN_TRACES=1 - the same switch, for the same reason, as the production bundle (scripts/bundle.mjs
// explains it: every Token captures and formats a full stack trace, only for the text of an internal
// token-resolution error). Under jest it costs more than in the bundle: jest's source-map support maps every
// frame of every trace through the source maps. Set HA_SITE_TOKEN_TRACES=1 to see where a token that fails to
// resolve was created.
//
// cdktf calls it through the module object (`(0, stack_trace_1.captureStackTrace)()` in tokens/lazy.js,
// tokens/private/intrinsic.js, complex-computed-list.js, terraform-dynamic-*.js), and a setup file runs in the
// test file's own module registry, so replacing the export here is what every cdktf module of that test file
// sees. __tests__/constructs/tf-literal.test.ts checks that it took effect.
if (process.env.HA_SITE_TOKEN_TRACES !== "1") {
  const traces = require("cdktf/lib/tokens/private/stack-trace");
  if (typeof traces.captureStackTrace !== "function") {
    throw new Error("scripts/jest-token-traces.cjs: cdktf/lib/tokens/private/stack-trace changed; update this file");
  }
  traces.captureStackTrace = function captureStackTrace() {
    return [];
  };
}
