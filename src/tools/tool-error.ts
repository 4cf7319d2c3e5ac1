/**
 * The one error the agent's code sees from a tool call. The sandbox rethrows host errors with the same
 * `name` and `message`, so inside the isolate it is an Error named `ToolError` with this message.
 * A failing tool is data for the model, not a Toolsmith fault: hence not a ToolsmithError.
 */
export class ToolError extends Error {
  override name = 'ToolError';
}
