/**
 * JavaScript that runs inside QuickJS before the user's code. It is a function expression
 * the host calls once with its two host functions, so neither is ever a global the user
 * code could reach or replace. It installs `variables`, `console` and `fetch`, and returns
 * the two helpers the host calls afterwards: `finalize` (merge and serialise the result)
 * and `describe` (turn a thrown value into a message).
 *
 * Intrinsics are captured before the user's code runs: code that replaces `JSON.stringify`
 * or `Object.assign` changes nothing about how its result is read back.
 */

/** What `describe` answers for QuickJS's own allocation failure. */
export const OUT_OF_MEMORY = 'InternalError: out of memory';

/**
 * What `describe` answers for a thrown null: also what QuickJS throws when the heap is so
 * full that not even its "out of memory" error can be allocated.
 */
export const THROWN_NULL = 'Uncaught null';

/** What `describe` answers when describing failed (a hostile getter, say). */
export const UNDESCRIBABLE = 'Uncaught value that could not be described';

/** What `describe` answers for the interrupt handler's stop. */
export const INTERRUPTED = 'InternalError: interrupted';

/**
 * Arguments: hostLog(level, text), hostFetch(url, method, headersJson, body), the input
 * variables as JSON, the longest log line in characters, the longest output in bytes.
 */
export const PRELUDE = String.raw`(function (hostLog, hostFetch, variablesJson, maxLogChars, maxOutputBytes) {
  'use strict';
  const stringify = JSON.stringify;
  const parse = JSON.parse;
  const assign = Object.assign;
  const create = Object.create;
  const keys = Object.keys;
  const defineProperty = Object.defineProperty;
  const freeze = Object.freeze;
  const getPrototypeOf = Object.getPrototypeOf;
  const objectPrototype = Object.prototype;
  const isArray = Array.isArray;
  const isFiniteNumber = Number.isFinite;
  const ErrorClass = Error;
  const InternalErrorClass = InternalError;
  const TypeErrorClass = TypeError;
  const StringClass = String;
  const OUT_OF_MEMORY = ${JSON.stringify(OUT_OF_MEMORY)};
  const THROWN_NULL = ${JSON.stringify(THROWN_NULL)};
  const UNDESCRIBABLE = ${JSON.stringify(UNDESCRIBABLE)};

  function isOutOfMemory(error) {
    return error instanceof InternalErrorClass && error.message === 'out of memory';
  }

  // What catch-alls pass on: null is what QuickJS throws when not even its error fits.
  function mustRethrow(error) {
    return error === null || isOutOfMemory(error);
  }

  function show(value) {
    if (typeof value === 'string') return value;
    try {
      if (value instanceof ErrorClass) return StringClass(value.name) + ': ' + StringClass(value.message);
      const text = stringify(value);
      return text === undefined ? StringClass(value) : text;
    } catch (error) {
      if (mustRethrow(error)) throw error;
      try {
        return StringClass(value);
      } catch {
        return '[unprintable value]';
      }
    }
  }

  // Where in the user's code (its line 1 is the wrapper's line 2), from QuickJS's stack.
  function lineOf(error) {
    const match = typeof error.stack === 'string' ? /codeblock\.js:(\d+)/.exec(error.stack) : null;
    return match === null ? '' : ' (line ' + (match[1] - 1) + ')';
  }

  // Uses no allocation on its failure path, so an exhausted heap is still reported as such.
  function describe(error) {
    if (error === null) return THROWN_NULL;
    try {
      if (isOutOfMemory(error)) return OUT_OF_MEMORY;
      if (error instanceof ErrorClass)
        return StringClass(error.name) + ': ' + StringClass(error.message) + lineOf(error);
      return 'Uncaught ' + show(error);
    } catch (inner) {
      return isOutOfMemory(inner) ? OUT_OF_MEMORY : UNDESCRIBABLE;
    }
  }

  function logger(level) {
    return function () {
      let text = '';
      for (let i = 0; i < arguments.length && text.length <= maxLogChars; i++)
        text += (i === 0 ? '' : ' ') + show(arguments[i]);
      hostLog(level, text.length > maxLogChars ? text.slice(0, maxLogChars + 1) : text);
    };
  }

  function headerRecord(source) {
    const record = {};
    if (source !== undefined && source !== null)
      for (const name of keys(source)) record[StringClass(name).toLowerCase()] = StringClass(source[name]);
    return record;
  }

  async function fetch(url, init) {
    const options = init === undefined || init === null ? {} : init;
    const body = options.body;
    if (body !== undefined && body !== null && typeof body !== 'string')
      throw new TypeErrorClass('fetch: body must be a string (use JSON.stringify)');
    const method = options.method === undefined ? 'GET' : StringClass(options.method).toUpperCase();
    const headers = stringify(headerRecord(options.headers));
    const answer = parse(await hostFetch(StringClass(url), method, headers, body ?? undefined));
    if (answer.error !== undefined) throw new TypeErrorClass(answer.error);
    const text = answer.body;
    const responseHeaders = headerRecord(answer.headers);
    // Like Headers#get, but a plain record too (for spreading or JSON).
    defineProperty(responseHeaders, 'get', {
      value: (name) => responseHeaders[StringClass(name).toLowerCase()] ?? null,
    });
    return freeze({
      status: answer.status,
      ok: answer.status >= 200 && answer.status < 300,
      headers: freeze(responseHeaders),
      text: async () => text,
      json: async () => parse(text),
    });
  }

  const console = freeze({
    log: logger('log'),
    info: logger('log'),
    debug: logger('log'),
    warn: logger('warn'),
    error: logger('error'),
  });
  for (const [name, value] of [['console', console], ['fetch', fetch], ['variables', parse(variablesJson)]])
    defineProperty(globalThis, name, { value, writable: true, configurable: true, enumerable: false });

  function isPlainObject(value) {
    if (typeof value !== 'object' || value === null || isArray(value)) return false;
    const prototype = getPrototypeOf(value);
    return prototype === objectPrototype || prototype === null;
  }

  // JSON.stringify turns NaN and Infinity into null; a silent change is worse than an error.
  function replacer(key, value) {
    if (typeof value === 'number' && !isFiniteNumber(value))
      throw new TypeErrorClass(StringClass(value) + ' (at "' + key + '") is not a JSON number');
    return value;
  }

  function finalize(returned) {
    const invalid = (message) => stringify({ invalid: message });
    const current = globalThis.variables;
    if (!isPlainObject(current)) return invalid('variables must stay a plain object');
    if (returned !== undefined && returned !== null && !isPlainObject(returned))
      return invalid('the code must return a plain object or nothing, not ' + (isArray(returned) ? 'an array' : typeof returned));
    let text;
    try {
      // A null-prototype target: a returned "__proto__" key stays data, it changes no prototype.
      text = stringify(assign(create(null), current, returned), replacer);
    } catch (error) {
      if (mustRethrow(error)) throw error;
      return invalid('the variables are not JSON: ' + describe(error));
    }
    // Characters never outnumber UTF-8 bytes: a cheap first cut before the host counts bytes.
    if (text.length > maxOutputBytes)
      return invalid('the variables take more than ' + maxOutputBytes + ' bytes as JSON');
    return '{"variables":' + text + '}';
  }

  return { finalize, describe };
})`;
