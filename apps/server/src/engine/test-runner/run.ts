import type { Button, MessageContent } from '@parley/protocol';
import {
  compileFlow,
  createSession,
  step,
  type CompiledFlow,
  type RunContext,
} from '../runtime.js';
import type { Effect, FlowEvent } from '../types.js';
import { validateFlow } from '../validate.js';
import { resolveCall, type CodeRunner } from './fake-calls.js';
import { checkTurn } from './match.js';
import { sandboxRunCode } from './sandbox-code.js';
import { parseScenarios, type Scenario, type Turn } from './scenario.js';

/**
 * Runs bot scenarios through the real, pure runtime (`step`): no server, no database, no
 * real time. Each scenario gets a fresh session and a fresh clock at the same fixed instant,
 * so a run is reproducible and `{{now}}` renders the same on every machine. A scenario stops
 * at its first failing turn, since later turns would only report the same divergence again.
 */

/** Monday 2025-01-06 09:00 UTC: a weekday morning, for flows that look at the time. */
export const DEFAULT_START_AT = Date.UTC(2025, 0, 6, 9, 0, 0);

export interface Clock {
  now(): number;
  /** Moves the clock forward (never back) to `at`. */
  advanceTo(at: number): void;
}

export function fixedClock(startAt: number = DEFAULT_START_AT): Clock {
  let current = startAt;
  return {
    now: () => current,
    advanceTo: (at) => {
      current = Math.max(current, at);
    },
  };
}

export interface RunOptions {
  /** Makes each scenario's clock; the default starts at DEFAULT_START_AT. */
  clock?: () => Clock;
  stepBudget?: number;
  /** Runs Codeblocks; the default is the real QuickJS sandbox, without network. */
  runCode?: CodeRunner;
}

/** A turn resolves at most this many calls in a row (a flow of webhooks calling webhooks). */
const MAX_CALLS_PER_TURN = 20;

export interface TurnFailure {
  /** 1-based, as a person counts the turns in the file. */
  turn: number;
  /** What the turn did: `start`, `user "hi"`, `button pricing`, `timer pause`, … */
  action: string;
  problems: string[];
}

export interface ScenarioResult {
  name: string;
  passed: boolean;
  turnsRun: number;
  turnsTotal: number;
  failure?: TurnFailure;
}

export interface ScenarioReport {
  ok: boolean;
  /** The flow failed validateFlow: nothing ran. */
  flowProblems: string[];
  /** The scenario document is invalid: nothing ran. */
  scenarioErrors: string[];
  results: ScenarioResult[];
}

export async function runScenarios(
  flow: unknown,
  scenarios: unknown,
  options: RunOptions = {},
): Promise<ScenarioReport> {
  const validation = validateFlow(flow);
  const parsed = parseScenarios(scenarios);
  const flowProblems = validation.ok
    ? []
    : validation.problems.map(
        (p) => `${p.nodeId === null ? '' : `node "${p.nodeId}": `}${p.message} [${p.code}]`,
      );
  const scenarioErrors = parsed.ok ? [] : parsed.errors;
  if (!validation.ok || !parsed.ok) return { ok: false, flowProblems, scenarioErrors, results: [] };
  const compiled = compileFlow(validation.flow);
  const results: ScenarioResult[] = [];
  for (const scenario of parsed.file.scenarios) {
    results.push(await runScenario(compiled, scenario, options));
  }
  return {
    ok: results.every((result) => result.passed),
    flowProblems,
    scenarioErrors,
    results,
  };
}

interface State {
  context: Omit<RunContext, 'now'>;
  clock: Clock;
  /** Timers the flow asked for and that have not fired yet, by node. */
  timers: Map<string, number>;
  /** The buttons of the last buttons message, to give a pressed button its title. */
  buttons: Button[];
}

function initialContext(compiled: CompiledFlow, scenario: Scenario): Omit<RunContext, 'now'> {
  const given = scenario.context ?? {};
  const contact: Record<string, unknown> = { id: 'test-contact', ...given.contact };
  const globals: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(given.variables ?? {})) {
    if (compiled.variables.get(name)?.scope === 'contact') contact[name] = value;
    else globals[name] = value;
  }
  return {
    contact,
    conversation: { id: 'test-conversation', ...given.conversation },
    channel: { type: 'api', ...given.channel },
    globals,
  };
}

