/** The bot test runner (`parley test-bot`): scenarios run through the pure flow runtime. */
export { testBotCommand, TEST_BOT_USAGE, type TestBotIo } from './cli.js';
export { exitCode, formatReport } from './report.js';
export {
  DEFAULT_START_AT,
  fixedClock,
  runScenarios,
  type Clock,
  type RunOptions,
  type ScenarioReport,
  type ScenarioResult,
  type TurnFailure,
} from './run.js';
export {
  parseDocument,
  parseScenarios,
  scenarioFileSchema,
  type ScenarioFile,
} from './scenario.js';
