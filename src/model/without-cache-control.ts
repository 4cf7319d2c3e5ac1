/**
 * Request bodies for servers without prompt caching. Anthropic-compatible servers either ignore
 * `cache_control` (Ollama, llama.cpp) or refuse it with a 400 (some LiteLLM and vLLM set-ups), so a
 * model with `promptCaching: false`, or one whose server refused the breakpoints once, is sent none.
 */
import type { MessageCreateParamsStreaming } from '@anthropic-ai/sdk/resources/messages';

/** A copy of `params` with every `cache_control` removed (system, tools, message blocks). */
export function withoutCacheControl(params: MessageCreateParamsStreaming): MessageCreateParamsStreaming {
  const strip = <T extends object>(block: T): T => {
    if (!('cache_control' in block)) return block;
    const { cache_control: _dropped, ...rest } = block;
    return rest as T;
  };
  return {
    ...params,
    ...(Array.isArray(params.system) ? { system: params.system.map(strip) } : {}),
    ...(params.tools ? { tools: params.tools.map(strip) } : {}),
    messages: params.messages.map((message) =>
      typeof message.content === 'string'
        ? message
        : ({ ...message, content: message.content.map(strip) } as typeof message),
    ),
  };
}
