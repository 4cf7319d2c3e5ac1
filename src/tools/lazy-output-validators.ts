/**
 * The MCP client's check of a tool's structured result against its output schema, compiled when a
 * result of that tool first needs it. The SDK's default compiles every listed tool's schema with a
 * new Ajv at connect (~45 ms at each start for the built-in servers alone, in `toolsmith run` and the
 * bot), for tools most tasks never call. Each connection keeps its own Ajv, as the default does: a
 * server's `$id` never resolves to another server's schema. A schema that does not compile fails that
 * tool's calls (the SDK reports "Failed to validate structured content"), not the whole server.
 */
import { AjvJsonSchemaValidator } from '@modelcontextprotocol/sdk/validation/ajv';
import type {
  JsonSchemaType,
  JsonSchemaValidator,
  jsonSchemaValidator,
} from '@modelcontextprotocol/sdk/validation/types.js';

/** A validator provider for one MCP client. */
export function lazyOutputValidators(): jsonSchemaValidator {
  let ajv: AjvJsonSchemaValidator | undefined;
  return {
    getValidator<T>(schema: JsonSchemaType): JsonSchemaValidator<T> {
      let validate: JsonSchemaValidator<T> | undefined;
      return (input) => {
        ajv ??= new AjvJsonSchemaValidator();
        validate ??= ajv.getValidator<T>(schema);
        return validate(input);
      };
    },
  };
}
