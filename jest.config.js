/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: "node",
  roots: ["<rootDir>/__tests__"],
  testMatch: ["**/*.test.ts"],
  // `*.e2e.test.ts`: the suites that run real processes by the dozen (synth.mjs killed at every step, the
  // generated scripts under real shells, terraform, git worktrees): the end-to-end suite's jest part
  // (jest.e2e.config.js, `npm run test:e2e -- jest`), which CI runs after `npm test`. Here: the rest.
  testPathIgnorePatterns: ["/node_modules/", "\\.e2e\\.test\\.ts$"],
  transform: { "^.+\\.ts$": ["@swc/jest"] },
  testTimeout: 30000,
  // Two cores here, three workers: several suites wait (on child processes, terraform, the drill's real-time
  // polls) and a third worker fills those gaps. Warm npm test on a quiet 2-core machine: 2 workers 49-50 s,
  // 3 workers 42-45 s, 4 workers 45 s.
  maxWorkers: 3,
  // The default summary, then every skipped test and why (scripts/jest-skip-summary.cjs).
  reporters: ["default", "<rootDir>/scripts/jest-skip-summary.cjs"],
  // cdktf as one file, built with the synth bundle's options (scripts/jest-global-setup.mjs says why): its
  // token creation stacks are off as in synth (HA_SITE_TOKEN_TRACES=1 turns them on).
  globalSetup: "<rootDir>/scripts/jest-global-setup.mjs",
  moduleNameMapper: { "^cdktf$": "<rootDir>/.cache/jest/cdktf.cjs" },
};
