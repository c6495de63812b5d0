import { describe, expect, it } from 'vitest';
import { runCodeblock, sandboxStats, type CodeblockResult } from './codeblock-sandbox.js';

/** The variables of a run that must succeed; fails the test with the error otherwise. */
async function variablesOf(
  code: string,
  variables: Record<string, unknown> = {},
): Promise<Record<string, unknown>> {
  const result = await runCodeblock({ code, variables });
  if (!result.ok) throw new Error(`${result.error.code}: ${result.error.message}`);
  return result.variables;
}

function errorOf(result: CodeblockResult): { code: string; message: string } {
  if (result.ok) throw new Error(`expected a failure, got ${JSON.stringify(result.variables)}`);
  return result.error;
}

async function timed(code: string, timeoutMs: number) {
  const started = performance.now();
  const result = await runCodeblock({ code, variables: {}, limits: { timeoutMs } });
  return { error: errorOf(result), elapsed: performance.now() - started };
}

describe('codeblock sandbox: variables and results', () => {
  it('gives the code a deep copy of the variables and returns the mutated copy', async () => {
    const input = { count: 1, user: { name: 'Ada', tags: ['a'] } };
    const output = await variablesOf(
      `variables.count += 1; variables.user.tags.push('b'); variables.added = [1, 2];`,
      input,
    );
    expect(output).toEqual({ count: 2, user: { name: 'Ada', tags: ['a', 'b'] }, added: [1, 2] });
    expect(input).toEqual({ count: 1, user: { name: 'Ada', tags: ['a'] } });
  });

  it('merges a returned plain object over the variables; return and await work', async () => {
    const output = await variablesOf(
      `variables.kept = true; const v = await Promise.resolve(41); return { total: v + 1, a: 'new' };`,
      { a: 'old', b: 'b' },
    );
    expect(output).toEqual({ a: 'new', b: 'b', kept: true, total: 42 });
    expect(await variablesOf('return null', { a: 1 })).toEqual({ a: 1 });
  });

  it('drops functions and undefined as JSON does, and "__proto__" keys', async () => {
    const output = await variablesOf(
      `return { f() {}, u: undefined, n: null, nested: { g: () => 1, x: 1 }, ['__proto__']: { p: 1 } }`,
    );
    expect(output).toEqual({ n: null, nested: { x: 1 } });
    expect(Object.getPrototypeOf(output)).toBe(Object.prototype);
  });

  it('reports output that is not JSON as invalid_output', async () => {
    const cases: [string, RegExp][] = [
      ['return { big: 10n }', /BigInt/],
      ['variables.self = variables', /circular/],
      ['return { n: NaN }', /NaN \(at "n"\) is not a JSON number/],
      ['return { n: [1, Infinity] }', /Infinity/],
      ['return [1, 2]', /plain object or nothing, not an array/],
      ['return 42', /not number/],
      ['variables = "text"', /variables must stay a plain object/],
    ];
    for (const [code, message] of cases) {
      const error = errorOf(await runCodeblock({ code, variables: {} }));
      expect(error.code, code).toBe('invalid_output');
      expect(error.message, code).toMatch(message);
    }
  });

  it('caps the output size', async () => {
    const limits = { maxOutputBytes: 1_000 };
    const small = await runCodeblock({
      code: `return { s: 'x'.repeat(900) }`,
      variables: {},
      limits,
    });
    expect(small.ok).toBe(true);
    for (const code of [`return { s: 'x'.repeat(2000) }`, `return { s: 'é'.repeat(600) }`]) {
      const error = errorOf(await runCodeblock({ code, variables: {}, limits }));
      expect(error.code, code).toBe('invalid_output');
      expect(error.message, code).toMatch(/1000/);
    }
  });

  it('reports thrown errors with their message and line, and syntax errors', async () => {
    const thrown = errorOf(
      await runCodeblock({ code: `\n\nthrow new Error('boom')`, variables: {} }),
    );
    expect(thrown).toEqual({ code: 'error', message: 'Error: boom (line 3)' });
    const rejected = errorOf(
      await runCodeblock({ code: `await null; throw new TypeError('late')`, variables: {} }),
    );
    expect(rejected).toEqual({ code: 'error', message: 'TypeError: late (line 1)' });
    expect(errorOf(await runCodeblock({ code: `throw 'plain'`, variables: {} }))).toEqual({
      code: 'error',
      message: 'Uncaught plain',
    });
    const syntax = errorOf(await runCodeblock({ code: 'let x = ;', variables: {} }));
    expect(syntax.code).toBe('error');
    expect(syntax.message).toMatch(/^SyntaxError: /);
    const stack = errorOf(
      await runCodeblock({ code: 'function f() { return f() } f()', variables: {} }),
    );
    expect(stack).toEqual({ code: 'error', message: 'InternalError: stack overflow (line 1)' });
    const never = errorOf(
      await runCodeblock({ code: 'await new Promise(() => {})', variables: {} }),
    );
    expect(never).toEqual({
      code: 'error',
      message: 'The code awaits a promise that never settles',
    });
  });

  it('captures console output, bounded in count and length', async () => {
    const result = await runCodeblock({
      code: `console.log('a', 1, { b: [true] }, null); console.warn('careful'); console.error(new Error('bad'));
        console.info('x'.repeat(5000)); for (let i = 0; i < 150; i++) console.log(i);`,
      variables: {},
    });
    expect(result.ok).toBe(true);
    const [first, second, third, fourth] = result.logs;
    expect([first, second, third]).toEqual([
      'a 1 {"b":[true]} null',
      '[warn] careful',
      '[error] Error: bad',
    ]);
    expect(fourth).toBe(`${'x'.repeat(2000)}…`);
    expect(result.logs).toHaveLength(101);
    expect(result.logs.at(-1)).toBe('… 54 more log lines dropped');
  });

  it('keeps the logs of a run that fails', async () => {
    const result = await runCodeblock({
      code: `console.log('before'); throw new Error('x')`,
      variables: {},
    });
    expect(result.logs).toEqual(['before']);
  });

  it('refuses variables that are not a JSON object and invalid limits', async () => {
    const circular: Record<string, unknown> = {};
    circular.self = circular;
    expect(errorOf(await runCodeblock({ code: '', variables: circular })).code).toBe('error');
    await expect(
      runCodeblock({ code: '', variables: {}, limits: { timeoutMs: 0 } }),
    ).rejects.toThrow(RangeError);
  });
});

