// Runs INSIDE the isolate. Web-platform globals that V8 itself lacks and the agent's code often
// uses: atob/btoa (workspace files come as base64), structuredClone, URL and URLSearchParams
// (whatwg-url: see src/sandbox/web-vendor.ts; it needs TextEncoder and TextDecoder from
// web-encoding.js) and performance. performance.now() counts from the
// context's start (given by the host at boot), in whole ms.
// biome-ignore lint/complexity/useArrowFunction: evaluated as an expression by the host
(function (global, dom) {
  const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
  const LOOKUP = new Map([...ALPHABET].map((char, index) => [char, index]));

  const invalidCharacter = (message) => new dom.DOMException(message, 'InvalidCharacterError');

  function btoa(input) {
    const text = String(input);
    let out = '';
    for (let i = 0; i < text.length; i += 3) {
      const a = text.charCodeAt(i);
      const b = i + 1 < text.length ? text.charCodeAt(i + 1) : 0;
      const c = i + 2 < text.length ? text.charCodeAt(i + 2) : 0;
      if (a > 255 || b > 255 || c > 255) throw invalidCharacter('Invalid character: btoa takes Latin-1 text');
      const n = (a << 16) | (b << 8) | c;
      out += ALPHABET[(n >> 18) & 63] + ALPHABET[(n >> 12) & 63];
      out += i + 1 < text.length ? ALPHABET[(n >> 6) & 63] : '=';
      out += i + 2 < text.length ? ALPHABET[n & 63] : '=';
    }
    return out;
  }

  function atob(input) {
    let text = String(input).replace(/[\t\n\f\r ]+/g, '');
    if (text.length % 4 === 0) text = text.replace(/==?$/, '');
    if (text.length % 4 === 1 || /[^A-Za-z0-9+/]/.test(text)) {
      throw invalidCharacter('The string to be decoded is not correctly encoded.');
    }
    let out = '';
    let bits = 0;
    let buffer = 0;
    for (const char of text) {
      buffer = (buffer << 6) | LOOKUP.get(char);
      bits += 6;
      if (bits >= 8) {
        bits -= 8;
        out += String.fromCharCode((buffer >> bits) & 255);
      }
    }
    return out;
  }

  const dataCloneError = (what) => new dom.DOMException(`${what} could not be cloned.`, 'DataCloneError');

  /** The structured clone algorithm for the types plain code uses; prototypes of classes are not kept. */
  function structuredClone(value) {
    const seen = new Map();
    const clone = (input) => {
      if (typeof input === 'function') throw dataCloneError(String(input).slice(0, 60));
      if (typeof input === 'symbol') throw dataCloneError(input.toString());
      if (input === null || typeof input !== 'object') return input;
      if (seen.has(input)) return seen.get(input);
      let out;
      if (input instanceof Date) out = new Date(input.getTime());
      else if (input instanceof RegExp) out = new RegExp(input.source, input.flags);
      else if (input instanceof ArrayBuffer) out = input.slice(0);
      else if (ArrayBuffer.isView(input)) {
        const buffer = clone(input.buffer);
        out =
          input instanceof DataView
            ? new DataView(buffer, input.byteOffset, input.byteLength)
            : new input.constructor(buffer, input.byteOffset, input.length);
      } else if (input instanceof Map) {
        out = new Map();
        seen.set(input, out);
        for (const [k, v] of input) out.set(clone(k), clone(v));
        return out;
      } else if (input instanceof Set) {
        out = new Set();
        seen.set(input, out);
        for (const v of input) out.add(clone(v));
        return out;
      } else if (input instanceof Error) {
        out = new Error(input.message);
        out.name = input.name;
        if (input.stack) out.stack = input.stack;
      } else if (input instanceof Promise || input instanceof WeakMap || input instanceof WeakSet) {
        throw dataCloneError(Object.prototype.toString.call(input));
      } else {
        out = Array.isArray(input) ? new Array(input.length) : {};
        seen.set(input, out);
        for (const key of Object.keys(input)) out[key] = clone(input[key]);
        return out;
      }
      seen.set(input, out);
      return out;
    };
    return clone(value);
  }

  // Made after TextEncoder and TextDecoder, which whatwg-url needs.
  const define = (name, value) =>
    Object.defineProperty(global, name, { value, writable: true, configurable: true, enumerable: false });
  for (const [name, value] of Object.entries({ atob, btoa, structuredClone })) {
    define(name, value);
  }
  // The bundled libraries load in a context at first use (URL, URLSearchParams, a digest): the
  // host hands their source (one synchronous call), compiled here. A session that never uses them
  // does not pay for them, nor does the snapshot every isolate starts from.
  // biome-ignore lint/security/noGlobalEval: trusted code from the host (the bundled libraries), compiled in the global scope
  const indirectEval = eval;
  let vendorSource;
  let vendor;
  function loadVendor() {
    if (vendor) return vendor;
    if (!vendorSource) throw new TypeError('the web libraries are not available in this context');
    const vendorFactory = indirectEval(vendorSource());
    // webidl-conversions (under whatwg-url) reads SharedArrayBuffer.prototype's getters at load;
    // a context without SharedArrayBuffer gets a stand-in for that moment.
    const sharedMissing = typeof SharedArrayBuffer === 'undefined';
    if (sharedMissing) {
      global.SharedArrayBuffer = class SharedStandIn {
        get byteLength() {
          throw new TypeError('not a SharedArrayBuffer');
        }
        get growable() {
          throw new TypeError('not a SharedArrayBuffer');
        }
      };
    }
    try {
      vendor = vendorFactory();
    } finally {
      if (sharedMissing) delete global.SharedArrayBuffer;
    }
    return vendor;
  }
  for (const name of ['URL', 'URLSearchParams']) {
    Object.defineProperty(global, name, {
      get() {
        const value = loadVendor()[name];
        define(name, value);
        return value;
      },
      set(value) {
        define(name, value);
      },
      configurable: true,
      enumerable: false,
    });
  }

  // performance: whole milliseconds since the context started, never going back.
  let timeOrigin = Date.now();
  let latest = 0;
  class Performance {
    get timeOrigin() {
      return timeOrigin;
    }
    now() {
      const now = Date.now() - timeOrigin;
      if (now > latest) latest = now;
      return latest;
    }
    toJSON() {
      return { timeOrigin };
    }
  }
  define('performance', new Performance());
  return {
    loadVendor,
    /** Called by boot() in each context: the clock starts there, not when the snapshot was made. */
    start(origin, source) {
      timeOrigin = origin;
      latest = 0;
      vendorSource = source;
    },
  };
});
