// Runs INSIDE the isolate. A port of Node's util.inspect and util.format (lib/internal/util/inspect.js,
// Node 24, colors off), so console output and values read exactly as they would in Node. What the
// isolate cannot see is left out: promise states, proxies, and the entries of iterators and weak
// collections. Evaluated as a script; its completion value is the API.
(() => {
  // biome-ignore lint/suspicious/noRedundantUseStrict: evaluated as a classic script in the isolate
  'use strict';
  const ObjectKeys = Object.keys;
  const ObjectGetOwnPropertyNames = Object.getOwnPropertyNames;
  const ObjectGetOwnPropertySymbols = Object.getOwnPropertySymbols;
  const ObjectGetOwnPropertyDescriptor = Object.getOwnPropertyDescriptor;
  const ObjectGetPrototypeOf = Object.getPrototypeOf;
  const ObjectIs = Object.is;
  const hasOwn = Object.hasOwn;
  const isEnumerable = (object, key) => Object.prototype.propertyIsEnumerable.call(object, key);
  const objectToString = (value) => Object.prototype.toString.call(value);
  const FunctionToString = Function.prototype.toString;
  const ErrorToString = Error.prototype.toString;
  const JSONStringify = JSON.stringify;
  const ArrayIsArray = Array.isArray;
  const TypedArray = ObjectGetPrototypeOf(Uint8Array);
  const typedArrayTag = ObjectGetOwnPropertyDescriptor(TypedArray.prototype, Symbol.toStringTag).get;
  const getter = (proto, name) => ObjectGetOwnPropertyDescriptor(proto, name).get;
  const setSize = getter(Set.prototype, 'size');
  const mapSize = getter(Map.prototype, 'size');
  const arrayBufferByteLength = getter(ArrayBuffer.prototype, 'byteLength');
  const dataViewByteLength = getter(DataView.prototype, 'byteLength');
  const regExpSource = getter(RegExp.prototype, 'source');
  const customInspectSymbol = Symbol.for('nodejs.util.inspect.custom');
  const AsyncFunction = (async () => {}).constructor;
  const GeneratorFunction = function* () {}.constructor;
  const AsyncGeneratorFunction = async function* () {}.constructor;

  // Brand checks: what Node asks of V8 (util.types), asked of the objects themselves.
  const brand =
    (fn, ...args) =>
    (value) => {
      try {
        fn.call(value, ...args);
        return true;
      } catch {
        return false;
      }
    };
  const isSet = brand(setSize);
  const isMap = brand(mapSize);
  const isWeakSet = brand(WeakSet.prototype.has, {});
  const isWeakMap = brand(WeakMap.prototype.has, {});
  const isDate = brand(Date.prototype.getTime);
  const isArrayBuffer = brand(arrayBufferByteLength);
  const isDataView = brand(dataViewByteLength);
  const isRegExp = (value) => value !== RegExp.prototype && brand(regExpSource)(value);
  const isTypedArray = (value) => typedArrayTag.call(value) !== undefined;
  const isNumberObject = brand(Number.prototype.valueOf);
  const isStringObject = brand(String.prototype.valueOf);
  const isBooleanObject = brand(Boolean.prototype.valueOf);
  const isBigIntObject = brand(BigInt.prototype.valueOf);
  const isSymbolObject = brand(Symbol.prototype.valueOf);
  const isBoxedPrimitive = (value) =>
    isNumberObject(value) ||
    isStringObject(value) ||
    isBooleanObject(value) ||
    isBigIntObject(value) ||
    isSymbolObject(value);
  const isError = (value) => value instanceof Error || objectToString(value) === '[object Error]';
  const isPromise = (value) => value instanceof Promise || objectToString(value) === '[object Promise]';
  const isArgumentsObject = (value) => objectToString(value) === '[object Arguments]';
  const instanceOf = (value, ctorName) => {
    try {
      return value instanceof ctorName;
    } catch {
      return false;
    }
  };

  const builtInObjects = new Set(
    ObjectGetOwnPropertyNames(globalThis).filter((name) => /^[A-Z][a-zA-Z0-9]+$/.test(name)),
  );
  const wellKnownPrototypes = new Map([
    [Array.prototype, { name: 'Array', constructor: Array }],
    [ArrayBuffer.prototype, { name: 'ArrayBuffer', constructor: ArrayBuffer }],
    [Function.prototype, { name: 'Function', constructor: Function }],
    [Map.prototype, { name: 'Map', constructor: Map }],
    [Object.prototype, { name: 'Object', constructor: Object }],
    [Set.prototype, { name: 'Set', constructor: Set }],
    [TypedArray.prototype, { name: 'TypedArray', constructor: TypedArray }],
  ]);

  const inspectDefaultOptions = {
    showHidden: false,
    depth: 2,
    customInspect: true,
    showProxy: false,
    maxArrayLength: 100,
    maxStringLength: 10000,
    breakLength: 80,
    compact: 3,
    sorted: false,
    getters: false,
    numericSeparator: false,
  };
  const kObjectType = 0;
  const kArrayType = 1;
  const kArrayExtrasType = 2;
  const kMinLineLength = 16;

  // Control characters (C0 and C1), the single quote, the backslash and lone surrogates.
  const escapeSource = (quote) =>
    `[\\x00-\\x1f${quote}\\x5c\\x7f-\\x9f]|[\\ud800-\\udbff](?![\\udc00-\\udfff])|(?<![\\ud800-\\udbff])[\\udc00-\\udfff]`;
  const strEscapeSequencesRegExp = new RegExp(escapeSource('\\x27'));
  const strEscapeSequencesReplacer = new RegExp(escapeSource('\\x27'), 'g');
  const strEscapeSequencesRegExpSingle = new RegExp(escapeSource(''));
  const strEscapeSequencesReplacerSingle = new RegExp(escapeSource(''), 'g');
  const keyStrRegExp = /^[a-zA-Z_][a-zA-Z_0-9]*$/;
  const numberRegExp = /^(0|[1-9][0-9]*)$/;
  const classRegExp = /^(\s+[^(]*?)\s*{/;
  const stripCommentsRegExp = /(\/\/.*?\n)|(\/\*(.|\n)*?\*\/)/g;

  // Escapes of control characters, the single quote and the backslash, by char code.
  const meta = [];
  for (let code = 0; code < 0xa0; code++) {
    if (code < 0x20 || code >= 0x7f) meta.push(`\\x${code.toString(16).toUpperCase().padStart(2, '0')}`);
    else meta.push('');
  }
  meta[8] = '\\b';
  meta[9] = '\\t';
  meta[10] = '\\n';
  meta[12] = '\\f';
  meta[13] = '\\r';
  meta[39] = "\\'";
  meta[92] = '\\\\';

  function escapeFn(str) {
    const code = str.charCodeAt(0);
    return meta.length > code ? meta[code] : `\\u${code.toString(16)}`;
  }

  function addQuotes(str, quotes) {
    if (quotes === -1) return `"${str}"`;
    if (quotes === -2) return `\`${str}\``;
    return `'${str}'`;
  }

  function strEscape(str) {
    let escapeTest = strEscapeSequencesRegExp;
    let escapeReplace = strEscapeSequencesReplacer;
    let singleQuote = 39;
    if (str.includes("'")) {
      if (!str.includes('"')) singleQuote = -1;
      else if (!str.includes('`') && !str.includes('${')) singleQuote = -2;
      if (singleQuote !== 39) {
        escapeTest = strEscapeSequencesRegExpSingle;
        escapeReplace = strEscapeSequencesReplacerSingle;
      }
    }
    if (str.length < 5000 && !escapeTest.test(str)) return addQuotes(str, singleQuote);
    if (str.length > 100) return addQuotes(str.replace(escapeReplace, escapeFn), singleQuote);
    let result = '';
    let last = 0;
    for (let i = 0; i < str.length; i++) {
      const point = str.charCodeAt(i);
      if (point === singleQuote || point === 92 || point < 32 || (point > 126 && point < 160)) {
        result += last === i ? meta[point] : `${str.slice(last, i)}${meta[point]}`;
        last = i + 1;
      } else if (point >= 0xd800 && point <= 0xdfff) {
        if (point <= 0xdbff && i + 1 < str.length) {
          const next = str.charCodeAt(i + 1);
          if (next >= 0xdc00 && next <= 0xdfff) {
            i++;
            continue;
          }
        }
        result += `${str.slice(last, i)}\\u${point.toString(16)}`;
        last = i + 1;
      }
    }
    if (last !== str.length) result += str.slice(last);
    return addQuotes(result, singleQuote);
  }

  // Display width: East Asian wide characters count 2, combining and control characters 0.
  function isFullWidthCodePoint(code) {
    return (
      code >= 0x1100 &&
      (code <= 0x115f ||
        code === 0x2329 ||
        code === 0x232a ||
        (code >= 0x2e80 && code <= 0x3247 && code !== 0x303f) ||
        (code >= 0x3250 && code <= 0x4dbf) ||
        (code >= 0x4e00 && code <= 0xa4c6) ||
        (code >= 0xa960 && code <= 0xa97c) ||
        (code >= 0xac00 && code <= 0xd7a3) ||
        (code >= 0xf900 && code <= 0xfaff) ||
        (code >= 0xfe10 && code <= 0xfe19) ||
        (code >= 0xfe30 && code <= 0xfe6b) ||
        (code >= 0xff01 && code <= 0xff60) ||
        (code >= 0xffe0 && code <= 0xffe6) ||
        (code >= 0x1b000 && code <= 0x1b001) ||
        (code >= 0x1f200 && code <= 0x1f251) ||
        (code >= 0x1f300 && code <= 0x1f64f) ||
        (code >= 0x20000 && code <= 0x3fffd))
    );
  }
  function isZeroWidthCodePoint(code) {
    return (
      code <= 0x1f ||
      (code >= 0x7f && code <= 0x9f) ||
      (code >= 0x300 && code <= 0x36f) ||
      (code >= 0x200b && code <= 0x200f) ||
      (code >= 0x20d0 && code <= 0x20ff) ||
      (code >= 0xfe00 && code <= 0xfe0f) ||
      (code >= 0xfe20 && code <= 0xfe2f) ||
      (code >= 0xe0100 && code <= 0xe01ef)
    );
  }
  function getStringWidth(str) {
    let width = 0;
    for (let i = 0; i < str.length; i++) {
      const code = str.charCodeAt(i);
      if (code >= 127) {
        for (const char of str.slice(i).normalize('NFC')) {
          const point = char.codePointAt(0);
          if (isFullWidthCodePoint(point)) width += 2;
          else if (!isZeroWidthCodePoint(point)) width++;
        }
        break;
      }
      width += code >= 32 ? 1 : 0;
    }
    return width;
  }

  function getUserOptions(ctx) {
    const options = { stylize: (str) => str };
    for (const key of ObjectKeys(inspectDefaultOptions)) options[key] = ctx[key];
    return ctx.userOptions === undefined ? options : { ...options, ...ctx.userOptions };
  }

  /** util.inspect(value, options) with Node's defaults (colors are never used). */
  function inspect(value, opts) {
    // Primitives that read the same whatever the options need no context (a run's value, a number
    // logged): the common case stays cheap in a fresh context.
    if (value === null || value === undefined || typeof value === 'boolean') return `${value}`;
    if (typeof value === 'number' && !opts?.numericSeparator) return formatNumber(value, false);
    const ctx = { budget: {}, indentationLvl: 0, seen: [], currentDepth: 0, ...inspectDefaultOptions };
    if (typeof opts === 'boolean') {
      ctx.showHidden = opts;
    } else if (opts) {
      for (const key of ObjectKeys(opts)) {
        if (hasOwn(inspectDefaultOptions, key)) ctx[key] = opts[key];
        else if (ctx.userOptions === undefined && key !== 'colors' && key !== 'stylize')
          ctx.userOptions = opts;
      }
    }
    if (ctx.depth === null) ctx.depth = Number.POSITIVE_INFINITY;
    if (ctx.maxArrayLength === null) ctx.maxArrayLength = Number.POSITIVE_INFINITY;
    if (ctx.maxStringLength === null) ctx.maxStringLength = Number.POSITIVE_INFINITY;
    return formatValue(ctx, value, 0);
  }
  inspect.custom = customInspectSymbol;
  inspect.defaultOptions = inspectDefaultOptions;

  function getConstructorName(obj, ctx, recurseTimes, protoProps) {
    let firstProto;
    const tmp = obj;
    while (obj) {
      const known = wellKnownPrototypes.get(obj);
      if (known !== undefined && instanceOf(tmp, known.constructor)) {
        if (protoProps !== undefined && firstProto !== obj) {
          addPrototypeProperties(ctx, tmp, firstProto || tmp, recurseTimes, protoProps);
        }
        return known.name;
      }
      const descriptor = ObjectGetOwnPropertyDescriptor(obj, 'constructor');
      if (
        descriptor !== undefined &&
        typeof descriptor.value === 'function' &&
        descriptor.value.name !== '' &&
        instanceOf(tmp, descriptor.value)
      ) {
        if (protoProps !== undefined && (firstProto !== obj || !builtInObjects.has(descriptor.value.name))) {
          addPrototypeProperties(ctx, tmp, firstProto || tmp, recurseTimes, protoProps);
        }
        return String(descriptor.value.name);
      }
      obj = ObjectGetPrototypeOf(obj);
      if (firstProto === undefined) firstProto = obj;
    }
    if (firstProto === null) return null;
    const res = typeof tmp === 'function' ? 'Function' : 'Object';
    if (recurseTimes > ctx.depth) return `${res} <Complex prototype>`;
    const protoConstr = getConstructorName(firstProto, ctx, recurseTimes + 1, protoProps);
    if (protoConstr === null) {
      return `${res} <${inspect(firstProto, { ...ctx, customInspect: false, depth: -1 })}>`;
    }
    return `${res} <${protoConstr}>`;
  }

  // With showHidden, properties defined on user prototypes are listed too.
  function addPrototypeProperties(ctx, main, obj, recurseTimes, output) {
    let depth = 0;
    let keys;
    let keySet;
    do {
      if (depth !== 0 || main === obj) {
        obj = ObjectGetPrototypeOf(obj);
        if (obj === null) return;
        const descriptor = ObjectGetOwnPropertyDescriptor(obj, 'constructor');
        if (
          descriptor !== undefined &&
          typeof descriptor.value === 'function' &&
          builtInObjects.has(descriptor.value.name)
        ) {
          return;
        }
      }
      if (depth === 0) keySet = new Set();
      else for (const key of keys) keySet.add(key);
      keys = Reflect.ownKeys(obj);
      ctx.seen.push(main);
      for (const key of keys) {
        if (key === 'constructor' || hasOwn(main, key) || (depth !== 0 && keySet.has(key))) continue;
        const desc = ObjectGetOwnPropertyDescriptor(obj, key);
        if (typeof desc.value === 'function') continue;
        output.push(formatProperty(ctx, obj, recurseTimes, key, kObjectType, desc, main));
      }
      ctx.seen.pop();
    } while (++depth !== 3);
  }

  function getPrefix(ctorName, tag, fallback, size = '') {
    if (ctorName === null) {
      if (tag !== '' && fallback !== tag) return `[${fallback}${size}: null prototype] [${tag}] `;
      return `[${fallback}${size}: null prototype] `;
    }
    if (tag !== '' && ctorName !== tag) return `${ctorName}${size} [${tag}] `;
    return `${ctorName}${size} `;
  }

  function getKeys(value, showHidden) {
    const symbols = ObjectGetOwnPropertySymbols(value);
    if (showHidden) {
      const keys = ObjectGetOwnPropertyNames(value);
      if (symbols.length !== 0) keys.push(...symbols);
      return keys;
    }
    const keys = ObjectKeys(value);
    if (symbols.length !== 0) keys.push(...symbols.filter((key) => isEnumerable(value, key)));
    return keys;
  }

  // Own keys that are not array indices (arrays and typed arrays).
  function getNonIndexKeys(value, showHidden) {
    return getKeys(value, showHidden).filter((key) => typeof key !== 'string' || !numberRegExp.test(key));
  }

  function getCtxStyle(ctorName, tag) {
    return getPrefix(ctorName, tag, ctorName === null ? 'Object' : '');
  }

  function formatValue(ctx, value, recurseTimes, typedArray) {
    if (typeof value !== 'object' && typeof value !== 'function') return formatPrimitive(value, ctx);
    if (value === null) return 'null';
    const context = value;
    if (ctx.customInspect) {
      let maybeCustom;
      try {
        maybeCustom = value[customInspectSymbol];
      } catch {
        maybeCustom = undefined;
      }
      if (
        typeof maybeCustom === 'function' &&
        maybeCustom !== inspect &&
        ObjectGetOwnPropertyDescriptor(value, 'constructor')?.value?.prototype !== value
      ) {
        const depth = ctx.depth - recurseTimes;
        const ret = maybeCustom.call(context, depth, getUserOptions(ctx), inspect);
        if (ret !== context) {
          if (typeof ret !== 'string') return formatValue(ctx, ret, recurseTimes);
          return ret.replaceAll('\n', `\n${' '.repeat(ctx.indentationLvl)}`);
        }
      }
    }
    if (ctx.seen.includes(value)) {
      let index = 1;
      if (ctx.circular === undefined) {
        ctx.circular = new Map([[value, index]]);
      } else {
        index = ctx.circular.get(value);
        if (index === undefined) {
          index = ctx.circular.size + 1;
          ctx.circular.set(value, index);
        }
      }
      return `[Circular *${index}]`;
    }
    return formatRaw(ctx, value, recurseTimes, typedArray);
  }

  function formatRaw(ctx, value, recurseTimes, typedArray) {
    let keys;
    let protoProps;
    if (ctx.showHidden && recurseTimes <= ctx.depth) protoProps = [];
    const ctorName = getConstructorName(value, ctx, recurseTimes, protoProps);
    if (protoProps !== undefined && protoProps.length === 0) protoProps = undefined;

    let tag = value[Symbol.toStringTag];
    if (
      typeof tag !== 'string' ||
      (tag !== '' && (ctx.showHidden ? hasOwn : isEnumerable)(value, Symbol.toStringTag))
    ) {
      tag = '';
    }
    let base = '';
    let formatter = () => [];
    let braces;
    let noIterator = true;
    let extrasType = kObjectType;

    if (Symbol.iterator in value || ctorName === null) {
      noIterator = false;
      if (ArrayIsArray(value)) {
        const prefix =
          ctorName !== 'Array' || tag !== '' ? getPrefix(ctorName, tag, 'Array', `(${value.length})`) : '';
        keys = getNonIndexKeys(value, ctx.showHidden);
        braces = [`${prefix}[`, ']'];
        if (value.length === 0 && keys.length === 0 && protoProps === undefined) return `${braces[0]}]`;
        extrasType = kArrayExtrasType;
        formatter = formatArray;
      } else if (isSet(value)) {
        const size = setSize.call(value);
        const prefix = getPrefix(ctorName, tag, 'Set', `(${size})`);
        keys = getKeys(value, ctx.showHidden);
        const values = ctorName !== null ? value : Set.prototype.values.call(value);
        formatter = (c, _v, r) => formatSet(values, c, r, size);
        if (size === 0 && keys.length === 0 && protoProps === undefined) return `${prefix}{}`;
        braces = [`${prefix}{`, '}'];
      } else if (isMap(value)) {
        const size = mapSize.call(value);
        const prefix = getPrefix(ctorName, tag, 'Map', `(${size})`);
        keys = getKeys(value, ctx.showHidden);
        const entries = ctorName !== null ? value : Map.prototype.entries.call(value);
        formatter = (c, _v, r) => formatMap(entries, c, r, size);
        if (size === 0 && keys.length === 0 && protoProps === undefined) return `${prefix}{}`;
        braces = [`${prefix}{`, '}'];
      } else if (isTypedArray(value)) {
        keys = getNonIndexKeys(value, ctx.showHidden);
        const fallback = ctorName === null ? typedArrayTag.call(value) : '';
        const size = value.length;
        const prefix = getPrefix(ctorName, tag, fallback, `(${size})`);
        braces = [`${prefix}[`, ']'];
        if (value.length === 0 && keys.length === 0 && !ctx.showHidden) return `${braces[0]}]`;
        formatter = (c, _v, r) => formatTypedArray(value, size, c, r);
        extrasType = kArrayExtrasType;
      } else {
        noIterator = true;
      }
    }
    if (noIterator) {
      keys = getKeys(value, ctx.showHidden);
      braces = ['{', '}'];
      if (typeof value === 'function') {
        base = getFunctionBase(ctx, value, ctorName, tag);
        if (keys.length === 0 && protoProps === undefined) return base;
      } else if (ctorName === 'Object') {
        if (isArgumentsObject(value)) braces[0] = '[Arguments] {';
        else if (tag !== '') braces[0] = `${getPrefix(ctorName, tag, 'Object')}{`;
        if (keys.length === 0 && protoProps === undefined) return `${braces[0]}}`;
      } else if (isRegExp(value)) {
        base = RegExp.prototype.toString.call(ctorName !== null ? value : new RegExp(value));
        const prefix = getPrefix(ctorName, tag, 'RegExp');
        if (prefix !== 'RegExp ') base = `${prefix}${base}`;
        if ((keys.length === 0 && protoProps === undefined) || recurseTimes > ctx.depth) return base;
      } else if (isDate(value)) {
        base = Number.isNaN(Date.prototype.getTime.call(value))
          ? Date.prototype.toString.call(value)
          : Date.prototype.toISOString.call(value);
        const prefix = getPrefix(ctorName, tag, 'Date');
        if (prefix !== 'Date ') base = `${prefix}${base}`;
        if (keys.length === 0 && protoProps === undefined) return base;
      } else if (isError(value)) {
        base = formatError(value, ctorName, tag, ctx, keys);
        if (keys.length === 0 && protoProps === undefined) return base;
      } else if (isArrayBuffer(value)) {
        const prefix = getPrefix(ctorName, tag, 'ArrayBuffer');
        if (typedArray === undefined) formatter = formatArrayBuffer;
        else if (keys.length === 0 && protoProps === undefined) {
          return `${prefix}{ [byteLength]: ${formatNumber(arrayBufferByteLength.call(value), false)} }`;
        }
        braces[0] = `${prefix}{`;
        keys.unshift({ hidden: 'byteLength' });
      } else if (isDataView(value)) {
        braces[0] = `${getPrefix(ctorName, tag, 'DataView')}{`;
        keys.unshift({ hidden: 'byteLength' }, { hidden: 'byteOffset' }, { hidden: 'buffer' });
      } else if (isPromise(value)) {
        // The isolate cannot read a promise's state: it always shows as pending.
        braces[0] = `${getPrefix(ctorName, tag, 'Promise')}{`;
        formatter = () => ['<pending>'];
      } else if (isWeakSet(value)) {
        braces[0] = `${getPrefix(ctorName, tag, 'WeakSet')}{`;
        formatter = () => ['<items unknown>'];
      } else if (isWeakMap(value)) {
        braces[0] = `${getPrefix(ctorName, tag, 'WeakMap')}{`;
        formatter = () => ['<items unknown>'];
      } else if (isBoxedPrimitive(value)) {
        base = getBoxedBase(value, ctx, keys, ctorName, tag);
        if (keys.length === 0 && protoProps === undefined) return base;
      } else {
        if (keys.length === 0 && protoProps === undefined) return `${getCtxStyle(ctorName, tag)}{}`;
        braces[0] = `${getCtxStyle(ctorName, tag)}{`;
      }
    }

    if (recurseTimes > ctx.depth) {
      const label = getCtxStyle(ctorName, tag).slice(0, -1);
      return ctorName !== null ? `[${label}]` : label;
    }
    recurseTimes += 1;
    ctx.seen.push(value);
    ctx.currentDepth = recurseTimes;
    let output;
    const indentationLvl = ctx.indentationLvl;
    try {
      output = formatter(ctx, value, recurseTimes);
      for (let i = 0; i < keys.length; i++) {
        const key = keys[i];
        output.push(
          typeof key === 'object'
            ? formatHiddenKey(ctx, value, recurseTimes, key.hidden)
            : formatProperty(ctx, value, recurseTimes, key, extrasType),
        );
      }
      if (protoProps !== undefined) output.push(...protoProps);
    } catch (error) {
      if (!(error instanceof RangeError) || !/call stack/i.test(error.message)) throw error;
      ctx.seen.pop();
      ctx.indentationLvl = indentationLvl;
      const label = getCtxStyle(ctorName, tag).slice(0, -1);
      return `[${label}: Inspection interrupted prematurely. Maximum call stack size exceeded.]`;
    }
    if (ctx.circular !== undefined) {
      const index = ctx.circular.get(value);
      if (index !== undefined) {
        const reference = `<ref *${index}>`;
        if (ctx.compact !== true) base = base === '' ? reference : `${reference} ${base}`;
        else braces[0] = `${reference} ${braces[0]}`;
      }
    }
    ctx.seen.pop();
    if (ctx.sorted) {
      const comparator = ctx.sorted === true ? undefined : ctx.sorted;
      if (extrasType === kObjectType) output.sort(comparator);
      else if (keys.length > 1) {
        const sorted = output.slice(output.length - keys.length).sort(comparator);
        output.splice(output.length - keys.length, keys.length, ...sorted);
      }
    }
    const res = reduceToSingleString(ctx, output, base, braces, extrasType, recurseTimes, value);
    const newLength = (ctx.budget[ctx.indentationLvl] || 0) + res.length;
    ctx.budget[ctx.indentationLvl] = newLength;
    if (newLength > 2 ** 27) ctx.depth = -1;
    return res;
  }

  // Accessors Node lists as `[name]: value` (ArrayBuffer and DataView sizes).
  function formatHiddenKey(ctx, value, recurseTimes, key) {
    ctx.indentationLvl += 2;
    const str = formatValue(ctx, value[key], recurseTimes);
    ctx.indentationLvl -= 2;
    return `[${key}]: ${str}`;
  }

  function getBoxedBase(value, ctx, keys, ctorName, tag) {
    let type;
    let primitive;
    if (isNumberObject(value)) {
      type = 'Number';
      primitive = Number.prototype.valueOf.call(value);
    } else if (isStringObject(value)) {
      type = 'String';
      primitive = String.prototype.valueOf.call(value);
      keys.splice(0, primitive.length);
    } else if (isBooleanObject(value)) {
      type = 'Boolean';
      primitive = Boolean.prototype.valueOf.call(value);
    } else if (isBigIntObject(value)) {
      type = 'BigInt';
      primitive = BigInt.prototype.valueOf.call(value);
    } else {
      type = 'Symbol';
      primitive = Symbol.prototype.valueOf.call(value);
    }
    let base = `[${type}`;
    if (type !== ctorName) base += ctorName === null ? ' (null prototype)' : ` (${ctorName})`;
    base += `: ${formatPrimitive(primitive, { ...ctx, compact: true })}]`;
    if (tag !== '' && tag !== ctorName) base += ` [${tag}]`;
    return base;
  }

  function getClassBase(value, ctorName, tag) {
    const name = (hasOwn(value, 'name') && value.name) || '(anonymous)';
    let base = `class ${name}`;
    if (ctorName !== 'Function' && ctorName !== null) base += ` [${ctorName}]`;
    if (tag !== '' && ctorName !== tag) base += ` [${tag}]`;
    if (ctorName !== null) {
      const superName = ObjectGetPrototypeOf(value).name;
      if (superName) base += ` extends ${superName}`;
    } else {
      base += ' extends [null prototype]';
    }
    return `[${base}]`;
  }

  function getFunctionBase(ctx, value, ctorName, tag) {
    const stringified = FunctionToString.call(value);
    if (stringified.startsWith('class') && stringified[stringified.length - 1] === '}') {
      const slice = stringified.slice(5, -1);
      const bracketIndex = slice.indexOf('{');
      if (
        bracketIndex !== -1 &&
        (!slice.slice(0, bracketIndex).includes('(') ||
          classRegExp.test(slice.replace(stripCommentsRegExp, '')))
      ) {
        return getClassBase(value, ctorName, tag);
      }
    }
    let type = 'Function';
    if (instanceOf(value, GeneratorFunction) || instanceOf(value, AsyncGeneratorFunction))
      type = `Generator${type}`;
    if (instanceOf(value, AsyncFunction) || instanceOf(value, AsyncGeneratorFunction)) type = `Async${type}`;
    let base = `[${type}`;
    if (ctorName === null) base += ' (null prototype)';
    if (value.name === '') base += ' (anonymous)';
    else base += `: ${typeof value.name === 'string' ? value.name : formatValue(ctx, value.name)}`;
    base += ']';
    if (ctorName !== type && ctorName !== null) base += ` ${ctorName}`;
    if (tag !== '' && ctorName !== tag) base += ` [${tag}]`;
    return base;
  }

  function identicalSequenceRange(a, b) {
    for (let i = 0; i < a.length - 3; i++) {
      const pos = b.indexOf(a[i]);
      if (pos !== -1) {
        const rest = b.length - pos;
        if (rest > 3) {
          let len = 1;
          const maxLen = Math.min(a.length - i, rest);
          while (maxLen > len && a[i + len] === b[pos + len]) len++;
          if (len > 3) return { len, offset: i };
        }
      }
    }
    return { len: 0, offset: 0 };
  }

  function getStackString(ctx, error) {
    if (error.stack) {
      if (typeof error.stack === 'string') return error.stack;
      return formatValue(ctx, error.stack);
    }
    return ErrorToString.call(error);
  }

  function getStackFrames(ctx, err, stack) {
    const frames = stack.split('\n');
    let cause;
    try {
      ({ cause } = err);
    } catch {
      // a throwing `cause` getter is ignored
    }
    if (cause != null && isError(cause)) {
      const causeStack = getStackString(ctx, cause);
      const causeStackStart = causeStack.indexOf('\n    at');
      if (causeStackStart !== -1) {
        const causeFrames = causeStack.slice(causeStackStart + 1).split('\n');
        const { len, offset } = identicalSequenceRange(frames, causeFrames);
        if (len > 0) {
          const skipped = len - 2;
          frames.splice(offset + 1, skipped, `    ... ${skipped} lines matching cause stack trace ...`);
        }
      }
    }
    return frames;
  }

  function improveStack(stack, ctorName, name, tag) {
    let len = name.length;
    if (typeof name !== 'string') {
      stack = stack.replace(`${name}`, `${name} [${getPrefix(ctorName, tag, 'Error').slice(0, -1)}]`);
    }
    if (
      ctorName === null ||
      (name.endsWith('Error') &&
        stack.startsWith(name) &&
        (stack.length === len || stack[len] === ':' || stack[len] === '\n'))
    ) {
      let fallback = 'Error';
      if (ctorName === null) {
        const start =
          /^([A-Z][a-z_ A-Z0-9[\]()-]+)(?::|\n {4}at)/.exec(stack) || /^([a-z_A-Z0-9-]*Error)$/.exec(stack);
        fallback = start?.[1] || '';
        len = fallback.length;
        fallback ||= 'Error';
      }
      const prefix = getPrefix(ctorName, tag, fallback).slice(0, -1);
      if (name !== prefix) {
        if (prefix.includes(name)) {
          stack = len === 0 ? `${prefix}: ${stack}` : `${prefix}${stack.slice(len)}`;
        } else {
          stack = `${prefix} [${name}]${stack.slice(len)}`;
        }
      }
    }
    return stack;
  }

  function removeDuplicateErrorKeys(ctx, keys, err, stack) {
    if (!ctx.showHidden && keys.length !== 0) {
      for (const name of ['name', 'message', 'stack']) {
        const index = keys.indexOf(name);
        if (index !== -1 && (typeof err[name] !== 'string' || stack.includes(err[name])))
          keys.splice(index, 1);
      }
    }
  }

  function formatError(err, ctorName, tag, ctx, keys) {
    const name = err.name != null ? String(err.name) : 'Error';
    let stack = getStackString(ctx, err);
    removeDuplicateErrorKeys(ctx, keys, err, stack);
    if ('cause' in err && (keys.length === 0 || !keys.includes('cause'))) keys.push('cause');
    if (ArrayIsArray(err.errors) && (keys.length === 0 || !keys.includes('errors'))) keys.push('errors');
    stack = improveStack(stack, ctorName, name, tag);
    let pos = (err.message && stack.indexOf(err.message)) || -1;
    if (pos !== -1) pos += err.message.length;
    const stackStart = stack.indexOf('\n    at', pos);
    if (stackStart === -1) {
      stack = `[${stack}]`;
    } else {
      const lines = getStackFrames(ctx, err, stack.slice(stackStart + 1));
      stack = `${stack.slice(0, stackStart)}\n${lines.join('\n')}`;
    }
    if (ctx.indentationLvl !== 0) stack = stack.replaceAll('\n', `\n${' '.repeat(ctx.indentationLvl)}`);
    return stack;
  }

  function groupArrayElements(ctx, output, value) {
    let totalLength = 0;
    let maxLength = 0;
    let outputLength = output.length;
    if (ctx.maxArrayLength < output.length) outputLength--;
    const separatorSpace = 2;
    const dataLen = new Array(outputLength);
    for (let i = 0; i < outputLength; i++) {
      const len = getStringWidth(output[i]);
      dataLen[i] = len;
      totalLength += len + separatorSpace;
      if (maxLength < len) maxLength = len;
    }
    const actualMax = maxLength + separatorSpace;
    if (
      actualMax * 3 + ctx.indentationLvl < ctx.breakLength &&
      (totalLength / actualMax > 5 || maxLength <= 6)
    ) {
      const averageBias = Math.sqrt(actualMax - totalLength / output.length);
      const biasedMax = Math.max(actualMax - 3 - averageBias, 1);
      const columns = Math.min(
        Math.round(Math.sqrt(2.5 * biasedMax * outputLength) / biasedMax),
        Math.floor((ctx.breakLength - ctx.indentationLvl) / actualMax),
        ctx.compact * 4,
        15,
      );
      if (columns <= 1) return output;
      const tmp = [];
      const maxLineLength = [];
      for (let i = 0; i < columns; i++) {
        let lineMaxLength = 0;
        for (let j = i; j < output.length; j += columns)
          if (dataLen[j] > lineMaxLength) lineMaxLength = dataLen[j];
        maxLineLength.push(lineMaxLength + separatorSpace);
      }
      let padStart = true;
      if (value !== undefined) {
        for (let i = 0; i < output.length; i++) {
          if (typeof value[i] !== 'number' && typeof value[i] !== 'bigint') {
            padStart = false;
            break;
          }
        }
      }
      for (let i = 0; i < outputLength; i += columns) {
        const max = Math.min(i + columns, outputLength);
        let str = '';
        let j = i;
        for (; j < max - 1; j++) {
          const padding = maxLineLength[j - i] + output[j].length - dataLen[j];
          str += padStart ? `${output[j]}, `.padStart(padding, ' ') : `${output[j]}, `.padEnd(padding, ' ');
        }
        if (padStart) {
          const padding = maxLineLength[j - i] + output[j].length - dataLen[j] - separatorSpace;
          str += output[j].padStart(padding, ' ');
        } else {
          str += output[j];
        }
        tmp.push(str);
      }
      if (ctx.maxArrayLength < output.length) tmp.push(output[outputLength]);
      return tmp;
    }
    return output;
  }

  function addNumericSeparator(integerString) {
    let result = '';
    let i = integerString.length;
    const start = integerString[0] === '-' ? 1 : 0;
    for (; i >= start + 4; i -= 3) result = `_${integerString.slice(i - 3, i)}${result}`;
    return i === integerString.length ? integerString : `${integerString.slice(0, i)}${result}`;
  }

  function addNumericSeparatorEnd(integerString) {
    let result = '';
    let i = 0;
    for (; i < integerString.length - 3; i += 3) result += `${integerString.slice(i, i + 3)}_`;
    return i === 0 ? integerString : `${result}${integerString.slice(i)}`;
  }

  const remainingText = (remaining) => `... ${remaining} more item${remaining > 1 ? 's' : ''}`;

  function formatNumber(number, numericSeparator) {
    if (!numericSeparator) return ObjectIs(number, -0) ? '-0' : `${number}`;
    const integer = Math.trunc(number);
    const string = String(integer);
    if (integer === number) {
      if (!Number.isFinite(number) || string.includes('e')) return string;
      return addNumericSeparator(string);
    }
    if (Number.isNaN(number)) return string;
    return `${addNumericSeparator(string)}.${addNumericSeparatorEnd(String(number).slice(string.length + 1))}`;
  }

  function formatBigInt(bigint, numericSeparator) {
    const string = String(bigint);
    return numericSeparator ? `${addNumericSeparator(string)}n` : `${string}n`;
  }

  function formatPrimitive(value, ctx) {
    if (typeof value === 'string') {
      let trailer = '';
      if (value.length > ctx.maxStringLength) {
        const remaining = value.length - ctx.maxStringLength;
        value = value.slice(0, ctx.maxStringLength);
        trailer = `... ${remaining} more character${remaining > 1 ? 's' : ''}`;
      }
      if (
        ctx.compact !== true &&
        value.length > kMinLineLength &&
        value.length > ctx.breakLength - ctx.indentationLvl - 4
      ) {
        return (
          value
            .split(/(?<=\n)/)
            .map((line) => strEscape(line))
            .join(` +\n${' '.repeat(ctx.indentationLvl + 2)}`) + trailer
        );
      }
      return strEscape(value) + trailer;
    }
    if (typeof value === 'number') return formatNumber(value, ctx.numericSeparator);
    if (typeof value === 'bigint') return formatBigInt(value, ctx.numericSeparator);
    if (typeof value === 'boolean') return `${value}`;
    if (typeof value === 'undefined') return 'undefined';
    return Symbol.prototype.toString.call(value);
  }

  function formatSpecialArray(ctx, value, recurseTimes, maxLength, output, i) {
    const keys = ObjectKeys(value);
    let index = i;
    for (; i < keys.length && output.length < maxLength; i++) {
      const key = keys[i];
      const tmp = +key;
      if (tmp > 2 ** 32 - 2) break;
      if (`${index}` !== key) {
        if (!numberRegExp.test(key)) break;
        const emptyItems = tmp - index;
        output.push(`<${emptyItems} empty item${emptyItems > 1 ? 's' : ''}>`);
        index = tmp;
        if (output.length === maxLength) break;
      }
      output.push(formatProperty(ctx, value, recurseTimes, key, kArrayType));
      index++;
    }
    const remaining = value.length - index;
    if (output.length !== maxLength) {
      if (remaining > 0) output.push(`<${remaining} empty item${remaining > 1 ? 's' : ''}>`);
    } else if (remaining > 0) {
      output.push(remainingText(remaining));
    }
    return output;
  }

  function formatArrayBuffer(ctx, value) {
    let buffer;
    try {
      buffer = new Uint8Array(value);
    } catch {
      return ['(detached)'];
    }
    const shown = Math.min(ctx.maxArrayLength, buffer.length);
    let str = '';
    for (let i = 0; i < shown; i++) str += `${i === 0 ? '' : ' '}${buffer[i].toString(16).padStart(2, '0')}`;
    const remaining = buffer.length - ctx.maxArrayLength;
    if (remaining > 0) str += ` ... ${remaining} more byte${remaining > 1 ? 's' : ''}`;
    return [`[Uint8Contents]: <${str}>`];
  }

  function formatArray(ctx, value, recurseTimes) {
    const valLen = value.length;
    const len = Math.min(Math.max(0, ctx.maxArrayLength), valLen);
    const remaining = valLen - len;
    const output = [];
    for (let i = 0; i < len; i++) {
      if (!hasOwn(value, i)) return formatSpecialArray(ctx, value, recurseTimes, len, output, i);
      output.push(formatProperty(ctx, value, recurseTimes, i, kArrayType));
    }
    if (remaining > 0) output.push(remainingText(remaining));
    return output;
  }

  function formatTypedArray(value, length, ctx, recurseTimes) {
    const maxLength = Math.min(Math.max(0, ctx.maxArrayLength), length);
    const remaining = value.length - maxLength;
    const output = new Array(maxLength);
    const bigints = value.length > 0 && typeof value[0] === 'bigint';
    for (let i = 0; i < maxLength; ++i) {
      output[i] = bigints
        ? formatBigInt(value[i], ctx.numericSeparator)
        : formatNumber(value[i], ctx.numericSeparator);
    }
    if (remaining > 0) output[maxLength] = remainingText(remaining);
    if (ctx.showHidden) {
      ctx.indentationLvl += 2;
      for (const key of ['BYTES_PER_ELEMENT', 'length', 'byteLength', 'byteOffset', 'buffer']) {
        output.push(`[${key}]: ${formatValue(ctx, value[key], recurseTimes, true)}`);
      }
      ctx.indentationLvl -= 2;
    }
    return output;
  }

  function formatSet(values, ctx, recurseTimes, length) {
    const maxLength = Math.min(Math.max(0, ctx.maxArrayLength), length);
    const remaining = length - maxLength;
    const output = [];
    ctx.indentationLvl += 2;
    let i = 0;
    for (const v of values) {
      if (i >= maxLength) break;
      output.push(formatValue(ctx, v, recurseTimes));
      i++;
    }
    if (remaining > 0) output.push(remainingText(remaining));
    ctx.indentationLvl -= 2;
    return output;
  }

  function formatMap(entries, ctx, recurseTimes, length) {
    const maxLength = Math.min(Math.max(0, ctx.maxArrayLength), length);
    const remaining = length - maxLength;
    const output = [];
    ctx.indentationLvl += 2;
    let i = 0;
    for (const { 0: k, 1: v } of entries) {
      if (i >= maxLength) break;
      output.push(`${formatValue(ctx, k, recurseTimes)} => ${formatValue(ctx, v, recurseTimes)}`);
      i++;
    }
    if (remaining > 0) output.push(remainingText(remaining));
    ctx.indentationLvl -= 2;
    return output;
  }

  function formatProperty(ctx, value, recurseTimes, key, type, desc, original = value) {
    let name;
    let str;
    let extra = ' ';
    desc ||= ObjectGetOwnPropertyDescriptor(value, key) || { value: value[key], enumerable: true };
    if (desc.value !== undefined) {
      const diff = ctx.compact !== true || type !== kObjectType ? 2 : 3;
      ctx.indentationLvl += diff;
      str = formatValue(ctx, desc.value, recurseTimes);
      if (diff === 3 && ctx.breakLength < getStringWidth(str)) extra = `\n${' '.repeat(ctx.indentationLvl)}`;
      ctx.indentationLvl -= diff;
    } else if (desc.get !== undefined) {
      const label = desc.set !== undefined ? 'Getter/Setter' : 'Getter';
      if (
        ctx.getters &&
        (ctx.getters === true ||
          (ctx.getters === 'get' && desc.set === undefined) ||
          (ctx.getters === 'set' && desc.set !== undefined))
      ) {
        try {
          const tmp = desc.get.call(original);
          ctx.indentationLvl += 2;
          if (tmp === null) str = `[${label}: null]`;
          else if (typeof tmp === 'object') str = `[${label}] ${formatValue(ctx, tmp, recurseTimes)}`;
          else str = `[${label}: ${formatPrimitive(tmp, ctx)}]`;
          ctx.indentationLvl -= 2;
        } catch (err) {
          str = `[${label}: <Inspection threw (${err.message})>]`;
        }
      } else {
        str = `[${label}]`;
      }
    } else if (desc.set !== undefined) {
      str = '[Setter]';
    } else {
      str = 'undefined';
    }
    if (type === kArrayType) return str;
    if (typeof key === 'symbol') {
      const tmp = Symbol.prototype.toString.call(key).replace(strEscapeSequencesReplacer, escapeFn);
      name = desc.enumerable === false ? `[${tmp}]` : tmp;
    } else if (key === '__proto__') {
      name = "['__proto__']";
    } else if (desc.enumerable === false) {
      name = `[${String(key).replace(strEscapeSequencesReplacer, escapeFn)}]`;
    } else if (keyStrRegExp.test(key)) {
      name = key;
    } else {
      name = strEscape(String(key));
    }
    return `${name}:${extra}${str}`;
  }

  function isBelowBreakLength(ctx, output, start, base) {
    let totalLength = output.length + start;
    if (totalLength + output.length > ctx.breakLength) return false;
    for (let i = 0; i < output.length; i++) {
      totalLength += output[i].length;
      if (totalLength > ctx.breakLength) return false;
    }
    return base === '' || !base.includes('\n');
  }

  function reduceToSingleString(ctx, output, base, braces, extrasType, recurseTimes, value) {
    if (ctx.compact !== true) {
      if (typeof ctx.compact === 'number' && ctx.compact >= 1) {
        const entries = output.length;
        if (extrasType === kArrayExtrasType && entries > 6) output = groupArrayElements(ctx, output, value);
        if (ctx.currentDepth - recurseTimes < ctx.compact && entries === output.length) {
          const start = output.length + ctx.indentationLvl + braces[0].length + base.length + 10;
          if (isBelowBreakLength(ctx, output, start, base)) {
            const joinedOutput = output.join(', ');
            if (!joinedOutput.includes('\n')) {
              return `${base ? `${base} ` : ''}${braces[0]} ${joinedOutput} ${braces[1]}`;
            }
          }
        }
      }
      const indentation = `\n${' '.repeat(ctx.indentationLvl)}`;
      return `${base ? `${base} ` : ''}${braces[0]}${indentation}  ${output.join(`,${indentation}  `)}${indentation}${braces[1]}`;
    }
    if (isBelowBreakLength(ctx, output, 0, base)) {
      return `${braces[0]}${base ? ` ${base}` : ''} ${output.join(', ')} ${braces[1]}`;
    }
    const indentation = ' '.repeat(ctx.indentationLvl);
    const ln = base === '' && braces[0].length === 1 ? ' ' : `${base ? ` ${base}` : ''}\n${indentation}  `;
    return `${braces[0]}${ln}${output.join(`,\n${indentation}  `)} ${braces[1]}`;
  }

  function hasBuiltInToString(value) {
    let hasOwnToString = hasOwn;
    let hasOwnToPrimitive = hasOwn;
    if (typeof value.toString !== 'function') {
      if (typeof value[Symbol.toPrimitive] !== 'function') return true;
      if (hasOwn(value, Symbol.toPrimitive)) return false;
      hasOwnToString = () => false;
    } else if (hasOwn(value, 'toString')) {
      return false;
    } else if (typeof value[Symbol.toPrimitive] !== 'function') {
      hasOwnToPrimitive = () => false;
    } else if (hasOwn(value, Symbol.toPrimitive)) {
      return false;
    }
    let pointer = value;
    do {
      pointer = ObjectGetPrototypeOf(pointer);
    } while (!hasOwnToString(pointer, 'toString') && !hasOwnToPrimitive(pointer, Symbol.toPrimitive));
    const descriptor = ObjectGetOwnPropertyDescriptor(pointer, 'constructor');
    return (
      descriptor !== undefined &&
      typeof descriptor.value === 'function' &&
      builtInObjects.has(descriptor.value.name)
    );
  }

  let circularErrorMessage;
  function tryStringify(arg) {
    try {
      return JSONStringify(arg);
    } catch (err) {
      if (!circularErrorMessage) {
        try {
          const a = {};
          a.a = a;
          JSONStringify(a);
        } catch (circularError) {
          circularErrorMessage = circularError.message.split('\n', 1)[0];
        }
      }
      if (err.name === 'TypeError' && err.message.split('\n', 1)[0] === circularErrorMessage)
        return '[Circular]';
      throw err;
    }
  }

  /** util.format(...args): printf-style %s %d %i %f %j %o %O %c %%, then the rest inspected. */
  function format(args) {
    const first = args[0];
    let a = 0;
    let str = '';
    let join = '';
    if (typeof first === 'string') {
      if (args.length === 1) return first;
      let tempStr;
      let lastPos = 0;
      for (let i = 0; i < first.length - 1; i++) {
        if (first.charCodeAt(i) !== 37) continue;
        const nextChar = first.charCodeAt(++i);
        if (a + 1 !== args.length) {
          switch (nextChar) {
            case 115: {
              const tempArg = args[++a];
              if (typeof tempArg === 'number') tempStr = formatNumber(tempArg, false);
              else if (typeof tempArg === 'bigint') tempStr = formatBigInt(tempArg, false);
              else if (typeof tempArg !== 'object' || tempArg === null || !hasBuiltInToString(tempArg)) {
                tempStr = String(tempArg);
              } else tempStr = inspect(tempArg, { compact: 3, depth: 0 });
              break;
            }
            case 106:
              tempStr = tryStringify(args[++a]);
              break;
            case 100: {
              const tempNum = args[++a];
              if (typeof tempNum === 'bigint') tempStr = formatBigInt(tempNum, false);
              else if (typeof tempNum === 'symbol') tempStr = 'NaN';
              else tempStr = formatNumber(Number(tempNum), false);
              break;
            }
            case 79:
              tempStr = inspect(args[++a]);
              break;
            case 111:
              tempStr = inspect(args[++a], { showHidden: true, showProxy: true, depth: 4 });
              break;
            case 105: {
              const tempInteger = args[++a];
              if (typeof tempInteger === 'bigint') tempStr = formatBigInt(tempInteger, false);
              else if (typeof tempInteger === 'symbol') tempStr = 'NaN';
              // biome-ignore lint/correctness/useParseIntRadix: util.format parses '0x1f' as hex too
              else tempStr = formatNumber(Number.parseInt(tempInteger), false);
              break;
            }
            case 102: {
              const tempFloat = args[++a];
              tempStr =
                typeof tempFloat === 'symbol' ? 'NaN' : formatNumber(Number.parseFloat(tempFloat), false);
              break;
            }
            case 99:
              a += 1;
              tempStr = '';
              break;
            case 37:
              str += first.slice(lastPos, i);
              lastPos = i + 1;
              continue;
            default:
              continue;
          }
          if (lastPos !== i - 1) str += first.slice(lastPos, i - 1);
          str += tempStr;
          lastPos = i + 1;
        } else if (nextChar === 37) {
          str += first.slice(lastPos, i);
          lastPos = i + 1;
        }
      }
      if (lastPos !== 0) {
        a++;
        join = ' ';
        if (lastPos < first.length) str += first.slice(lastPos);
      }
    }
    while (a < args.length) {
      const value = args[a];
      str += join;
      str += typeof value !== 'string' ? inspect(value) : value;
      join = ' ';
      a++;
    }
    return str;
  }

  return { inspect, format, getStringWidth };
})();
