// Runs INSIDE the isolate. A compact port of the layout rules of Node's util.inspect (defaults:
// depth 2, breakLength 80, compact 3, maxArrayLength 100, maxStringLength 10000), so console output
// and values read as they would in Node. Evaluated as a script; its completion value is the API.
(() => {
  const maxArrayLength = 100;
  const maxStringLength = 10000;
  const breakLength = 80;
  const compact = 3;
  const defaultDepth = 2;
  const keyStrRegExp = /^[a-zA-Z_][a-zA-Z_0-9]*$/;
  const numberRegExp = /^(0|[1-9][0-9]*)$/;
  const meta = [
    '\\x00', '\\x01', '\\x02', '\\x03', '\\x04', '\\x05', '\\x06', '\\x07', '\\b', '\\t', '\\n', '\\x0B', '\\f', '\\r',
    '\\x0E', '\\x0F', '\\x10', '\\x11', '\\x12', '\\x13', '\\x14', '\\x15', '\\x16', '\\x17', '\\x18', '\\x19', '\\x1A',
    '\\x1B', '\\x1C', '\\x1D', '\\x1E', '\\x1F',
  ];
  const TypedArray = Object.getPrototypeOf(Uint8Array);
  const typedArrayTag = Object.getOwnPropertyDescriptor(TypedArray.prototype, Symbol.toStringTag).get;

  function strEscape(str) {
    let quote = "'";
    if (str.includes("'")) {
      if (!str.includes('"')) quote = '"';
      else if (!str.includes('`') && !str.includes('${')) quote = '`';
    }
    let out = '';
    let last = 0;
    for (let i = 0; i < str.length; i++) {
      const code = str.charCodeAt(i);
      if (code === quote.charCodeAt(0) || code === 92 || code < 32 || code === 127) {
        out += str.slice(last, i);
        if (code === quote.charCodeAt(0) || code === 92) out += `\\${str[i]}`;
        else if (code === 127) out += '\\x7F';
        else out += meta[code];
        last = i + 1;
      }
    }
    return `${quote}${out}${str.slice(last)}${quote}`;
  }

  function formatNumber(n) {
    return Object.is(n, -0) ? '-0' : `${n}`;
  }

  function formatPrimitive(value, ctx) {
    if (typeof value === 'string') {
      let trailer = '';
      let str = value;
      if (str.length > maxStringLength) {
        const remaining = str.length - maxStringLength;
        str = str.slice(0, maxStringLength);
        trailer = `... ${remaining} more character${remaining > 1 ? 's' : ''}`;
      }
      if (str.length > 16 && str.length > breakLength - ctx.indentationLvl - 4) {
        const lines = str.split(/(?<=\n)/);
        if (lines.length > 1) {
          return lines.map((line) => strEscape(line)).join(` +\n${' '.repeat(ctx.indentationLvl + 2)}`) + trailer;
        }
      }
      return strEscape(str) + trailer;
    }
    if (typeof value === 'number') return formatNumber(value);
    if (typeof value === 'bigint') return `${value}n`;
    if (typeof value === 'boolean') return `${value}`;
    if (typeof value === 'undefined') return 'undefined';
    return value.toString();
  }

  function constructorNameOf(obj) {
    let proto = obj;
    while (proto !== null && proto !== undefined) {
      const descriptor = Object.getOwnPropertyDescriptor(proto, 'constructor');
      if (descriptor && typeof descriptor.value === 'function' && descriptor.value.name !== '') {
        return descriptor.value.name;
      }
      proto = Object.getPrototypeOf(proto);
    }
    return null;
  }

  function prefixOf(constructor, tag, fallback, size) {
    const sizeText = size === undefined ? '' : `(${size})`;
    if (constructor === null) {
      return tag !== '' && fallback !== tag
        ? `[${fallback}${sizeText}: null prototype] [${tag}] `
        : `[${fallback}${sizeText}: null prototype] `;
    }
    if (tag !== '' && constructor !== tag) return `${constructor}${sizeText} [${tag}] `;
    return `${constructor}${sizeText} `;
  }

  function functionBase(value, constructor, tag) {
    const source = Function.prototype.toString.call(value);
    if (source.startsWith('class') && source.endsWith('}')) {
      const body = source.slice(5, -1);
      const brace = body.indexOf('{');
      const head = brace === -1 ? body : body.slice(0, brace);
      let base = `[class ${value.name || '(anonymous)'}`;
      const match = /extends\s+([\w$.]+)/.exec(head);
      if (match) base += ` extends ${match[1]}`;
      return `${base}]`;
    }
    let type = 'Function';
    if (tag === 'AsyncFunction') type = 'AsyncFunction';
    else if (tag === 'GeneratorFunction') type = 'GeneratorFunction';
    else if (tag === 'AsyncGeneratorFunction') type = 'AsyncGeneratorFunction';
    let base = `[${type}`;
    if (constructor === null) base += ' (null prototype)';
    base += value.name === '' ? ' (anonymous)' : `: ${value.name}`;
    base += ']';
    if (constructor !== type && constructor !== null) base += ` ${constructor}`;
    return base;
  }

  function formatError(err, keys, ctx) {
    let stack = typeof err.stack === 'string' && err.stack !== '' ? err.stack : Error.prototype.toString.call(err);
    const message = typeof err.message === 'string' ? err.message : '';
    const name = typeof err.name === 'string' ? err.name : 'Error';
    if (!stack.includes(name) && message && stack.indexOf(message) === 0) stack = `${name}: ${stack}`;
    for (const key of ['name', 'message', 'stack']) {
      const index = keys.indexOf(key);
      if (index !== -1 && stack.includes(String(err[key]))) keys.splice(index, 1);
    }
    if ('cause' in err && !keys.includes('cause')) keys.push('cause');
    if (ctx.indentationLvl !== 0) stack = stack.replaceAll('\n', `\n${' '.repeat(ctx.indentationLvl)}`);
    return stack;
  }

  function getKeys(value) {
    const keys = Object.keys(value);
    const symbols = Object.getOwnPropertySymbols(value);
    for (const symbol of symbols) {
      if (Object.prototype.propertyIsEnumerable.call(value, symbol)) keys.push(symbol);
    }
    return keys;
  }

  function formatValue(ctx, value, recurseTimes, typedArray) {
    if (typeof value !== 'object' && typeof value !== 'function') return formatPrimitive(value, ctx);
    if (value === null) return 'null';
    if (ctx.seen.includes(value)) {
      let index = 1;
      if (ctx.circular === undefined) {
        ctx.circular = new Map();
        ctx.circular.set(value, index);
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
    const constructor = constructorNameOf(value);
    let tag = value[Symbol.toStringTag];
    if (typeof tag !== 'string') tag = '';
    let base = '';
    let formatter = () => [];
    let braces;
    let noIterator = true;
    let extrasArray = false;
    let i = 0;

    if (Symbol.iterator in value || constructor === null) {
      noIterator = false;
      if (Array.isArray(value)) {
        const prefix = constructor !== 'Array' || tag !== '' ? prefixOf(constructor, tag, 'Array', value.length) : '';
        keys = Object.keys(value).filter((key) => !numberRegExp.test(key));
        braces = [`${prefix}[`, ']'];
        if (value.length === 0 && keys.length === 0) return `${braces[0]}]`;
        extrasArray = true;
        formatter = () => formatArray(ctx, value, recurseTimes);
      } else if (value instanceof Set) {
        keys = getKeys(value);
        const prefix = prefixOf(constructor, tag, 'Set', value.size);
        formatter = () => formatSet(ctx, value, recurseTimes);
        if (value.size === 0 && keys.length === 0) return `${prefix}{}`;
        braces = [`${prefix}{`, '}'];
      } else if (value instanceof Map) {
        keys = getKeys(value);
        const prefix = prefixOf(constructor, tag, 'Map', value.size);
        formatter = () => formatMap(ctx, value, recurseTimes);
        if (value.size === 0 && keys.length === 0) return `${prefix}{}`;
        braces = [`${prefix}{`, '}'];
      } else if (value instanceof TypedArray) {
        keys = Object.keys(value).filter((key) => !numberRegExp.test(key));
        const fallback = typedArrayTag.call(value);
        const prefix = prefixOf(constructor, tag === fallback ? '' : tag, fallback, value.length);
        braces = [`${prefix}[`, ']'];
        if (value.length === 0 && keys.length === 0) return `${braces[0]}]`;
        formatter = () => Array.from(value.slice(0, maxArrayLength), (v) => formatPrimitive(v, ctx));
        if (value.length > maxArrayLength) {
          const more = value.length - maxArrayLength;
          const inner = formatter;
          formatter = () => [...inner(), `... ${more} more item${more > 1 ? 's' : ''}`];
        }
        extrasArray = true;
      } else {
        noIterator = true;
      }
    }
    if (noIterator) {
      keys = getKeys(value);
      braces = ['{', '}'];
      if (constructor === 'Object' && (tag === '' || tag === 'Object')) {
        if (keys.length === 0) return '{}';
      } else if (typeof value === 'function') {
        base = functionBase(value, constructor, tag);
        if (keys.length === 0) return base;
      } else if (value instanceof RegExp) {
        base = RegExp.prototype.toString.call(value);
        if (keys.length === 0) return base;
      } else if (value instanceof Date) {
        base = Number.isNaN(value.getTime()) ? 'Invalid Date' : value.toISOString();
        if (keys.length === 0) return base;
      } else if (value instanceof Error) {
        base = formatError(value, keys, ctx);
        if (keys.length === 0) return base;
      } else if (value instanceof Promise) {
        braces[0] = `${prefixOf(constructor, tag, 'Promise')}{`;
        formatter = () => ['<pending>'];
      } else if (value instanceof WeakSet || value instanceof WeakMap) {
        braces[0] = `${prefixOf(constructor, tag, value instanceof WeakSet ? 'WeakSet' : 'WeakMap')}{`;
        formatter = () => ['<items unknown>'];
      } else if (value instanceof ArrayBuffer) {
        const bytes = new Uint8Array(value);
        const hex = Array.from(bytes.slice(0, maxArrayLength), (b) => b.toString(16).padStart(2, '0')).join(' ');
        const more = bytes.length > maxArrayLength ? ` ... ${bytes.length - maxArrayLength} more bytes` : '';
        braces[0] = `${prefixOf(constructor, tag, 'ArrayBuffer')}{`;
        formatter = () => [`[Uint8Contents]: <${hex}${more}>`, `byteLength: ${bytes.length}`];
      } else if (
        value instanceof Number ||
        value instanceof String ||
        value instanceof Boolean ||
        (typeof BigInt === 'function' && value instanceof BigInt) ||
        value instanceof Symbol
      ) {
        const primitive = value.valueOf();
        const type = value instanceof Number ? 'Number' : value instanceof String ? 'String' : value instanceof Boolean ? 'Boolean' : value instanceof Symbol ? 'Symbol' : 'BigInt';
        base = `[${type}: ${formatPrimitive(primitive, { indentationLvl: 0 })}]`;
        if (type === 'String') keys = keys.filter((key) => !numberRegExp.test(key) || Number(key) >= primitive.length);
        if (keys.length === 0) return base;
      } else {
        if (keys.length === 0) return `${prefixOf(constructor, tag, 'Object')}{}`;
        braces[0] = `${prefixOf(constructor, tag, 'Object')}{`;
      }
    }

    if (recurseTimes > ctx.depth) {
      const name = (constructor || tag || 'Object').slice(0);
      return `[${Array.isArray(value) ? 'Array' : name}]`;
    }
    recurseTimes += 1;
    ctx.seen.push(value);
    ctx.currentDepth = recurseTimes;
    let output = formatter();
    for (i = 0; i < keys.length; i++) {
      output.push(formatProperty(ctx, value, recurseTimes, keys[i], extrasArray ? 'arrayExtras' : 'object'));
    }
    ctx.seen.pop();
    if (ctx.circular !== undefined) {
      const index = ctx.circular.get(value);
      if (index !== undefined) {
        const reference = `<ref *${index}>`;
        if (base === '') braces[0] = `${reference} ${braces[0]}`;
        else base = `${reference} ${base}`;
      }
    }
    const result = reduceToSingleString(ctx, output, base, braces, extrasArray, recurseTimes, value);
    const newLength = ctx.budget + result.length;
    ctx.budget = newLength;
    if (newLength > 2 ** 27) ctx.depth = -1;
    return result;
  }

  function formatArray(ctx, value, recurseTimes) {
    const length = Math.min(maxArrayLength, value.length);
    const output = [];
    let index = 0;
    for (; index < length; index++) {
      if (!Object.prototype.hasOwnProperty.call(value, index)) return formatSparse(ctx, value, recurseTimes, length, output, index);
      output.push(formatProperty(ctx, value, recurseTimes, index, 'array'));
    }
    const remaining = value.length - length;
    if (remaining > 0) output.push(`... ${remaining} more item${remaining > 1 ? 's' : ''}`);
    return output;
  }

  function formatSparse(ctx, value, recurseTimes, maxLength, output, start) {
    const keys = Object.keys(value);
    let index = start;
    for (let k = start; k < keys.length && output.length < maxLength; k++) {
      const key = keys[k];
      const tmp = +key;
      if (tmp > 2 ** 32 - 2) break;
      if (`${index}` !== key) {
        if (!numberRegExp.test(key)) break;
        const empty = tmp - index;
        output.push(`<${empty} empty item${empty > 1 ? 's' : ''}>`);
        index = tmp;
        if (output.length === maxLength) break;
      }
      output.push(formatProperty(ctx, value, recurseTimes, key, 'array'));
      index++;
    }
    const remaining = value.length - index;
    if (output.length !== maxLength) {
      if (remaining > 0) output.push(`<${remaining} empty item${remaining > 1 ? 's' : ''}>`);
    } else if (remaining > 0) {
      output.push(`... ${remaining} more item${remaining > 1 ? 's' : ''}`);
    }
    return output;
  }

  function formatSet(ctx, value, recurseTimes) {
    const output = [];
    ctx.indentationLvl += 2;
    let count = 0;
    for (const item of value) {
      if (count++ >= maxArrayLength) break;
      output.push(formatValue(ctx, item, recurseTimes));
    }
    const remaining = value.size - maxArrayLength;
    if (remaining > 0) output.push(`... ${remaining} more item${remaining > 1 ? 's' : ''}`);
    ctx.indentationLvl -= 2;
    return output;
  }

  function formatMap(ctx, value, recurseTimes) {
    const output = [];
    ctx.indentationLvl += 2;
    let count = 0;
    for (const [k, v] of value) {
      if (count++ >= maxArrayLength) break;
      output.push(`${formatValue(ctx, k, recurseTimes)} => ${formatValue(ctx, v, recurseTimes)}`);
    }
    const remaining = value.size - maxArrayLength;
    if (remaining > 0) output.push(`... ${remaining} more item${remaining > 1 ? 's' : ''}`);
    ctx.indentationLvl -= 2;
    return output;
  }

  function formatProperty(ctx, value, recurseTimes, key, type) {
    let str;
    let extra = ' ';
    const desc = Object.getOwnPropertyDescriptor(value, key) || { value: value[key], enumerable: true };
    if (desc.value !== undefined) {
      const diff = type !== 'object' ? 2 : 3;
      ctx.indentationLvl += diff;
      str = formatValue(ctx, desc.value, recurseTimes);
      if (diff === 3 && breakLength < str.length) extra = `\n${' '.repeat(ctx.indentationLvl)}`;
      ctx.indentationLvl -= diff;
    } else if (desc.get !== undefined) {
      str = desc.set !== undefined ? '[Getter/Setter]' : '[Getter]';
    } else if (desc.set !== undefined) {
      str = '[Setter]';
    } else {
      str = 'undefined';
    }
    if (type === 'array') return str;
    let name;
    if (typeof key === 'symbol') name = `[${key.toString()}]`;
    else if (key === '__proto__') name = "['__proto__']";
    else if (desc.enumerable === false) name = `[${key}]`;
    else if (keyStrRegExp.test(key)) name = key;
    else name = strEscape(key);
    return `${name}:${extra}${str}`;
  }

  function isBelowBreakLength(output, start, base) {
    let total = output.length + start;
    if (total + output.length > breakLength) return false;
    for (const entry of output) {
      total += entry.length;
      if (total > breakLength) return false;
    }
    return base === '' || !base.includes('\n');
  }

  function reduceToSingleString(ctx, output, base, braces, extrasArray, recurseTimes, value) {
    const entries = output.length;
    let lines = output;
    if (extrasArray && entries > 6) lines = groupArrayElements(ctx, output, value);
    if (ctx.currentDepth - recurseTimes < compact && entries === lines.length) {
      const start = lines.length + ctx.indentationLvl + braces[0].length + base.length + 10;
      if (isBelowBreakLength(lines, start, base)) {
        const joined = lines.join(', ');
        if (!joined.includes('\n')) return `${base ? `${base} ` : ''}${braces[0]} ${joined} ${braces[1]}`;
      }
    }
    const indentation = `\n${' '.repeat(ctx.indentationLvl)}`;
    return `${base ? `${base} ` : ''}${braces[0]}${indentation}  ${lines.join(`,${indentation}  `)}${indentation}${braces[1]}`;
  }

  function groupArrayElements(ctx, output, value) {
    let totalLength = 0;
    let maxLength = 0;
    let outputLength = output.length;
    if (maxArrayLength < output.length) outputLength--;
    const separatorSpace = 2;
    const dataLen = new Array(outputLength);
    for (let i = 0; i < outputLength; i++) {
      const len = output[i].length;
      dataLen[i] = len;
      totalLength += len + separatorSpace;
      if (maxLength < len) maxLength = len;
    }
    const actualMax = maxLength + separatorSpace;
    if (actualMax * 3 + ctx.indentationLvl < breakLength && (totalLength / actualMax > 5 || maxLength <= 6)) {
      const averageBias = Math.sqrt(actualMax - totalLength / output.length);
      const biasedMax = Math.max(actualMax - 3 - averageBias, 1);
      const columns = Math.min(
        Math.round(Math.sqrt(2.5 * biasedMax * outputLength) / biasedMax),
        Math.floor((breakLength - ctx.indentationLvl) / actualMax),
        compact * 4,
        15,
      );
      if (columns <= 1) return output;
      const tmp = [];
      const maxLineLength = [];
      for (let i = 0; i < columns; i++) {
        let lineMaxLength = 0;
        for (let j = i; j < output.length; j += columns) if (dataLen[j] > lineMaxLength) lineMaxLength = dataLen[j];
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
          const cell = `${output[j]}, `;
          str += padStart ? cell.padStart(maxLineLength[j - i], ' ') : cell.padEnd(maxLineLength[j - i], ' ');
        }
        str += padStart ? output[j].padStart(maxLineLength[j - i] - separatorSpace, ' ') : output[j];
        tmp.push(str);
      }
      if (maxArrayLength < output.length) tmp.push(output[outputLength]);
      return tmp;
    }
    return output;
  }

  /** util.inspect(value) with Node's defaults (colors off). */
  function inspect(value, options) {
    const ctx = {
      seen: [],
      indentationLvl: 0,
      currentDepth: 0,
      depth: options && typeof options.depth === 'number' ? options.depth : defaultDepth,
      circular: undefined,
      budget: 0,
    };
    return formatValue(ctx, value, 0);
  }

  function hasBuiltInToString(value) {
    if (typeof value.toString !== 'function') return true;
    if (Object.prototype.hasOwnProperty.call(value, 'toString')) return false;
    let pointer = value;
    do {
      pointer = Object.getPrototypeOf(pointer);
    } while (pointer !== null && !Object.prototype.hasOwnProperty.call(pointer, 'toString'));
    if (pointer === null) return true;
    const descriptor = Object.getOwnPropertyDescriptor(pointer, 'constructor');
    return descriptor !== undefined && typeof descriptor.value === 'function' && builtIns.has(descriptor.value.name);
  }
  const builtIns = new Set(['Object', 'Array', 'Error', 'Date', 'RegExp', 'Map', 'Set', 'Function', 'Number', 'String', 'Boolean', 'Symbol', 'BigInt', 'Promise']);

  /** util.format(...args): printf-style %s %d %i %f %j %o %O %c %%, then the rest inspected. */
  function format(args) {
    const first = args[0];
    let a = 0;
    let str = '';
    let join = '';
    if (typeof first === 'string') {
      if (args.length === 1) return first;
      let lastPos = 0;
      let tempStr;
      for (let i = 0; i < first.length - 1; i++) {
        if (first.charCodeAt(i) !== 37) continue;
        const next = first.charCodeAt(++i);
        if (a + 1 !== args.length) {
          switch (next) {
            case 115: {
              const arg = args[++a];
              if (typeof arg === 'number') tempStr = formatNumber(arg);
              else if (typeof arg === 'bigint') tempStr = `${arg}n`;
              else if (typeof arg !== 'object' || arg === null || !hasBuiltInToString(arg)) tempStr = String(arg);
              else tempStr = inspect(arg, { depth: 0 });
              break;
            }
            case 106:
              try {
                tempStr = JSON.stringify(args[++a]);
              } catch {
                tempStr = '[Circular]';
              }
              break;
            case 100: {
              const arg = args[++a];
              tempStr = typeof arg === 'bigint' ? `${arg}n` : typeof arg === 'symbol' ? 'NaN' : formatNumber(Number(arg));
              break;
            }
            case 79:
              tempStr = inspect(args[++a]);
              break;
            case 111:
              tempStr = inspect(args[++a], { depth: 4 });
              break;
            case 105: {
              const arg = args[++a];
              tempStr = typeof arg === 'bigint' ? `${arg}n` : typeof arg === 'symbol' ? 'NaN' : formatNumber(Number.parseInt(arg));
              break;
            }
            case 102: {
              const arg = args[++a];
              tempStr = typeof arg === 'symbol' ? 'NaN' : formatNumber(Number.parseFloat(arg));
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
        } else if (next === 37) {
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

  return { inspect, format, formatPrimitive };
})();
