// Prints the plain "N passed, N failed[, N skipped]" line from vitest's JSON report (CI reads only that line).
import { readFileSync } from 'node:fs'

const file = process.argv[2] ?? 'test-results/vitest.json'
let report
try {
  report = JSON.parse(readFileSync(file, 'utf8'))
} catch {
  console.log('0 passed, 1 failed')
  console.error(`no test report at ${file}: the test run did not complete`)
  process.exit(1)
}
// A file that failed to load (syntax error, failing beforeAll) counts as a failure even with no test results.
const brokenFiles = report.testResults.filter((file) => file.status === 'failed' && file.assertionResults.length === 0).length
const failed = report.numFailedTests + brokenFiles
const skipped = report.numPendingTests + report.numTodoTests
console.log(`${report.numPassedTests} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`)
process.exit(failed > 0 || report.numTotalTests === 0 ? 1 : 0)
