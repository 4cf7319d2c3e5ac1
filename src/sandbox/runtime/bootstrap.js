// Runs INSIDE the isolate, once per fresh context. Wires console, timers and host bindings to the
// host through four fire-and-forget callbacks, then hides them: after this script nothing of
// isolated-vm is reachable from the agent's code. The host drives the isolate through the object
// this function returns (held only as a host-side Reference).
// biome-ignore lint/complexity/useArrowFunction: evaluated as an expression by the host
(function (api, host, limits) {
  'use strict';
  const { inspect, format, formatPrimitive } = api;
  const hostCall = host.call;
  const hostLog = host.log;
  const hostTimer = host.timer;
  const hostDone = host.done;
  const JSONstringify = JSON.stringify;
  const JSONparse = JSON.parse;

  let runId = 0;
  let sent = 0;
  let dropped = 0;
  const lineCap = limits.maxOutputChars;
  const totalCap = limits.maxOutputChars * 4;

  function emit(level, text) {
    if (sent > totalCap) {
      dropped += text.length + 1;
      return;
    }
    let line = text;
    if (line.length > lineCap) {
      const half = Math.floor(lineCap / 2);
      const cut = line.length - 2 * half;
      dropped += cut;
      line = `${line.slice(0, half)}\n… [${cut} characters cut] …\n${line.slice(-half)}`;
    }
    sent += line.length + 1;
    hostLog(runId, level, line);
  }

  // console ------------------------------------------------------------------------------------
  let groupIndent = '';
  const counts = new Map();
  const timers = new Map();
  const out = (level) =>
    function (...args) {
      const text = format(args);
      emit(level, groupIndent ? groupIndent + text.replaceAll('\n', `\n${groupIndent}`) : text);
    };
  const tableChars = {
    mm: '─', rm: '┼', tr: '┐', tl: '┌', lm: '├', tm: '┬', br: '┘', bl: '└', bm: '┴', rr: '┤',
  };
  function cellOf(v) {
    if (v === null || (typeof v !== 'object' && typeof v !== 'function')) return formatPrimitive(v, { indentationLvl: 0 });
    return inspect(v, { depth: Array.isArray(v) || Object.keys(v).length <= 2 ? 0 : -1 }).replace(/\n\s*/g, ' ');
  }
  function renderTable(head, columns) {
    const rows = [];
    const widths = head.map((h) => h.length);
    const longest = Math.max(0, ...columns.map((c) => c.length));
    for (let i = 0; i < head.length; i++) {
      for (let j = 0; j < longest; j++) {
        rows[j] ??= [];
        const value = Object.prototype.hasOwnProperty.call(columns[i], j) ? columns[i][j] : '';
        rows[j][i] = value;
        widths[i] = Math.max(widths[i] || 0, value.length);
      }
    }
    const row = (cells) => `│ ${cells.map((cell, i) => cell + ' '.repeat(widths[i] - cell.length)).join(' │ ')} │`;
    const divider = widths.map((w) => tableChars.mm.repeat(w + 2));
    let result = `${tableChars.tl}${divider.join(tableChars.tm)}${tableChars.tr}\n${row(head)}\n`;
    result += `${tableChars.lm}${divider.join(tableChars.rm)}${tableChars.rr}\n`;
    for (const r of rows) result += `${row(r)}\n`;
    return result + `${tableChars.bl}${divider.join(tableChars.bm)}${tableChars.br}`;
  }
  function table(data, properties) {
    if (data === null || typeof data !== 'object') return console.log(data);
    const indexKey = '(index)';
    const valuesKey = 'Values';
    if (data instanceof Map || data instanceof Set) {
      const isMap = data instanceof Map;
      const index = [];
      const keys = [];
      const values = [];
      let i = 0;
      for (const entry of data) {
        index.push(String(i++));
        if (isMap) {
          keys.push(cellOf(entry[0]));
          values.push(cellOf(entry[1]));
        } else values.push(cellOf(entry));
      }
      const head = isMap ? ['(iteration index)', 'Key', valuesKey] : ['(iteration index)', valuesKey];
      return emit('log', renderTable(head, isMap ? [index, keys, values] : [index, values]));
    }
    const map = Object.create(null);
    let hasPrimitives = false;
    const valuesKeyArray = [];
    const indexKeyArray = Object.keys(data);
    for (let i = 0; i < indexKeyArray.length; i++) {
      const item = data[indexKeyArray[i]];
      const primitive = item === null || (typeof item !== 'function' && typeof item !== 'object');
      if (properties === undefined && primitive) {
        hasPrimitives = true;
        valuesKeyArray[i] = cellOf(item);
      } else {
        const keys = properties || Object.keys(item);
        for (const key of keys) {
          map[key] ??= [];
          if ((primitive && properties) || !Object.prototype.hasOwnProperty.call(item, key)) map[key][i] = '';
          else map[key][i] = cellOf(item[key]);
        }
      }
    }
    const head = [indexKey, ...Object.keys(map)];
    const columns = [indexKeyArray, ...Object.values(map)];
    if (hasPrimitives) {
      head.push(valuesKey);
      columns.push(valuesKeyArray);
    }
    emit('log', renderTable(head, columns));
  }
  const console = {
    log: out('log'),
    info: out('info'),
    debug: out('debug'),
    warn: out('warn'),
    error: out('error'),
    trace: function (...args) {
      const stack = (new Error().stack || '').split('\n').slice(2).join('\n');
      emit('error', `Trace${args.length ? `: ${format(args)}` : ''}\n${stack}`);
    },
    dir: (value) => emit('log', inspect(value)),
    table,
    assert: (ok, ...args) => {
      if (!ok) emit('error', args.length ? `Assertion failed: ${format(args)}` : 'Assertion failed');
    },
    count: (label = 'default') => {
      const n = (counts.get(label) || 0) + 1;
      counts.set(label, n);
      emit('log', `${label}: ${n}`);
    },
    countReset: (label = 'default') => counts.delete(label),
    time: (label = 'default') => timers.set(label, Date.now()),
    timeEnd: (label = 'default') => {
      const start = timers.get(label);
      if (start !== undefined) emit('log', `${label}: ${Date.now() - start}ms`);
      timers.delete(label);
    },
    timeLog: (label = 'default', ...args) => {
      const start = timers.get(label);
      if (start !== undefined) emit('log', `${label}: ${Date.now() - start}ms${args.length ? ` ${format(args)}` : ''}`);
    },
    group: (...args) => {
      if (args.length) console.log(...args);
      groupIndent += '  ';
    },
    groupEnd: () => {
      groupIndent = groupIndent.slice(2);
    },
  };
  console.groupCollapsed = console.group;

  // timers -------------------------------------------------------------------------------------
  let timerSeq = 0;
  const timerFns = new Map();
  function addTimer(fn, ms, args, repeat) {
    if (typeof fn !== 'function') throw new TypeError('The "callback" argument must be of type function');
    const id = ++timerSeq;
    const delay = Math.max(0, Number(ms) || 0);
    timerFns.set(id, { fn, args, repeat, delay });
    hostTimer(runId, 'set', id, delay);
    return id;
  }
  function clearTimer(id) {
    if (timerFns.delete(id)) hostTimer(runId, 'clear', id, 0);
  }

  // host bindings ------------------------------------------------------------------------------
  let callSeq = 0;
  const pending = new Map();
  function callHost(name, args) {
    const site = new Error();
    return new Promise((resolve, reject) => {
      let json;
      try {
        json = JSONstringify(args === undefined ? [] : args, (_key, v) => (typeof v === 'bigint' ? v.toString() : v));
      } catch (error) {
        reject(new TypeError(`${name}: arguments must be JSON data (${error.message})`));
        return;
      }
      const id = ++callSeq;
      pending.set(id, { resolve, reject, site, name });
      hostCall(runId, id, name, json === undefined ? '[]' : json);
    });
  }
  const bound = new Set();
  function setBindings(namesJson) {
    for (const path of bound) {
      const parts = path.split('.');
      let target = globalThis;
      for (const part of parts.slice(0, -1)) target = target?.[part];
      if (target && typeof target === 'object') delete target[parts[parts.length - 1]];
    }
    bound.clear();
    for (const path of JSONparse(namesJson)) {
      const parts = path.split('.');
      let target = globalThis;
      for (const part of parts.slice(0, -1)) {
        if (target[part] === undefined || target[part] === null) target[part] = {};
        target = target[part];
      }
      const last = parts[parts.length - 1];
      const fn = { [last]: (...args) => callHost(path, args) }[last];
      Object.defineProperty(target, last, { value: fn, writable: true, configurable: true, enumerable: true });
      bound.add(path);
    }
  }

  // the handle the host keeps --------------------------------------------------------------------
  function settle(id, ok, payload) {
    const entry = pending.get(id);
    if (!entry) return;
    pending.delete(id);
    if (ok) {
      entry.resolve(payload === undefined ? undefined : JSONparse(payload));
      return;
    }
    const info = JSONparse(payload);
    const error = new Error(info.message);
    if (info.name && info.name !== 'Error') {
      Object.defineProperty(error, 'name', { value: info.name, writable: true, configurable: true, enumerable: false });
    }
    const siteStack = (entry.site.stack || '').split('\n').slice(1).join('\n');
    error.stack = `${error.name}: ${error.message}${siteStack ? `\n${siteStack}` : ''}`;
    entry.reject(error);
  }
  function fire(id) {
    const timer = timerFns.get(id);
    if (!timer) return;
    if (timer.repeat) hostTimer(runId, 'set', id, timer.delay);
    else timerFns.delete(id);
    timer.fn(...timer.args);
  }
  function errorInfo(error) {
    if (error instanceof Error || (error && typeof error === 'object' && typeof error.stack === 'string')) {
      let stack;
      let message;
      let name;
      try {
        stack = String(error.stack);
        message = String(error.message);
        name = String(error.name);
      } catch {
        return { name: 'Error', message: 'a thrown error could not be read' };
      }
      const extra = Object.keys(error).length > 0 ? inspect(error) : undefined;
      return { name, message, stack, extra };
    }
    return { name: 'Uncaught', message: inspect(error) };
  }
  function finish(id, result) {
    if (id !== runId) return;
    result.dropped = dropped;
    hostDone(id, JSONstringify(result));
  }
  function execute(fn, id) {
    runId = id;
    sent = 0;
    dropped = 0;
    let promise;
    try {
      promise = fn();
    } catch (error) {
      finish(id, { ok: false, error: errorInfo(error) });
      return;
    }
    promise.then(
      (value) => {
        const result = { ok: true };
        if (value !== undefined) {
          try {
            result.value = inspect(value);
          } catch (error) {
            result.value = `[value could not be rendered: ${error && error.message}]`;
          }
          try {
            const json = JSONstringify(value);
            if (json !== undefined && json.length <= limits.maxDataChars) result.data = json;
          } catch {
            // not JSON data: the rendered value is all there is
          }
        }
        finish(id, result);
      },
      (error) => finish(id, { ok: false, error: errorInfo(error) }),
    );
  }
  function endRun(id) {
    if (id !== runId) return 0;
    const left = timerFns.size;
    timerFns.clear();
    // Calls still pending stay pending forever: no code of an ended run may wake up again.
    pending.clear();
    runId = 0;
    return left;
  }

  const sleep = (ms) => new Promise((resolve) => addTimer(resolve, ms, [], false));
  const globals = {
    console,
    setTimeout: (fn, ms, ...args) => addTimer(fn, ms, args, false),
    setInterval: (fn, ms, ...args) => addTimer(fn, Math.max(1, Number(ms) || 0), args, true),
    clearTimeout: clearTimer,
    clearInterval: clearTimer,
    queueMicrotask: (fn) => Promise.resolve().then(fn),
    sleep,
  };
  for (const [name, value] of Object.entries(globals)) {
    Object.defineProperty(globalThis, name, { value, writable: true, configurable: true, enumerable: false });
  }
  for (const name of ['call', 'log', 'timer', 'done', 'limits']) delete globalThis[`__toolsmith_${name}`];
  return { execute, settle, fire, setBindings, endRun };
});
