/** The contract of a `toolsmith` subcommand: each module under `src/cli/commands/` default-exports one. */
export interface CliCommand {
  /** One line for `toolsmith --help`. */
  summary: string;
  /** The synopsis, shown with `--help` and after a usage error. */
  usage: string;
  /** Returns the process exit code. */
  run(argv: string[]): Promise<number>;
}
