// Runs INSIDE the isolate. DOMException, Event, EventTarget, AbortController and AbortSignal as
// Node defines them (the WHATWG DOM Standard's), for code that passes a signal around or races a
// timeout. Plain JavaScript, no host calls; AbortSignal.timeout uses the runtime's own timers.
// biome-ignore lint/complexity/useArrowFunction: evaluated as an expression by the host
(function (global) {
  // biome-ignore lint/suspicious/noRedundantUseStrict: evaluated as a classic script in the isolate
  'use strict';
  const CODES = {
    IndexSizeError: 1,
    HierarchyRequestError: 3,
    WrongDocumentError: 4,
    InvalidCharacterError: 5,
    NoModificationAllowedError: 7,
    NotFoundError: 8,
    NotSupportedError: 9,
    InvalidStateError: 11,
    SyntaxError: 12,
    InvalidModificationError: 13,
    NamespaceError: 14,
    InvalidAccessError: 15,
    TypeMismatchError: 17,
    SecurityError: 18,
    NetworkError: 19,
    AbortError: 20,
    URLMismatchError: 21,
    QuotaExceededError: 22,
    TimeoutError: 23,
    InvalidNodeTypeError: 24,
    DataCloneError: 25,
  };

  class DOMException extends Error {
    #name;
    constructor(message = '', options = 'Error') {
      super(String(message));
      this.#name =
        options !== null && typeof options === 'object' ? String(options.name ?? 'Error') : String(options);
      if (options !== null && typeof options === 'object' && 'cause' in options) {
        Object.defineProperty(this, 'cause', { value: options.cause, writable: true, configurable: true });
      }
    }
    get name() {
      return this.#name;
    }
    get code() {
      return CODES[this.#name] ?? 0;
    }
  }
  Object.defineProperty(DOMException.prototype, Symbol.toStringTag, {
    value: 'DOMException',
    configurable: true,
  });
  for (const [name, code] of Object.entries(CODES)) {
    const constant = name
      .replace(/([a-z])([A-Z])/g, '$1_$2')
      .toUpperCase()
      .replace(/_ERROR$/, '_ERR');
    Object.defineProperty(DOMException, constant, { value: code, enumerable: true });
  }

  class Event {
    #type;
    #cancelable;
    #defaultPrevented = false;
    #stopped = false;
    #target = null;
    #current = null;
    #timeStamp = Date.now();
    #trusted = false;
    constructor(...args) {
      if (args.length === 0) throw new TypeError('The "type" argument must be specified');
      const [type, options = {}] = args;
      this.#type = String(type);
      this.#cancelable = Boolean(options?.cancelable);
      this.bubbles = Boolean(options?.bubbles);
      this.composed = Boolean(options?.composed);
    }
    get type() {
      return this.#type;
    }
    get target() {
      return this.#target;
    }
    get currentTarget() {
      return this.#current;
    }
    get srcElement() {
      return this.#target;
    }
    get cancelable() {
      return this.#cancelable;
    }
    get defaultPrevented() {
      return this.#cancelable && this.#defaultPrevented;
    }
    get timeStamp() {
      return this.#timeStamp;
    }
    get isTrusted() {
      return this.#trusted;
    }
    get eventPhase() {
      return this.#current ? 2 : 0;
    }
    composedPath() {
      return this.#current ? [this.#current] : [];
    }
    preventDefault() {
      this.#defaultPrevented = true;
    }
    stopPropagation() {}
    stopImmediatePropagation() {
      this.#stopped = true;
    }
    static dispatching(event, target) {
      event.#target ??= target;
      event.#current = target;
      return () => event.#stopped;
    }
    static done(event) {
      event.#current = null;
    }
    /** An event the platform itself fires (an abort), which code cannot forge. */
    static trusted(type) {
      const event = new Event(type);
      event.#trusted = true;
      return event;
    }
  }
  const dispatching = Event.dispatching;
  const done = Event.done;
  const trustedEvent = Event.trusted;
  delete Event.dispatching;
  delete Event.done;
  delete Event.trusted;

  class EventTarget {
    #listeners = new Map();
    addEventListener(type, listener, options) {
      if (listener === null || listener === undefined) return;
      const once = typeof options === 'object' && options !== null && Boolean(options.once);
      const capture = typeof options === 'boolean' ? options : Boolean(options?.capture);
      const signal = typeof options === 'object' && options !== null ? options.signal : undefined;
      if (signal?.aborted) return;
      const key = String(type);
      let list = this.#listeners.get(key);
      if (!list) {
        list = [];
        this.#listeners.set(key, list);
      }
      if (list.some((entry) => entry.listener === listener && entry.capture === capture)) return;
      const entry = { listener, once, capture, removed: false };
      list.push(entry);
      signal?.addEventListener('abort', () => this.removeEventListener(key, listener, { capture }), {
        once: true,
      });
    }
    removeEventListener(type, listener, options) {
      const capture = typeof options === 'boolean' ? options : Boolean(options?.capture);
      const list = this.#listeners.get(String(type));
      if (!list) return;
      const index = list.findIndex((entry) => entry.listener === listener && entry.capture === capture);
      if (index < 0) return;
      list[index].removed = true;
      list.splice(index, 1);
    }
    dispatchEvent(event) {
      if (!(event instanceof Event)) throw new TypeError('The "event" argument must be an instance of Event');
      const stopped = dispatching(event, this);
      const handler = this[`on${event.type}`];
      const list = [...(this.#listeners.get(event.type) ?? [])];
      try {
        if (typeof handler === 'function') handler.call(this, event);
        for (const entry of list) {
          if (entry.removed) continue;
          if (entry.once) this.removeEventListener(event.type, entry.listener, { capture: entry.capture });
          if (typeof entry.listener === 'function') entry.listener.call(this, event);
          else if (typeof entry.listener?.handleEvent === 'function') entry.listener.handleEvent(event);
          if (stopped()) break;
        }
      } finally {
        done(event);
      }
      return !event.defaultPrevented;
    }
  }

  const constructing = Symbol('AbortSignal');
  class AbortSignal extends EventTarget {
    #aborted = false;
    #reason = undefined;
    constructor(key) {
      if (key !== constructing) throw new TypeError('Illegal constructor');
      super();
      this.onabort = null;
    }
    get aborted() {
      return this.#aborted;
    }
    get reason() {
      return this.#reason;
    }
    throwIfAborted() {
      if (this.#aborted) throw this.#reason;
    }
    static abort(reason) {
      const signal = new AbortSignal(constructing);
      signal.#aborted = true;
      signal.#reason =
        reason === undefined ? new DOMException('This operation was aborted', 'AbortError') : reason;
      return signal;
    }
    static timeout(ms) {
      const delay = Number(ms);
      if (!Number.isFinite(delay) || delay < 0 || delay > 4294967295) {
        throw new RangeError(
          `The value of "delay" is out of range. It must be >= 0 && <= 4294967295. Received ${String(ms)}`,
        );
      }
      const signal = new AbortSignal(constructing);
      global.setTimeout(() => {
        abortSignal(signal, new DOMException('The operation was aborted due to timeout', 'TimeoutError'));
      }, delay);
      return signal;
    }
    static any(signals) {
      const signal = new AbortSignal(constructing);
      for (const source of signals) {
        if (!(source instanceof AbortSignal)) {
          throw new TypeError('The "signals" argument must be an array of AbortSignal');
        }
        if (source.aborted) {
          signal.#aborted = true;
          signal.#reason = source.reason;
          return signal;
        }
      }
      for (const source of signals) {
        source.addEventListener('abort', () => abortSignal(signal, source.reason), { once: true });
      }
      return signal;
    }
    static abortWith(signal, reason) {
      if (signal.#aborted) return;
      signal.#aborted = true;
      signal.#reason =
        reason === undefined ? new DOMException('This operation was aborted', 'AbortError') : reason;
      signal.dispatchEvent(trustedEvent('abort'));
    }
  }
  const abortSignal = AbortSignal.abortWith;
  delete AbortSignal.abortWith;

  class AbortController {
    #signal = new AbortSignal(constructing);
    get signal() {
      return this.#signal;
    }
    abort(reason) {
      abortSignal(this.#signal, reason);
    }
  }

  for (const [name, value] of Object.entries({
    DOMException,
    Event,
    EventTarget,
    AbortController,
    AbortSignal,
  })) {
    Object.defineProperty(global, name, { value, writable: true, configurable: true, enumerable: false });
  }
  return { DOMException };
});
