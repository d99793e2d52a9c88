// Prints one line per conformance scenario from the suite's results folder: its checks that
// succeeded, failed and warned, and whether the baseline expects it to fail. A scenario with
// neither a success nor a failure (it found nothing it applies to) is NONE, not a pass.
//   node summary.mjs <results dir> <expected-failures.yml>
import fs from 'node:fs';
import path from 'node:path';

const [dir, baselineFile] = process.argv.slice(2);
const expected = new Set(fs.readFileSync(baselineFile, 'utf8').split('\n')
  .map((line) => line.match(/^\s*-\s*([a-z0-9-]+)/)).filter(Boolean).map((m) => m[1]));
const rows = [];
for (const entry of fs.readdirSync(dir, { recursive: true })) {
  if (path.basename(entry) !== 'checks.json') continue;
  const checks = JSON.parse(fs.readFileSync(path.join(dir, entry), 'utf8'));
  const scenario = path.basename(path.dirname(entry)).replace(/^server-/, '').replace(/-\d{4}-\d{2}-\d{2}T.*$/, '');
  const count = (status) => checks.filter((check) => check.status === status).length;
  const failed = count('FAILURE');
  const verdict = failed ? 'FAIL' : count('SUCCESS') ? 'PASS' : 'NONE';
  rows.push(`${verdict}  ${scenario.padEnd(34)} ${count('SUCCESS')} ok, ${failed} failed, `
    + `${count('WARNING')} warnings${expected.has(scenario) ? '   (baseline: expected to fail)' : ''}`
    + `${verdict === 'NONE' ? '   (nothing checked: the scenario did not apply)' : ''}`);
}
rows.sort((a, b) => a.slice(6).localeCompare(b.slice(6)));
console.log(rows.join('\n'));
const passed = rows.filter((row) => row.startsWith('PASS')).length;
const none = rows.filter((row) => row.startsWith('NONE')).length;
console.log(`MCP conformance: ${passed} of ${rows.length} scenarios passed their checks, ${none} checked`
  + ` nothing, ${expected.size} in the baseline of expected failures`);
