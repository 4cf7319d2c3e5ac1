// Runs INSIDE the isolate. TextEncoder and TextDecoder as the WHATWG Encoding Standard (and Node)
// define them, for the encodings code meets in files: UTF-8, windows-1252 (what `latin1`, `ascii`
// and `iso-8859-1` mean there) and UTF-16LE, with `stream`, `fatal` and `ignoreBOM`.
// biome-ignore lint/complexity/useArrowFunction: evaluated as an expression by the host
(function (global) {
  // biome-ignore lint/suspicious/noRedundantUseStrict: evaluated as a classic script in the isolate
  'use strict';
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
    encodeInto(input, destination) {
      if (!(destination instanceof Uint8Array)) {
        throw new TypeError('The "dest" argument must be an instance of Uint8Array.');
      }
      const text = String(input);
      let read = 0;
      let written = 0;
      for (const char of text) {
        const bytes = this.encode(char);
        if (written + bytes.length > destination.length) break;
        destination.set(bytes, written);
        written += bytes.length;
        read += char.length;
      }
      return { read, written };
    }
  }

  // The WHATWG Encoding Standard's labels for the three encodings the sandbox decodes.
  const LABELS = new Map();
  for (const label of [
    'unicode-1-1-utf-8',
    'unicode11utf8',
    'unicode20utf8',
    'utf-8',
    'utf8',
    'x-unicode20utf8',
  ]) {
    LABELS.set(label, 'utf-8');
  }
  for (const label of [
    'ansi_x3.4-1968',
    'ascii',
    'cp1252',
    'cp819',
    'csisolatin1',
    'ibm819',
    'iso-8859-1',
    'iso-ir-100',
    'iso8859-1',
    'iso88591',
    'iso_8859-1',
    'iso_8859-1:1987',
    'l1',
    'latin1',
    'us-ascii',
    'windows-1252',
    'x-cp1252',
  ]) {
    LABELS.set(label, 'windows-1252');
  }
  for (const label of [
    'csunicode',
    'iso-10646-ucs-2',
    'ucs-2',
    'unicode',
    'unicodefeff',
    'utf-16',
    'utf-16le',
  ]) {
    LABELS.set(label, 'utf-16le');
  }
  // windows-1252 bytes 0x80-0x9f (the rest are the code points of the same value).
  const WINDOWS_1252 =
    '\u20ac\u0081\u201a\u0192\u201e\u2026\u2020\u2021\u02c6\u2030\u0160\u2039\u0152\u008d\u017d\u008f' +
    '\u0090\u2018\u2019\u201c\u201d\u2022\u2013\u2014\u02dc\u2122\u0161\u203a\u0153\u009d\u017e\u0178';

  function bytesOf(input) {
    if (input === undefined) return new Uint8Array(0);
    if (
      input instanceof ArrayBuffer ||
      Object.prototype.toString.call(input) === '[object SharedArrayBuffer]'
    ) {
      return new Uint8Array(input);
    }
    if (ArrayBuffer.isView(input)) return new Uint8Array(input.buffer, input.byteOffset, input.byteLength);
    throw new TypeError(
      'The "input" argument must be an instance of ArrayBuffer, SharedArrayBuffer, or ArrayBufferView.',
    );
  }

  class TextDecoder {
    #encoding;
    #fatal;
    #ignoreBOM;
    // Streaming state: bytes of an unfinished sequence, and whether the BOM was looked for.
    #pending = [];
    #bomSeen = false;
    constructor(label = 'utf-8', options = {}) {
      const encoding = LABELS.get(String(label).trim().toLowerCase());
      if (!encoding) throw new RangeError(`The "${label}" encoding is not supported`);
      this.#encoding = encoding;
      this.#fatal = Boolean(options?.fatal);
      this.#ignoreBOM = Boolean(options?.ignoreBOM);
    }
    get encoding() {
      return this.#encoding;
    }
    get fatal() {
      return this.#fatal;
    }
    get ignoreBOM() {
      return this.#ignoreBOM;
    }
    decode(input, options = {}) {
      const stream = Boolean(options?.stream);
      let bytes = bytesOf(input);
      if (this.#pending.length > 0) {
        const joined = new Uint8Array(this.#pending.length + bytes.length);
        joined.set(this.#pending);
        joined.set(bytes, this.#pending.length);
        bytes = joined;
        this.#pending = [];
      }
      let start = 0;
      if (!this.#bomSeen && this.#encoding !== 'windows-1252') {
        const bom = this.#encoding === 'utf-8' ? [0xef, 0xbb, 0xbf] : [0xff, 0xfe];
        if (
          bytes.length < bom.length &&
          stream &&
          bom.slice(0, bytes.length).every((b, i) => bytes[i] === b)
        ) {
          this.#pending = [...bytes];
          return '';
        }
        this.#bomSeen = true;
        if (!this.#ignoreBOM && bom.every((b, i) => bytes[i] === b)) start = bom.length;
      }
      let out;
      if (this.#encoding === 'windows-1252') out = decode1252(bytes);
      else if (this.#encoding === 'utf-8') out = this.#utf8(bytes, start, stream);
      else out = this.#utf16(bytes, start, stream);
      if (!stream) this.#bomSeen = false;
      return out;
    }
    #bad(out) {
      if (this.#fatal) {
        this.#pending = [];
        this.#bomSeen = false;
        const error = new TypeError(`The encoded data was not valid for encoding ${this.#encoding}`);
        error.code = 'ERR_ENCODING_INVALID_ENCODED_DATA';
        throw error;
      }
      return `${out}\ufffd`;
    }
    // The WHATWG UTF-8 decoder: one U+FFFD per maximal invalid subpart, as Node and browsers do.
    #utf8(bytes, start, stream) {
      let out = '';
      let codePoint = 0;
      let needed = 0;
      let seen = 0;
      let lower = 0x80;
      let upper = 0xbf;
      let sequenceStart = start;
      for (let i = start; i < bytes.length; i++) {
        const byte = bytes[i];
        if (needed === 0) {
          sequenceStart = i;
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
          } else out = this.#bad(out);
          continue;
        }
        if (byte < lower || byte > upper) {
          codePoint = needed = seen = 0;
          lower = 0x80;
          upper = 0xbf;
          out = this.#bad(out);
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
      if (needed !== 0) {
        if (stream) this.#pending = [...bytes.subarray(sequenceStart)];
        else out = this.#bad(out);
      }
      return out;
    }
    #utf16(bytes, start, stream) {
      let out = '';
      let lead = 0;
      let i = start;
      for (; i + 1 < bytes.length; i += 2) {
        const unit = bytes[i] | (bytes[i + 1] << 8);
        if (lead !== 0) {
          if (unit >= 0xdc00 && unit <= 0xdfff) {
            out += String.fromCharCode(lead, unit);
            lead = 0;
            continue;
          }
          lead = 0;
          out = this.#bad(out);
        }
        if (unit >= 0xd800 && unit <= 0xdbff) lead = unit;
        else if (unit >= 0xdc00 && unit <= 0xdfff) out = this.#bad(out);
        else out += String.fromCharCode(unit);
      }
      if (stream) {
        const rest = [];
        if (lead !== 0) rest.push(lead & 0xff, lead >> 8);
        if (i < bytes.length) rest.push(bytes[i]);
        this.#pending = rest;
        return out;
      }
      if (lead !== 0 || i < bytes.length) out = this.#bad(out);
      return out;
    }
  }

  function decode1252(bytes) {
    let out = '';
    for (let i = 0; i < bytes.length; i += 8192) {
      const chunk = bytes.subarray(i, i + 8192);
      let text = '';
      for (let j = 0; j < chunk.length; j++) {
        const byte = chunk[j];
        text += byte >= 0x80 && byte <= 0x9f ? WINDOWS_1252[byte - 0x80] : String.fromCharCode(byte);
      }
      out += text;
    }
    return out;
  }

  for (const [name, value] of Object.entries({ TextEncoder, TextDecoder })) {
    Object.defineProperty(global, name, { value, writable: true, configurable: true, enumerable: false });
  }
});
