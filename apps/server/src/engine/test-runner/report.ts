import type { ScenarioReport } from './run.js';

/**
 * The terminal rendering of a run: one line per scenario, and under a failed one the turn
 * that failed with its diff. Plain text with ✓/✗ markers, no colours, so that CI logs and
 * snapshot tests read the same as a terminal.
 */
export function formatReport(report: ScenarioReport): string {
  const lines: string[] = [];
  if (report.flowProblems.length > 0) {
    lines.push(`✗ The flow is invalid (${String(report.flowProblems.length)} problems):`);
    lines.push(...report.flowProblems.map((problem) => `  - ${problem}`));
  }
  if (report.scenarioErrors.length > 0) {
    lines.push(`✗ The scenario file is invalid (${String(report.scenarioErrors.length)} errors):`);
    lines.push(...report.scenarioErrors.map((error) => `  - ${error}`));
  }
  for (const result of report.results) {
    const failure = result.failure;
    if (failure === undefined) {
      lines.push(`✓ ${result.name} (${String(result.turnsTotal)} turns)`);
      continue;
    }
    lines.push(`✗ ${result.name}`);
    lines.push(
      `  turn ${String(failure.turn)} of ${String(result.turnsTotal)} (${failure.action}):`,
    );
    lines.push(...failure.problems.map((problem) => `    ${problem}`));
    const skipped = result.turnsTotal - failure.turn;
    if (skipped > 0) lines.push(`  (${String(skipped)} later turns not run)`);
  }
  const passed = report.results.filter((result) => result.passed).length;
  const failed = report.results.length - passed;
  if (report.results.length > 0) {
    lines.push('', `${String(passed)} passed, ${String(failed)} failed`);
  }
  return `${lines.join('\n')}\n`;
}

/** The process exit status: 0 when every scenario passed, 1 otherwise (CI fails the job). */
export function exitCode(report: ScenarioReport): number {
  return report.ok ? 0 : 1;
}
