// Runs INSIDE the isolate. `crypto` as Node's globalThis.crypto has it for plain code:
// getRandomValues and randomUUID, with bytes from the host's CSPRNG (node:crypto, fetched in
// batches of 4 KiB through `random`, set by boot() per context, never Math.random), and
// subtle.digest for SHA-1/256/384/512 (@noble/hashes, from the bundled libraries).
// biome-ignore lint/complexity/useArrowFunction: evaluated as an expression by the host
(function (global, dom, loadVendor) {
  // biome-ignore lint/suspicious/noRedundantUseStrict: evaluated as a classic script in the isolate
  'use strict';
  const POOL_BYTES = 4096;
  let random;
  let pool = new Uint8Array(0);
  let used = 0;

  function fill(target) {
    let offset = 0;
    while (offset < target.length) {
      if (used === pool.length) {
        if (!random) throw new dom.DOMException('No source of randomness in this context', 'OperationError');
        // A latin1 string, one character per byte (strings cross the boundary cheaply).
        const text = random(POOL_BYTES);
        pool = new Uint8Array(text.length);
        for (let i = 0; i < text.length; i++) pool[i] = text.charCodeAt(i);
        used = 0;
      }
      const take = Math.min(target.length - offset, pool.length - used);
      target.set(pool.subarray(used, used + take), offset);
      // Bytes handed out are wiped from the pool.
      pool.fill(0, used, used + take);
      used += take;
      offset += take;
    }
  }

  const integerArrays = [
    Int8Array,
    Uint8Array,
    Uint8ClampedArray,
    Int16Array,
    Uint16Array,
    Int32Array,
    Uint32Array,
    BigInt64Array,
    BigUint64Array,
  ];

  function getRandomValues(array) {
    if (!integerArrays.some((type) => array instanceof type)) {
      throw new dom.DOMException('The data argument must be an integer-type TypedArray', 'TypeMismatchError');
    }
    if (array.byteLength > 65_536) {
      throw new dom.DOMException('The requested length exceeds 65,536 bytes', 'QuotaExceededError');
    }
    fill(new Uint8Array(array.buffer, array.byteOffset, array.byteLength));
    return array;
  }

  const hex = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));
  function randomUUID() {
    const b = new Uint8Array(16);
    fill(b);
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    let out = '';
    for (let i = 0; i < 16; i++) {
      out += hex[b[i]];
      if (i === 3 || i === 5 || i === 7 || i === 9) out += '-';
    }
    return out;
  }

  const DIGESTS = ['SHA-1', 'SHA-256', 'SHA-384', 'SHA-512'];
  const hashOf = (name) => {
    const vendor = loadVendor();
    return {
      'SHA-1': vendor.sha1,
      'SHA-256': vendor.sha256,
      'SHA-384': vendor.sha384,
      'SHA-512': vendor.sha512,
    }[name];
  };
  const NativePromise = Promise;

  class SubtleCrypto {
    digest(algorithm, data) {
      return new NativePromise((resolve, reject) => {
        const name = typeof algorithm === 'string' ? algorithm : algorithm?.name;
        const upper = typeof name === 'string' ? name.toUpperCase() : '';
        if (!DIGESTS.includes(upper)) {
          reject(new dom.DOMException('Unrecognized algorithm name', 'NotSupportedError'));
          return;
        }
        let bytes;
        if (data instanceof ArrayBuffer) bytes = new Uint8Array(data);
        else if (ArrayBuffer.isView(data))
          bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
        else {
          reject(
            new TypeError(
              "Failed to execute 'digest' on 'SubtleCrypto': 2nd argument is not instance of ArrayBuffer, Buffer, TypedArray, or DataView.",
            ),
          );
          return;
        }
        // Hashed from a copy, as WebCrypto does: changing the data after the call changes nothing.
        const digest = hashOf(upper)(bytes.slice());
        resolve(digest.buffer.slice(digest.byteOffset, digest.byteOffset + digest.byteLength));
      });
    }
  }

  class Crypto {
    #subtle = new SubtleCrypto();
    get subtle() {
      return this.#subtle;
    }
    getRandomValues(array) {
      return getRandomValues(array);
    }
    randomUUID() {
      return randomUUID();
    }
  }

  Object.defineProperty(global, 'crypto', {
    value: new Crypto(),
    writable: true,
    configurable: true,
    enumerable: false,
  });
  return {
    /** Called by boot() in each context: `source(n)` returns n random bytes as a latin1 string. */
    start(source) {
      random = source;
      pool = new Uint8Array(0);
      used = 0;
    },
  };
});