describe('codeblock sandbox: isolation', () => {
  it('has no require, process, timers or host globals', async () => {
    const output = await variablesOf(`return {
      require: typeof require, process: typeof process, globalProcess: typeof globalThis.process,
      setTimeout: typeof setTimeout, setInterval: typeof setInterval, Buffer: typeof Buffer,
      fromFunction: typeof Function('return this')().process, std: typeof std, os: typeof os,
    }`);
    expect(output).toEqual({
      require: 'undefined',
      process: 'undefined',
      globalProcess: 'undefined',
      setTimeout: 'undefined',
      setInterval: 'undefined',
      Buffer: 'undefined',
      fromFunction: 'undefined',
      std: 'undefined',
      os: 'undefined',
    });
  });

  it('fails calls to require and process, and cannot import modules', async () => {
    expect(errorOf(await runCodeblock({ code: `require('fs')`, variables: {} }))).toEqual({
      code: 'error',
      message: "ReferenceError: 'require' is not defined (line 1)",
    });
    expect(errorOf(await runCodeblock({ code: `process.exit(1)`, variables: {} }))).toEqual({
      code: 'error',
      message: "ReferenceError: 'process' is not defined (line 1)",
    });
    for (const specifier of ['fs', 'node:fs', 'child_process', 'https://example.com/x.js']) {
      const error = errorOf(
        await runCodeblock({ code: `await import('${specifier}')`, variables: {} }),
      );
      expect(error).toEqual({
        code: 'error',
        message: `ReferenceError: could not load module '${specifier}'`,
      });
    }
  });

  it('rejects fetch when no fetch was injected', async () => {
    const caught = await variablesOf(
      `try { await fetch('https://example.com/'); return { reached: true } }
       catch (error) { return { name: error.name, message: error.message } }`,
    );
    expect(caught).toEqual({
      name: 'TypeError',
      message: 'fetch is not available: this codeblock was given no HTTP access',
    });
  });

  it('shares nothing between runs', async () => {
    expect(await variablesOf('globalThis.leak = 1; Object.prototype.polluted = 1;')).toEqual({});
    expect(await variablesOf('return { leak: typeof leak, polluted: typeof {}.polluted }')).toEqual(
      { leak: 'undefined', polluted: 'undefined' },
    );
  });
});

