// The end-to-end suite's jest part (e2e/5-jest.sh, `npm run test:e2e -- jest`; one file:
// `npx jest -c jest.e2e.config.js __tests__/scripts/synth-crash.e2e.test.ts`): the `*.e2e.test.ts` suites,
// which run real processes by the dozen. Same setup as `npm test` (jest.config.js), other files.
const base = require("./jest.config");

/** @type {import('jest').Config} */
module.exports = { ...base, testMatch: ["**/*.e2e.test.ts"], testPathIgnorePatterns: ["/node_modules/"] };
