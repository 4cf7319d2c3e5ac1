// Runs INSIDE the isolate. Web-platform globals that V8 itself lacks and the agent's code often
// uses: atob/btoa (workspace files come as base64), TextEncoder/TextDecoder (UTF-8) and
// structuredClone. Plain JavaScript, no host calls.
// biome-ignore lint/complexity/useArrowFunction: evaluated as an expression by the host
(function (global) {
  const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
  const LOOKUP = new Map([...ALPHABET].map((char, index) => [char, index]));

  function invalidCharacter(message) {
    const error = new Error(message);
    error.name = 'InvalidCharacterError';
    return error;
  }

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

  class TextEncoder {
    get encoding() {
      return 'utf-8';
    }
    encode(input = '') {
      const text = String(input);
      const bytes = [];
      for (let i = 0; i < text.length; i++) {
        let code = text.charCodeAt(i);
        if (code >= 0xd800 && code <= 0xdbff && i + 1 < text.length) {
          const next = text.charCodeAt(i + 1);
          if (next >= 0xdc00 && next <= 0xdfff) {
            code = 0x10000 + ((code - 0xd800) << 10) + (next - 0xdc00);
            i++;
          }
        }
        if (code >= 0xd800 && code <= 0xdfff) code = 0xfffd;
        if (code < 0x80) bytes.push(code);
        else if (code < 0x800) bytes.push(0xc0 | (code >> 6), 0x80 | (code & 63));
        else if (code < 0x10000)
          bytes.push(0xe0 | (code >> 12), 0x80 | ((code >> 6) & 63), 0x80 | (code & 63));
        else
          bytes.push(
            0xf0 | (code >> 18),
            0x80 | ((code >> 12) & 63),
            0x80 | ((code >> 6) & 63),
            0x80 | (code & 63),
          );
      }
      return new Uint8Array(bytes);
    }
  }

  class TextDecoder {
    #fatal;
    constructor(label = 'utf-8', options = {}) {
      if (!/^(utf-?8|unicode-1-1-utf-8)$/i.test(String(label).trim())) {
        throw new RangeError(`The "${label}" encoding is not supported (only utf-8 is)`);
      }
      this.#fatal = Boolean(options?.fatal);
    }
    get encoding() {
      return 'utf-8';
    }
    decode(input) {
      if (input === undefined) return '';
      const bytes =
        input instanceof ArrayBuffer
          ? new Uint8Array(input)
          : ArrayBuffer.isView(input)
            ? new Uint8Array(input.buffer, input.byteOffset, input.byteLength)
            : null;
      if (!bytes) throw new TypeError('TextDecoder.decode takes an ArrayBuffer or a typed array');
      // The WHATWG UTF-8 decoder: one U+FFFD per maximal invalid subpart, as Node and browsers do.
      let out = '';
      let codePoint = 0;
      let needed = 0;
      let seen = 0;
      let lower = 0x80;
      let upper = 0xbf;
      const bad = () => {
        if (this.#fatal) throw new TypeError('The encoded data was not valid for encoding utf-8');
        out += '\ufffd';
      };
      for (
        let i = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
        i < bytes.length;
        i++
      ) {
        const byte = bytes[i];
        if (needed === 0) {
          if (byte <= 0x7f) out += String.fromCharCode(byte);
          else if (byte >= 0xc2 && byte <= 0xdf) {
            needed = 1;
            codePoint = byte & 0x1f;
          } else if (byte >= 0xe0 && byte <= 0xef) {
            if (byte === 0xe0) lower = 0xa0;
            if (byte === 0xed) upper = 0x9f;
            needed = 2;
            codePoint = byte & 0xf;
          } else if (byte >= 0xf0 && byte <= 0xf4) {
            if (byte === 0xf0) lower = 0x90;
            if (byte === 0xf4) upper = 0x8f;
            needed = 3;
            codePoint = byte & 0x7;
          } else bad();
          continue;
        }
        if (byte < lower || byte > upper) {
          codePoint = needed = seen = 0;
          lower = 0x80;
          upper = 0xbf;
          bad();
          i--;
          continue;
        }
        lower = 0x80;
        upper = 0xbf;
        codePoint = (codePoint << 6) | (byte & 0x3f);
        if (++seen === needed) {
          out += String.fromCodePoint(codePoint);
          codePoint = needed = seen = 0;
        }
      }
      if (needed !== 0) bad();
      return out;
    }
  }

  function dataCloneError(what) {
    const error = new Error(`${what} could not be cloned.`);
    error.name = 'DataCloneError';
    return error;
  }

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

  for (const [name, value] of Object.entries({ atob, btoa, TextEncoder, TextDecoder, structuredClone })) {
    Object.defineProperty(global, name, { value, writable: true, configurable: true, enumerable: false });
  }
});