async function runScenario(
  compiled: CompiledFlow,
  scenario: Scenario,
  options: RunOptions,
): Promise<ScenarioResult> {
  const clock = (options.clock ?? fixedClock)();
  const state: State = {
    context: initialContext(compiled, scenario),
    clock,
    timers: new Map(),
    buttons: [],
  };
  let session = createSession(clock.now());
  const result = (turnsRun: number, failure?: TurnFailure): ScenarioResult => ({
    name: scenario.name,
    passed: failure === undefined,
    turnsRun,
    turnsTotal: scenario.turns.length,
    ...(failure === undefined ? {} : { failure }),
  });
  for (const [index, turn] of scenario.turns.entries()) {
    const input = eventOf(turn, state, session.nodeId);
    if ('error' in input) {
      return result(index + 1, { turn: index + 1, action: input.action, problems: [input.error] });
    }
    const context = (): RunContext => ({
      ...state.context,
      now: clock.now(),
      ...(options.stepBudget === undefined ? {} : { stepBudget: options.stepBudget }),
    });
    let outcome = step(compiled, session, input.event, context());
    const effects = [...outcome.effects];
    observe(state, outcome.effects);
    // Calls are answered at once (fakes, the sandbox), as if the call came straight back.
    for (let calls = 0; calls < MAX_CALLS_PER_TURN; calls++) {
      const call = outcome.effects.find(isCall);
      if (call === undefined) break;
      const runCode = options.runCode ?? sandboxRunCode;
      const result = await resolveCall(call.call, scenario.fakes, runCode, call.timeoutMs);
      const event: FlowEvent = {
        type: 'call_result',
        nodeId: call.nodeId,
        callId: call.callId,
        result,
      };
      outcome = step(compiled, outcome.session, event, context());
      effects.push(...outcome.effects);
      observe(state, outcome.effects);
    }
    session = outcome.session;
    const problems = checkTurn(turn.expect, {
      effects,
      session,
      variable: (name) => session.variables[name] ?? state.context.contact[name],
    });
    if (problems.length > 0) {
      return result(index + 1, { turn: index + 1, action: input.action, problems });
    }
  }
  return result(scenario.turns.length);
}

/** Keeps what later turns need: pending timers, offered buttons, persisted contact fields. */
function observe(state: State, effects: ReturnType<typeof step>['effects']): void {
  for (const effect of effects) {
    if (effect.type === 'timer') state.timers.set(effect.nodeId, effect.at);
    if (effect.type === 'send' && effect.content.type === 'buttons') {
      state.buttons = effect.content.buttons;
    }
    // The server stores these on the contact, where later turns read them back.
    if (effect.type === 'set_contact_variable') state.context.contact[effect.name] = effect.value;
  }
}

const isCall = (effect: Effect): effect is Extract<Effect, { type: 'call' }> =>
  effect.type === 'call';

type Input = { event: FlowEvent; action: string } | { error: string; action: string };

const message = (content: MessageContent): FlowEvent => ({ type: 'message', content });

function eventOf(turn: Turn, state: State, waitingAt: string | null): Input {
  const user = turn.user;
  if (typeof user === 'string') {
    return { event: message({ type: 'text', text: user }), action: `user ${JSON.stringify(user)}` };
  }
  if (user !== undefined && 'button' in user) {
    const action = `button ${user.button}`;
    const button = state.buttons.find((b) => b.type === 'reply' && b.id === user.button);
    if (button === undefined) {
      const offered = state.buttons.flatMap((b) => (b.type === 'reply' ? [b.id] : []));
      const list =
        offered.length === 0 ? 'no buttons were offered' : `offered: ${offered.join(', ')}`;
      return { error: `button "${user.button}" is not among the last buttons (${list})`, action };
    }
    return {
      event: message({ type: 'reply', replyTo: user.button, title: button.title }),
      action,
    };
  }
  if (user !== undefined) {
    const { replyTo, title = replyTo, values } = user.reply;
    return {
      event: message({
        type: 'reply',
        replyTo,
        title,
        ...(values === undefined ? {} : { values }),
      }),
      action: `reply ${JSON.stringify(user.reply)}`,
    };
  }
  if (turn.timer !== undefined) return fireTimer(turn.timer, state, waitingAt);
  if (turn.handback === true) return { event: { type: 'handback' }, action: 'handback' };
  return { event: { type: 'start' }, action: 'start' };
}

/** Advances the clock to the timer's due time and fires it (`true`: the one waited on). */
function fireTimer(which: string | true, state: State, waitingAt: string | null): Input {
  const nodeId = which === true ? waitingAt : which;
  const at = nodeId === null ? undefined : state.timers.get(nodeId);
  if (nodeId === null || at === undefined) {
    const pending = [...state.timers.keys()];
    const list = pending.length === 0 ? 'none is pending' : `pending: ${pending.join(', ')}`;
    const wanted = which === true ? `the session waits at "${waitingAt ?? '(nothing)'}"` : which;
    return { error: `no timer to fire for ${wanted} (${list})`, action: `timer ${String(which)}` };
  }
  const seconds = Math.round((at - state.clock.now()) / 1000);
  state.clock.advanceTo(at);
  state.timers.delete(nodeId);
  return { event: { type: 'timer', nodeId }, action: `timer ${nodeId} (+${seconds}s)` };
}
