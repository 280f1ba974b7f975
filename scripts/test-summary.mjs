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

let passed = 0
let failed = 0
let skipped = 0
for (const testFile of report.testResults) {
  const fileFailed = testFile.status === 'failed'
  // A file that failed to load or whose beforeAll threw has no passing tests: count it, and the tests it
  // could not run, as failures rather than as skips.
  if (fileFailed && testFile.assertionResults.length === 0) failed++
  for (const test of testFile.assertionResults) {
    if (test.status === 'passed') passed++
    else if (test.status === 'failed' || fileFailed) failed++
    else skipped++
  }
}
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`)
process.exit(failed > 0 || passed === 0 ? 1 : 0)
