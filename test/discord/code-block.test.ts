import { describe, expect, it } from 'vitest';
import { codeBlock } from '../../src/discord/code-block.ts';

describe('codeBlock', () => {
  it('keeps fences inside the code from closing the block', () => {
    const block = codeBlock('const md = "```js\\nx\\n```";', 200);
    expect(block.startsWith('```js\n')).toBe(true);
    expect(block.match(/```/g)).toHaveLength(2);
  });

  it('cuts long code to the limit and says so', () => {
    const block = codeBlock('x'.repeat(50), 10);
    expect(block).toBe('```js\nxxxxxxxxx…\n```');
  });
});
