/**
 * A host function's result that is already JSON: the sandbox hands the text to the isolate as it is,
 * so a tool result is measured and serialised once (by the tool call), not again at the boundary.
 */
export class SerializedJson {
  readonly json: string;
  constructor(json: string) {
    this.json = json;
  }
}
