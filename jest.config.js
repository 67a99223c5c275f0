/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: "node",
  roots: ["<rootDir>/__tests__"],
  testMatch: ["**/*.test.ts"],
  transform: { "^.+\\.ts$": ["@swc/jest"] },
  testTimeout: 30000,
  // Two cores here: jest would use one worker (cores - 1); most suites wait on child processes anyway.
  maxWorkers: 2,
  // The default summary, then every skipped test and why (scripts/jest-skip-summary.cjs).
  reporters: ["default", "<rootDir>/scripts/jest-skip-summary.cjs"],
  // cdktf as one file, built with the synth bundle's options (scripts/jest-global-setup.mjs says why): its
  // token creation stacks are off as in synth (HA_SITE_TOKEN_TRACES=1 turns them on).
  globalSetup: "<rootDir>/scripts/jest-global-setup.mjs",
  moduleNameMapper: { "^cdktf$": "<rootDir>/.cache/jest/cdktf.cjs" },
};
