import { describe, expect, it } from 'vitest';
import { formatReport, runScenarios } from '../test-runner/index.js';
import { validateFlow } from '../validate.js';
import { demoBots, demoFilePath } from './demo.js';

describe('demo bots', () => {
  const bots = demoBots();

  it('ships the lead-capture bot first, then the widget tour and the FAQ assistant, found beside the module', () => {
    expect(bots.map((bot) => bot.name)).toEqual(['lead-capture', 'widget-tour', 'faq-assistant']);
    expect(demoFilePath('lead-capture.flow.json')).toMatch(/engine[\\/]demo[\\/]/);
  });

  it.each(bots)('$name: the flow is valid', (bot) => {
    const result = validateFlow(bot.flow);
    expect(result.ok ? [] : result.problems).toEqual([]);
  });

  it.each(bots)('$name: every shipped scenario passes', async (bot) => {
    const report = await runScenarios(bot.flow, bot.scenarios);
    expect(formatReport(report)).not.toContain('✗');
    expect(report.ok).toBe(true);
    expect(report.results.length).toBeGreaterThanOrEqual(5);
  });

  it('hands over to the Support team', () => {
    const [bot] = bots;
    const flow = JSON.stringify(bot?.flow);
    expect(flow).toContain('"teamId":"Support"');
  });
});
