/**
 * @name describe-numbers
 * @description Summary statistics of a list of numbers: count, sum, mean, median, min, max, standard
 *   deviation (sample) and the 25th/75th percentiles; non-numbers and blanks are ignored. Use it to
 *   describe a distribution such as response times, prices or scores.
 * @signature describeNumbers(values: Array<number | string>): { count: number, sum: number, mean: number | null, median: number | null, min: number | null, max: number | null, stdev: number | null, p25: number | null, p75: number | null }
 * @example await describeNumbers([3, '1', 4, 1, 5, null, 'x'])
 * @expected {"count":5,"sum":14,"mean":2.8,"median":3,"min":1,"max":5,"stdev":1.788854382,"p25":1,"p75":4}
 */
function describeNumbers(values) {
  if (!Array.isArray(values)) throw new TypeError('describeNumbers: values must be an array');
  const numbers = values
    .filter((v) => v !== null && v !== undefined && String(v).trim() !== '')
    .map(Number)
    .filter(Number.isFinite)
    .sort((a, b) => a - b);
  const count = numbers.length;
  const round = (n) => Math.round(n * 1e9) / 1e9;
  const sum = numbers.reduce((total, n) => total + n, 0);
  if (count === 0)
    return {
      count,
      sum: 0,
      mean: null,
      median: null,
      min: null,
      max: null,
      stdev: null,
      p25: null,
      p75: null,
    };
  const quantile = (q) => {
    const position = (count - 1) * q;
    const low = Math.floor(position);
    const high = Math.ceil(position);
    return round(numbers[low] + (numbers[high] - numbers[low]) * (position - low));
  };
  const mean = sum / count;
  const variance = count > 1 ? numbers.reduce((total, n) => total + (n - mean) ** 2, 0) / (count - 1) : 0;
  return {
    count,
    sum: round(sum),
    mean: round(mean),
    median: quantile(0.5),
    min: numbers[0],
    max: numbers[count - 1],
    stdev: round(Math.sqrt(variance)),
    p25: quantile(0.25),
    p75: quantile(0.75),
  };
}
