// Runs INSIDE the isolate. Evaluated once (into the V8 snapshot new isolates start from, or into a
// fresh context when there is no snapshot), it defines console, timers and the binding bridge and
// returns `boot`. The host calls `boot` once per context with one fire-and-forget callback as an
// argument (never a global), so nothing of isolated-vm is reachable from the agent's code. The host
// drives the isolate through the function `boot` returns (held only as a host-side Reference).
// biome-ignore lint/complexity/useArrowFunction: evaluated as an expression by the host
(function (api, text, web) {
  // biome-ignore lint/suspicious/noRedundantUseStrict: evaluated as a classic script in the isolate
  'use strict';
  const { inspect, format, getStringWidth } = api;
  const { clip } = text;
  // Set by boot().
  let hostCall;
  let hostLog;
  let hostTimer;
  let hostDone;
  let limits = { maxOutputChars: 20_000, maxDataChars: 1_000_000 };
  let lineCap = 0;
  let totalCap = 0;
  const JSONstringify = JSON.stringify;
  const JSONparse = JSON.parse;
  // The run's own plumbing uses the built-ins as they were at startup, so code that replaces them
  // (Promise.prototype.then, Object.keys, ...) breaks only itself, never the reporting of results.
  const NativePromise = Promise;
  const promiseThen = Promise.prototype.then;
  const ReflectApply = Reflect.apply;
  const promiseResolve = Promise.resolve;
  const then = (promise, onFulfilled, onRejected) =>
    ReflectApply(promiseThen, promise, [onFulfilled, onRejected]);
  const resolved = () => ReflectApply(promiseResolve, NativePromise, []);

  let runId = 0;
  let sent = 0;
  let dropped = 0;
  let clipped = 0;
  // A line longer than half the output budget keeps its head and tail with a note of the cut, so
  // the host (which keeps the head and tail of the whole output) never cuts through it again.
  // Past `totalCap` characters in a run, lines are held back and only the latest of them are sent
  // when the run ends: the host sees the head and the true tail.
  let held = [];
  let heldChars = 0;

  function emit(level, text) {
    // Output of code that outlived its run goes nowhere (the host would drop it anyway).
    if (runId === 0) return;
    let line = text;
    if (line.length > lineCap) {
      // The host's own clip helper (src/text/clip.ts), loaded into the runtime: one way of cutting.
      const short = clip(line, lineCap);
      clipped += short.cut;
      line = short.text;
    }
    // A line costs at least MIN_LINE_COST of the live budget, so a flood of short lines written
    // between awaits (one crossing each) costs the host a bounded number of crossings.
    const cost = Math.max(line.length, MIN_LINE_COST);
    if (sent + cost > totalCap) {
      held.push({ level, line });
      heldChars += line.length;
      while (heldChars > limits.maxOutputChars && held.length > 1) {
        const gone = held.shift();
        heldChars -= gone.line.length;
        dropped += gone.line.length;
      }
      return;
    }
    sent += cost;
    send(level, line);
  }
  // Lines leave in batches: those written in one synchronous stretch go together (a microtask
  // sends them), and a long stretch sends every OUTBOX_LINES lines.
  const MIN_LINE_COST = 32;
  const OUTBOX_LINES = 256;
  let outbox = [];
  let flushQueued = false;
  function send(level, line) {
    outbox.push(level, line);
    if (outbox.length >= 2 * OUTBOX_LINES) flushOutbox();
    else if (!flushQueued) {
      flushQueued = true;
      then(resolved(), flushOutbox);
    }
  }
  function flushOutbox() {
    flushQueued = false;
    if (outbox.length === 0) return;
    if (outbox.length === 2) hostLog(outbox[0], outbox[1]);
    else hostLog('batch', JSONstringify(outbox));
    outbox = [];
  }
  function flushHeld() {
    flushOutbox();
    for (let i = 0; i < held.length; i++) outbox.push(held[i].level, held[i].line);
    flushOutbox();
    held = [];
    heldChars = 0;
  }

  // console (Node's lib/internal/console/constructor.js, without streams) -------------------------
  let groupIndent = '';
  const counts = new Map();
  const timers = new Map();
  const write = (level, text) =>
    emit(level, groupIndent ? groupIndent + text.replaceAll('\n', `\n${groupIndent}`) : text);
  const out =
    (level) =>
    (...args) => {
      write(level, format(args));
    };
  function renderRow(row, widths) {
    let line = '│ ';
    for (let i = 0; i < row.length; i++) {
      const cell = row[i];
      line += cell + ' '.repeat(widths[i] - getStringWidth(cell));
      if (i !== row.length - 1) line += ' │ ';
    }
    return `${line} │`;
  }
  function renderTable(head, columns) {
    const rows = [];
    const widths = head.map((h) => getStringWidth(h));
    const longest = Math.max(0, ...columns.map((c) => c.length));
    for (let i = 0; i < head.length; i++) {
      for (let j = 0; j < longest; j++) {
        rows[j] ??= [];
        const value = Object.hasOwn(columns[i], j) ? columns[i][j] : '';
        rows[j][i] = value;
        widths[i] = Math.max(widths[i] || 0, getStringWidth(value));
      }
    }
    const divider = widths.map((w) => '─'.repeat(w + 2));
    let result = `┌${divider.join('┬')}┐\n${renderRow(head, widths)}\n├${divider.join('┼')}┤\n`;
    for (const r of rows) result += `${renderRow(r, widths)}\n`;
    return `${result}└${divider.join('┴')}┘`;
  }
  const isTableArray = (v) => Array.isArray(v) || ArrayBuffer.isView(v);
  function cellOf(v) {
    const depth =
      v !== null && typeof v === 'object' && !isTableArray(v) && Object.keys(v).length > 2 ? -1 : 0;
    return inspect(v, { depth, maxArrayLength: 3, breakLength: Number.POSITIVE_INFINITY });
  }
  function table(data, properties) {
    if (properties !== undefined && !Array.isArray(properties)) {
      throw new TypeError('The "properties" argument must be an instance of Array');
    }
    if (data === null || typeof data !== 'object') return console.log(data);
    const indexArray = (length) => Array.from({ length }, (_, i) => cellOf(i));
    if (data instanceof Map) {
      const keys = [];
      const values = [];
      for (const [k, v] of data) {
        keys.push(cellOf(k));
        values.push(cellOf(v));
      }
      return console.log(
        renderTable(['(iteration index)', 'Key', 'Values'], [indexArray(keys.length), keys, values]),
      );
    }
    if (data instanceof Set) {
      const values = [];
      for (const v of data) values.push(cellOf(v));
      return console.log(renderTable(['(iteration index)', 'Values'], [indexArray(values.length), values]));
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
          if ((primitive && properties) || !Object.hasOwn(item, key)) map[key][i] = '';
          else map[key][i] = cellOf(item[key]);
        }
      }
    }
    const head = Object.keys(map);
    const columns = Object.values(map);
    if (hasPrimitives) {
      head.push('Values');
      columns.push(valuesKeyArray);
    }
    head.unshift('(index)');
    columns.unshift(indexKeyArray);
    return console.log(renderTable(head, columns));
  }
  function formatTime(ms) {
    let hours = 0;
    let minutes = 0;
    let seconds = 0;
    if (ms >= 1000) {
      if (ms >= 60_000) {
        if (ms >= 3_600_000) {
          hours = Math.floor(ms / 3_600_000);
          ms %= 3_600_000;
        }
        minutes = Math.floor(ms / 60_000);
        ms %= 60_000;
      }
      seconds = ms / 1000;
    }
    if (hours !== 0 || minutes !== 0) {
      const [s, rest] = seconds.toFixed(3).split('.');
      const head = hours !== 0 ? `${hours}:${String(minutes).padStart(2, '0')}` : minutes;
      return `${head}:${s.padStart(2, '0')}.${rest} (${hours !== 0 ? 'h:m' : ''}m:ss.mmm)`;
    }
    if (seconds !== 0) return `${seconds.toFixed(3)}s`;
    return `${Number(ms.toFixed(3))}ms`;
  }
  function timeLogImpl(label, data) {
    const start = timers.get(label);
    if (start === undefined) return false;
    console.log('%s: %s', label, formatTime(Date.now() - start), ...data);
    return true;
  }
  const console = {
    log: out('log'),
    info: out('info'),
    debug: out('debug'),
    warn: out('warn'),
    error: out('error'),
    trace: function trace(...args) {
      const err = { name: 'Trace', message: format(args) };
      Error.captureStackTrace(err, trace);
      console.error(err.stack);
    },
    dir: (value, options) => write('log', inspect(value, { customInspect: false, ...options })),
    table,
    assert: (expression, ...args) => {
      if (expression) return;
      if (typeof args[0] === 'string') args[0] = `Assertion failed: ${args[0]}`;
      else args.unshift('Assertion failed');
      console.warn(...args);
    },
    count: (label = 'default') => {
      const key = `${label}`;
      const n = (counts.get(key) || 0) + 1;
      counts.set(key, n);
      console.log(`${key}: ${n}`);
    },
    countReset: (label = 'default') => counts.delete(`${label}`),
    time: (label = 'default') => {
      const key = `${label}`;
      if (!timers.has(key)) timers.set(key, Date.now());
    },
    timeEnd: (label = 'default') => {
      const key = `${label}`;
      if (timeLogImpl(key, [])) timers.delete(key);
    },
    timeLog: (label = 'default', ...args) => {
      timeLogImpl(`${label}`, args);
    },
    group: (...args) => {
      if (args.length) console.log(...args);
      groupIndent += '  ';
    },
    groupEnd: () => {
      groupIndent = groupIndent.slice(0, groupIndent.length - 2);
    },
  };
  console.groupCollapsed = console.group;
  console.dirxml = console.log;

  // Stack traces show the agent's code only: frames of the runtime and the prelude (files named
  // `toolsmith:...`) are left out. Otherwise the same text as V8's default.
  const ErrorToString = Error.prototype.toString;
  function prepareStackTrace(error, frames) {
    let header;
    try {
      header = ErrorToString.call(error);
    } catch {
      header = '<error>';
    }
    let stack = header;
    for (const frame of frames) {
      const file = frame.getFileName();
      if (typeof file === 'string' && file.startsWith('toolsmith:')) continue;
      stack += `\n    at ${frame}`;
    }
    return stack;
  }
  Object.defineProperty(Error, 'prepareStackTrace', {
    value: prepareStackTrace,
    writable: true,
    configurable: true,
    enumerable: false,
  });

  // timers -------------------------------------------------------------------------------------
  // The run's timers live here, in a queue ordered by due time. The host keeps one timer per run,
  // set to the earliest due time (it hears only when that moves earlier), and enters 'fire' when
  // it expires; each 'fire' runs one callback, so microtasks run between callbacks as in Node, and
  // returns the delay until the next one. A flood of timers costs the host one timer and one entry
  // per callback, never a host timer each, and at most `maxTimers` may be pending at once.
  let timerSeq = 0;
  let maxTimers = 10_000;
  const timerFns = new Map();
  let timerQueue = [];
  let wakeAt = Number.POSITIVE_INFINITY;
  let firing = false;
  const earlier = (a, b) => a.due < b.due || (a.due === b.due && a.id < b.id);
  function queuePush(timer) {
    const q = timerQueue;
    let i = q.length;
    q.push(timer);
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!earlier(q[i], q[parent])) break;
      [q[i], q[parent]] = [q[parent], q[i]];
      i = parent;
    }
  }
  function queuePop() {
    const q = timerQueue;
    const last = q.pop();
    if (q.length === 0) return;
    q[0] = last;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < q.length && earlier(q[l], q[m])) m = l;
      if (r < q.length && earlier(q[r], q[m])) m = r;
      if (m === i) return;
      [q[i], q[m]] = [q[m], q[i]];
      i = m;
    }
  }
  /** The next live timer; cleared ones are dropped as they surface (or all at once when many). */
  function queuePeek() {
    if (timerQueue.length > 64 && timerQueue.length > 2 * timerFns.size) {
      timerQueue = [];
      for (const timer of timerFns.values()) queuePush(timer);
    }
    while (timerQueue.length > 0 && timerFns.get(timerQueue[0].id) !== timerQueue[0]) queuePop();
    return timerQueue[0];
  }
  function addTimer(fn, ms, args, repeat) {
    if (typeof fn !== 'function') throw new TypeError('The "callback" argument must be of type function');
    if (timerFns.size >= maxTimers) {
      throw new RangeError(
        `Too many timers pending at once (limit ${maxTimers}); clear the ones no longer needed, or await some before setting more`,
      );
    }
    const id = ++timerSeq;
    let delay = Math.max(0, Number(ms) || 0);
    // Node's rule: a delay it cannot represent becomes 1 ms.
    if (delay > 2_147_483_647) delay = 1;
    const timer = { id, fn, args, repeat, delay, due: Date.now() + delay };
    timerFns.set(id, timer);
    queuePush(timer);
    if (!firing && timer.due < wakeAt) {
      wakeAt = timer.due;
      hostTimer(delay);
    }
    return id;
  }
  function clearTimer(id) {
    // The host's timer stays set: waking early finds nothing due and only sets the next delay.
    timerFns.delete(id);
  }

  // host bindings ------------------------------------------------------------------------------
  let callSeq = 0;
  const pending = new Map();
  const bigintAsString = (_key, v) => (typeof v === 'bigint' ? v.toString() : v);
  /** What a failed host call resolves to inside the runtime; the binding turns it into a throw. */
  class HostFailure {
    constructor(info) {
      this.info = info;
    }
  }
  function callHost(name, args) {
    return new NativePromise((resolve, reject) => {
      let json;
      try {
        json = JSONstringify(args === undefined ? [] : args);
      } catch {
        // BigInts become strings; anything else that fails is not JSON data.
        try {
          json = JSONstringify(args, bigintAsString);
        } catch (error) {
          reject(new TypeError(`${name}: arguments must be JSON data (${error.message})`));
          return;
        }
      }
      const tooLarge = json === undefined ? undefined : argumentsTooLarge(json);
      if (tooLarge) {
        reject(
          new RangeError(
            `${name}: the arguments are too large (${tooLarge}); pass big data as one string (CSV, or JSON.stringify of it) or in several smaller calls`,
          ),
        );
        return;
      }
      const id = ++callSeq;
      pending.set(id, resolve);
      hostCall(id, name, json === undefined ? '[]' : json);
    });
  }
  // The host parses a call's arguments on its one thread: a few MB of strings cost it little, but
  // a structure of many values can hold it for a second. Both are capped before anything crosses.
  const MAX_ARG_CHARS = 16 * 1024 * 1024;
  const MAX_ARG_VALUES = 100_000;
  function argumentsTooLarge(json) {
    if (json.length > MAX_ARG_CHARS) {
      return `${json.length.toLocaleString('en-US')} characters of JSON, limit ${MAX_ARG_CHARS.toLocaleString('en-US')}`;
    }
    // Fewer characters than values would need cannot be too many values.
    if (json.length < 2 * MAX_ARG_VALUES) return undefined;
    let values = 1;
    let inString = false;
    for (let i = 0; i < json.length; i++) {
      const c = json.charCodeAt(i);
      if (inString) {
        if (c === 92) i++;
        else if (c === 34) inString = false;
      } else if (c === 34) inString = true;
      else if (c === 44 && ++values > MAX_ARG_VALUES) {
        return `more than ${MAX_ARG_VALUES.toLocaleString('en-US')} values`;
      }
    }
    return undefined;
  }
  // providers -----------------------------------------------------------------------------------
  // Each provider defines one global, its namespace: the tree of its bindings (`a.b` -> ns.a.b; the
  // key '' makes the namespace itself a function), or what its prelude returns for that tree. The
  // namespace (and the other globals the prelude defines) are accessors until the code first
  // touches one, so a session pays for what it uses, not for every tool of every server at start.
  const providers = new Map();
  function makeBinding(path, last) {
    // An async function, so a failure thrown after the await carries V8's async stack: the
    // agent's calling line, at no cost to calls that succeed.
    return {
      [last]: async (...args) => {
        const result = await callHost(path, args);
        if (result instanceof HostFailure) throw hostError(result.info);
        return result;
      },
    }[last];
  }
  function bindingTree(namespace, paths) {
    let root = {};
    if (paths.includes('')) root = makeBinding(namespace, namespace);
    for (const path of paths) {
      if (path === '') continue;
      const parts = path.split('.');
      let target = root;
      for (let i = 0; i < parts.length - 1; i++) {
        const part = parts[i];
        if (target[part] === undefined || target[part] === null) target[part] = {};
        target = target[part];
      }
      const last = parts[parts.length - 1];
      Object.defineProperty(target, last, {
        value: makeBinding(`${namespace}.${path}`, last),
        writable: true,
        configurable: true,
        enumerable: true,
      });
    }
    return root;
  }
  const defineGlobal = (name, value) =>
    Object.defineProperty(globalThis, name, { value, writable: true, configurable: true, enumerable: true });
  // Preludes and the kit arrive as source and are compiled only when a namespace is first touched,
  // so a session that never touches one pays nothing for it.
  // biome-ignore lint/security/noGlobalEval: preludes are the host's own code, compiled in the isolate's global scope
  const evalGlobal = eval;
  let kit;
  let kitSource;
  function provide(specsJson) {
    const specs = JSONparse(specsJson);
    for (let i = 0; i < specs.length; i++) provideOne(specs[i]);
  }
  function provideOne(spec) {
    if (spec.kit) {
      kitSource = spec.kit;
      return;
    }
    const namespace = spec.namespace;
    unprovide(namespace);
    if (spec.remove) return;
    const globals = [namespace, ...(spec.globals || [])];
    const entry = { globals, built: false, taken: new Set() };
    const build = () => {
      if (entry.built) return;
      entry.built = true;
      for (const name of globals) if (!entry.taken.has(name)) delete globalThis[name];
      const api = bindingTree(namespace, spec.paths);
      let value = api;
      if (spec.prelude) {
        kit ??= evalGlobal(kitSource);
        value = evalGlobal(spec.prelude)(api, spec.data, kit);
      }
      if (!entry.taken.has(namespace) && !Object.hasOwn(globalThis, namespace)) {
        defineGlobal(namespace, value === undefined ? api : value);
      }
    };
    for (const name of globals) {
      // A name the code declared itself (`var`, a top-level `const` before any run had providers)
      // is the code's: it keeps its value.
      const own = Object.getOwnPropertyDescriptor(globalThis, name);
      if (own && !own.configurable) {
        entry.taken.add(name);
        continue;
      }
      Object.defineProperty(globalThis, name, {
        get: () => {
          build();
          return globalThis[name];
        },
        // The code may take the name for itself before touching it; its value stays.
        set: (value) => {
          entry.taken.add(name);
          defineGlobal(name, value);
        },
        configurable: true,
        enumerable: name === namespace,
      });
    }
    providers.set(namespace, entry);
  }
  function unprovide(namespace) {
    const entry = providers.get(namespace);
    if (!entry) return;
    providers.delete(namespace);
    for (const name of entry.globals) if (!entry.taken.has(name)) delete globalThis[name];
  }

  // the handle the host keeps --------------------------------------------------------------------
  // A host error named like a built-in error class arrives as an instance of that class.
  const errorClasses = { Error, TypeError, RangeError, SyntaxError, ReferenceError, EvalError, URIError };
  const hasOwnErrorClass = (name) => typeof name === 'string' && Object.hasOwn(errorClasses, name);
  function hostError(info) {
    const BuiltIn = hasOwnErrorClass(info.name) ? errorClasses[info.name] : Error;
    const error = new BuiltIn(info.message);
    if (info.name && info.name !== error.name) {
      Object.defineProperty(error, 'name', {
        value: info.name,
        writable: true,
        configurable: true,
        enumerable: false,
      });
    }
    return error;
  }
  function settle(id, ok, payload) {
    const resolve = pending.get(id);
    if (!resolve) return;
    pending.delete(id);
    if (ok) resolve(payload === undefined ? undefined : JSONparse(payload));
    else resolve(new HostFailure(JSONparse(payload)));
  }
  /** Runs the earliest timer if it is due; returns the delay until the next one, or -1 for none. */
  function fire() {
    wakeAt = Number.POSITIVE_INFINITY;
    if (runId === 0) return -1;
    let timer = queuePeek();
    if (timer && timer.due <= Date.now()) {
      queuePop();
      if (timer.repeat) {
        timer.due = Date.now() + timer.delay;
        queuePush(timer);
      } else {
        timerFns.delete(timer.id);
      }
      firing = true;
      try {
        timer.fn(...timer.args);
      } finally {
        firing = false;
      }
      if (runId === 0) return -1;
      timer = queuePeek();
    }
    if (!timer) return -1;
    wakeAt = timer.due;
    return Math.max(0, timer.due - Date.now());
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
      return { name, message, stack };
    }
    return { name: 'Uncaught', message: inspect(error) };
  }
  // `data` is only given when JSON keeps the content: a Map, a Set or a typed array would come
  // out as `{}`, so their presence means there is no data copy.
  const notData = [
    Map,
    Set,
    WeakMap,
    WeakSet,
    RegExp,
    Error,
    Promise,
    ArrayBuffer,
    Object.getPrototypeOf(Uint8Array),
    DataView,
  ];
  function plainData(_key, v) {
    if (v !== null && typeof v === 'object' && notData.some((type) => v instanceof type)) {
      throw new TypeError('not plain data');
    }
    return v;
  }
  function finish(id, result) {
    if (id !== runId) return;
    flushHeld();
    result.dropped = dropped;
    result.clipped = clipped;
    result.timers = timerFns.size;
    hostDone(id, JSONstringify(result));
    // The run ends here, without waiting for the host to say so: one crossing less per run.
    endRun(id);
  }
  // Whatever happens while building the result, the host hears about the end of the run.
  function report(id, build) {
    try {
      finish(id, build());
    } catch (error) {
      let message = 'the result could not be reported';
      try {
        message += ` (${String(error?.message)})`;
      } catch {
        // a message that cannot even be read
      }
      if (id === runId) {
        hostDone(id, JSONstringify({ ok: false, error: { name: 'Error', message }, dropped, clipped }));
        runId = 0;
      }
    }
  }
  function valueResult(value) {
    const result = { ok: true };
    if (value === undefined) return result;
    try {
      result.value = inspect(value);
    } catch (error) {
      result.value = `[value could not be rendered: ${error?.message}]`;
    }
    try {
      const json = JSONstringify(value, plainData);
      if (json !== undefined && json.length <= limits.maxDataChars) result.data = json;
    } catch {
      // not JSON data: the rendered value is all there is
    }
    return result;
  }
  function execute(fn, id, provideJson) {
    runId = id;
    sent = 0;
    dropped = 0;
    clipped = 0;
    held = [];
    heldChars = 0;
    outbox = [];
    let promise;
    try {
      // The run's provider changes (install-providers.ts) come with it: no crossing of their own.
      if (provideJson) provide(provideJson);
      promise = fn();
    } catch (error) {
      report(id, () => ({ ok: false, error: errorInfo(error) }));
      return;
    }
    then(
      promise,
      (value) => report(id, () => valueResult(value)),
      (error) => report(id, () => ({ ok: false, error: errorInfo(error) })),
    );
  }
  function endRun(id) {
    if (id !== runId) return 0;
    const left = timerFns.size;
    timerFns.clear();
    timerQueue = [];
    wakeAt = Number.POSITIVE_INFINITY;
    held = [];
    heldChars = 0;
    outbox = [];
    // Calls still pending stay pending forever: no code of an ended run may wake up again.
    pending.clear();
    runId = 0;
    return left;
  }

  const sleep = (ms) => new NativePromise((resolve) => addTimer(resolve, ms, [], false));
  const globals = {
    console,
    setTimeout: (fn, ms, ...args) => addTimer(fn, ms, args, false),
    setInterval: (fn, ms, ...args) => addTimer(fn, Math.max(1, Number(ms) || 0), args, true),
    clearTimeout: clearTimer,
    clearInterval: clearTimer,
    queueMicrotask: (fn) => {
      if (typeof fn !== 'function') throw new TypeError('The "callback" argument must be of type function');
      then(resolved(), () => fn());
    },
    sleep,
  };
  for (const [name, value] of Object.entries(globals)) {
    Object.defineProperty(globalThis, name, { value, writable: true, configurable: true, enumerable: false });
  }

  /**
   * Wires this context to its host; callable once (it removes itself from the global object).
   * `host(kind, runId, ...)` is the one way out; the function returned is the one way in.
   */
  return function boot(host, maxOutputChars, maxDataChars, timerCap, random, vendorSource) {
    delete globalThis.__toolsmith_boot;
    // The web globals' per-context state: the clock's origin, the host's random bytes, and where
    // the bundled libraries come from at first use.
    web.start(random, Date.now(), vendorSource);
    hostCall = (id, name, json) => host('call', runId, id, name, json);
    hostLog = (level, text) => host('log', runId, level, text);
    // The host hears the delay until the earliest timer, and how many are pending.
    hostTimer = (ms) => host('timer', runId, 'wake', timerFns.size, ms);
    hostDone = (id, json) => host('done', id, json);
    limits = { maxOutputChars, maxDataChars };
    if (timerCap > 0) maxTimers = timerCap;
    lineCap = Math.max(40, Math.floor(limits.maxOutputChars / 2));
    totalCap = limits.maxOutputChars * 4;
    return (op, a, b, c) => {
      switch (op) {
        case 'settle':
          return settle(a, b, c);
        case 'execute':
          return execute(a, b, c);
        case 'fire':
          return fire();
        case 'end':
          return endRun(a);
        default:
          throw new TypeError(`unknown runtime operation ${op}`);
      }
    };
  };
});
