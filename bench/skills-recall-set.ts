/**
 * The retrieval-quality set for the skill library: skills as the distiller would describe them, each
 * with the task it came from and a paraphrased query a later user might type (different words, same
 * need). recall@3 = share of queries whose skill is among the 3 nearest. Written by hand, before tuning.
 */

export interface RecallCase {
  name: string;
  description: string;
  task: string;
  query: string;
}

export const RECALL_SET: readonly RecallCase[] = [
  {
    name: 'parse-csv',
    description:
      'Parse CSV text into rows of objects keyed by the header, handling quoted fields, embedded commas and newlines, and messy headers.',
    task: 'read the attached sales.csv and tell me how many rows it has',
    query: 'load this comma separated export into records, some cells have quotes',
  },
  {
    name: 'clean-number',
    description: "Turn strings like '$1,234.50', '(12)', '1.2k' or '45%' into numbers.",
    task: 'the amounts column has dollar signs and commas, convert them to numbers',
    query: 'strip currency symbols and thousands separators so the prices become numeric',
  },
  {
    name: 'group-aggregate',
    description:
      'Group rows by a key and compute sum, count, mean, min and max of a numeric field per group.',
    task: 'total revenue per region',
    query: 'what are the sales figures broken down by each country',
  },
  {
    name: 'format-table',
    description:
      'Format rows as a fixed-width monospace table in a Discord code block, truncated to fit a message.',
    task: 'show the results as a table in discord',
    query: 'lay out these records in aligned columns for a chat message',
  },
  {
    name: 'top-n',
    description: 'Return the N rows with the largest value of a field.',
    task: 'which 5 customers spent the most',
    query: 'give me the ten biggest orders by amount',
  },
  {
    name: 'dedupe-rows',
    description: 'Remove duplicate rows by a key or whole-row equality, keeping the first.',
    task: 'remove repeated entries from the mailing list',
    query: 'drop rows that appear twice, keep one copy',
  },
  {
    name: 'parse-date',
    description: 'Parse dates in many formats (ISO, 03/04/2024, 4 March 2024, timestamps) into ISO strings.',
    task: 'the date column mixes formats, normalise them',
    query: "convert assorted date strings like 12/31/2023 and 'Jan 5 2024' into a single standard form",
  },
  {
    name: 'days-between',
    description: 'Count the days between two dates, optionally business days only.',
    task: 'how many working days between the start and the deadline',
    query: 'number of weekdays from one date until another',
  },
  {
    name: 'word-frequency',
    description:
      'Count word frequencies in a text, ignoring case and punctuation, returning the most common words.',
    task: 'what are the most used words in this essay',
    query: 'which terms occur most often in the document',
  },
  {
    name: 'slugify',
    description: 'Make a URL-friendly slug from a title: lowercase, ascii, hyphens.',
    task: 'turn these post titles into url slugs',
    query: 'convert a headline into a kebab-case identifier for links',
  },
  {
    name: 'percent-change',
    description: 'Compute the percentage change between consecutive values or two periods.',
    task: 'how much did revenue grow each month',
    query: 'month over month growth rate of signups',
  },
  {
    name: 'flatten-json',
    description: 'Flatten nested JSON objects into dot-separated keys.',
    task: 'flatten this api response into columns',
    query: 'turn a deeply nested object into a flat map with dotted paths',
  },
  {
    name: 'fetch-json-retry',
    description: 'Fetch JSON from a URL with retries and exponential backoff on failures.',
    task: 'get the data from this api, it fails sometimes',
    query: 'call an http endpoint again if it errors, waiting longer each time',
  },
  {
    name: 'extract-emails',
    description: 'Find all email addresses in a text.',
    task: 'pull the email addresses out of these messages',
    query: 'collect every e-mail address mentioned in the pasted text',
  },
  {
    name: 'median-stats',
    description: 'Compute median, quartiles and standard deviation of a list of numbers.',
    task: 'describe the distribution of response times',
    query: 'give me the spread and middle value of these latencies',
  },
  {
    name: 'bar-chart-text',
    description: 'Draw a horizontal text bar chart from labels and values.',
    task: 'show a bar chart of votes per option',
    query: 'visualize counts as ascii bars in the channel',
  },
  {
    name: 'html-to-text',
    description: 'Strip HTML tags and decode entities, returning readable text.',
    task: 'get the text of this web page without the markup',
    query: 'remove tags from scraped markup to get plain prose',
  },
  {
    name: 'chunk-array',
    description: 'Split an array into chunks of a given size.',
    task: 'process the ids in batches of 100',
    query: 'break the list into groups of fifty items each',
  },
  {
    name: 'human-bytes',
    description: 'Format a byte count as a human readable size like 1.5 MB.',
    task: 'show the file sizes nicely',
    query: 'turn 1048576 into something like 1 MiB',
  },
  {
    name: 'compound-interest',
    description: 'Compute compound interest and the balance over time for a principal, rate and years.',
    task: 'how much will 10k grow at 5% a year for 10 years',
    query: 'future value of savings with yearly interest reinvested',
  },
  {
    name: 'loan-payment',
    description: 'Monthly payment of a loan (annuity formula) and an amortization schedule.',
    task: "what's the monthly payment on a 300k mortgage over 30 years at 6%",
    query: 'calculate installments for borrowing money over a term',
  },
  {
    name: 'celsius-fahrenheit',
    description: 'Convert temperatures between Celsius, Fahrenheit and Kelvin.',
    task: 'convert these temperatures to fahrenheit',
    query: 'change degrees C into F for the weather readings',
  },
  {
    name: 'json-to-csv',
    description: 'Convert an array of objects to CSV text with a header row and proper quoting.',
    task: 'export these records as a csv file',
    query: 'write the list of objects out as a spreadsheet file',
  },
  {
    name: 'fuzzy-match',
    description: 'Find the closest string to a query among candidates by edit distance.',
    task: 'match misspelled city names to the correct list',
    query: 'find the nearest correct name for a typo',
  },
  {
    name: 'diff-lists',
    description: 'Compare two lists and report items added, removed and unchanged.',
    task: 'which users were added or removed between the two exports',
    query: "what changed between yesterday's roster and today's",
  },
  {
    name: 'pivot-table',
    description: 'Pivot rows into a table with one row per key and one column per category, summing values.',
    task: 'make a table of sales with months as columns and products as rows',
    query: 'cross-tabulate revenue: products down the side, months across the top',
  },
  {
    name: 'relative-time',
    description: "Describe a timestamp relative to now, like '3 hours ago' or 'in 2 days'.",
    task: 'show when each issue was last updated in a friendly way',
    query: 'express how long ago an event happened in words',
  },
  {
    name: 'paginate-api',
    description: 'Fetch all pages of a paginated API following next links or cursors.',
    task: 'get all the issues, the api returns 30 per page',
    query: 'keep requesting the next cursor until every result is collected',
  },
  {
    name: 'title-case',
    description: 'Convert a string to Title Case, keeping small words lowercase.',
    task: 'capitalize these headings properly',
    query: 'make each significant word start with an uppercase letter',
  },
  {
    name: 'sum-by-month',
    description: 'Sum amounts per calendar month from dated rows.',
    task: 'total expenses for each month',
    query: 'monthly totals of spending from transactions with dates',
  },
  {
    name: 'validate-rows',
    description: 'Check rows against required fields and types, reporting invalid rows with reasons.',
    task: 'find the rows in the upload with missing or wrong fields',
    query: 'verify each record has the needed columns and flag bad ones',
  },
  {
    name: 'markdown-list',
    description: 'Render items as a Markdown bulleted or numbered list for Discord.',
    task: 'list the top issues as bullet points',
    query: 'present the names as a dotted list in the message',
  },
  {
    name: 'random-sample',
    description: 'Pick N random items (seedable) from a list without replacement.',
    task: 'choose 3 winners at random from the participants',
    query: 'draw a few entries by lottery from the signup sheet',
  },
  {
    name: 'unit-convert-distance',
    description: 'Convert distances and weights between metric and imperial units.',
    task: 'convert the route lengths from miles to kilometers',
    query: 'how far is 26.2 mi in km',
  },
  {
    name: 'regex-extract',
    description: 'Extract all matches of a regular expression with capture groups as objects.',
    task: 'pull the order ids like ORD-1234 out of the logs',
    query: 'grab every pattern occurrence and its captured parts from log lines',
  },
  {
    name: 'moving-average',
    description: 'Compute a moving (rolling) average over a series with a window size.',
    task: 'smooth the daily visitor counts with a 7 day average',
    query: 'rolling mean of the time series over a week window',
  },
  {
    name: 'timezone-convert',
    description: 'Convert a time between time zones using Intl.',
    task: 'what time is the 3pm UTC meeting in Tokyo',
    query: 'shift a meeting hour from one zone to another',
  },
  {
    name: 'truncate-message',
    description: 'Split long text into Discord-sized messages under 2000 characters without breaking lines.',
    task: 'the report is too long for one discord message',
    query: 'cut a big output into several posts that fit the chat limit',
  },
  {
    name: 'sort-by-keys',
    description: 'Sort rows by one or more fields, ascending or descending, numbers and strings.',
    task: 'order the table by team then by score descending',
    query: 'arrange records on multiple columns with the highest first',
  },
  {
    name: 'hash-text',
    description: 'SHA-256 hex digest of a string.',
    task: 'compute a checksum for each line',
    query: 'fingerprint these strings with sha',
  },
];
