// Jest reporter: after the run, lists every skipped test with its file (a skipped test's title says why it is
// skipped, e.g. "shellcheck: not installed on this machine ..."), so the summary says what did not run instead
// of a bare "3 skipped" that only --verbose explains. With HA_SITE_NO_SKIPS=1 (.ci/run sets it: CI installs
// everything the tests need) a skipped test fails the run.
const { relative } = require("node:path");

class SkipSummaryReporter {
  constructor(globalConfig) {
    this.rootDir = globalConfig.rootDir;
    this.error = undefined;
  }

  onRunComplete(_contexts, results) {
    const skipped = [];
    for (const file of results.testResults) {
      for (const test of file.testResults) {
        if (test.status === "pending" || test.status === "skipped" || test.status === "todo") {
          skipped.push(`  - ${test.fullName} (${relative(this.rootDir, file.testFilePath)})`);
        }
      }
    }
    if (skipped.length === 0) return;
    const strict = process.env.HA_SITE_NO_SKIPS === "1";
    const head = `${skipped.length} test${skipped.length === 1 ? "" : "s"} skipped${strict ? " (not allowed here: HA_SITE_NO_SKIPS=1)" : ""}:`;
    process.stderr.write(`\n${head}\n${skipped.join("\n")}\n`);
    if (strict) this.error = new Error(head);
  }

  getLastError() {
    return this.error;
  }
}

module.exports = SkipSummaryReporter;