describe('codeblock sandbox: limits', () => {
  it('stops an endless loop at the deadline', async () => {
    const { error, elapsed } = await timed('while (true) {}', 300);
    expect(error).toEqual({
      code: 'timeout',
      message: 'The code ran longer than the 300 ms allowed and was stopped',
    });
    expect(elapsed).toBeGreaterThanOrEqual(290);
    expect(elapsed).toBeLessThan(300 + 2_000);
  });

  it('stops endless promise loops, catch-alls and regex backtracking too', async () => {
    for (const code of [
      'for (;;) await null',
      'for (;;) { try { while (true) {} } catch { } }',
      'const step = () => Promise.resolve().then(step); await step()',
      `/(a*)*b/.test('a'.repeat(40))`,
      // Detached: the code's own promise settles, but a job it left behind never ends.
      'Promise.resolve().then(() => { while (true) {} }); return { done: true }',
    ]) {
      const { error, elapsed } = await timed(code, 300);
      expect(error.code, code).toBe('timeout');
      expect(elapsed, code).toBeLessThan(300 + 2_000);
    }
  });

  it('stops the default 1000 ms timeout in time', async () => {
    const started = performance.now();
    const error = errorOf(await runCodeblock({ code: 'while (true) {}', variables: {} }));
    expect(error.code).toBe('timeout');
    expect(performance.now() - started).toBeLessThan(1_000 + 2_000);
  });

  it('fails a 1 GB allocation with memory, and the next run works', async () => {
    for (const code of ['new Array(1e9).fill(1)', `'x'.repeat(1e9)`, 'new Uint8Array(1e9)']) {
      const error = errorOf(await runCodeblock({ code, variables: {} }));
      expect(error, code).toEqual({
        code: 'memory',
        message: 'The code used more than the 32 MiB of memory allowed',
      });
      expect(await variablesOf('return { after: 1 + 1 }')).toEqual({ after: 2 });
    }
  });

  it('counts many small allocations against the limit, not just single large ones', async () => {
    for (const code of [
      `globalThis.keep = []; for (;;) keep.push('x'.repeat(1000) + keep.length)`,
      `const keep = []; for (;;) keep.push({ n: keep.length, s: 'y' + keep.length })`,
      `const keep = []; for (;;) keep.push(new Uint8Array(1e6))`,
    ]) {
      const result = await runCodeblock({ code, variables: {}, limits: { timeoutMs: 5_000 } });
      expect(errorOf(result).code, code).toBe('memory');
    }
    expect(await variablesOf('return { after: true }')).toEqual({ after: true });
  });

  it('lets code catch an allocation failure and go on', async () => {
    const output = await variablesOf(
      `try { 'x'.repeat(1e9) } catch (e) { return { caught: String(e) } }`,
    );
    expect(output).toEqual({ caught: 'InternalError: out of memory' });
  });

  it('refuses input variables that cannot fit in memory', async () => {
    const result = await runCodeblock({
      code: '',
      variables: { big: 'x'.repeat(2_000_000) },
      limits: { memoryBytes: 4 * 1024 * 1024 },
    });
    expect(errorOf(result).code).toBe('memory');
  });

  it('survives nesting deep enough to overflow the host stack inside QuickJS', async () => {
    const before = sandboxStats();
    const error = errorOf(
      await runCodeblock({
        code: `JSON.parse('['.repeat(50000) + ']'.repeat(50000)); eval('['.repeat(50000) + ']'.repeat(50000))`,
        variables: {},
      }),
    );
    expect(error.code).toBe('error');
    expect(error.message).toMatch(/stack overflow|nested too deeply/);
    expect(sandboxStats().started).toBe(before.started + 1);
    expect(await variablesOf('return { fine: true }')).toEqual({ fine: true });
  });
});
