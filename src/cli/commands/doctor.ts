/**
 * `toolsmith doctor`: checks a setup in one go and says what to fix: every configuration key (all
 * problems at once), the endpoints the configuration points at (short timeouts), the MCP servers,
 * the store and the skill index. Exit 0 when nothing failed, 1 otherwise.
 */
import { parseArgs } from 'node:util';
import { checkConfig, checkNetwork, checkStorage, checkTools, type Finding } from '../doctor/checks.ts';
import { color, print } from '../print.ts';
import type { CliCommand } from '../types.ts';

const MARK = { ok: color.green('✓'), warn: color.yellow('!'), fail: color.red('✗') } as const;

const command: CliCommand = {
  summary: 'Check the configuration, network endpoints, MCP servers, store and skill index.',
  usage: 'toolsmith doctor [--json] [--timeout-ms N]',
  async run(argv) {
    const { values } = parseArgs({
      args: argv,
      options: {
        json: { type: 'boolean', default: false },
        'timeout-ms': { type: 'string', default: '3000' },
      },
    });
    const timeoutMs = Number(values['timeout-ms']);
    const sections: { name: string; findings: Finding[] }[] = [];
    const show = (name: string, findings: Finding[]) => {
      sections.push({ name, findings });
      if (values.json) return;
      print(color.bold(name));
      for (const finding of findings) print(`  ${MARK[finding.level]} ${finding.text}`);
    };
    const { findings, config } = checkConfig();
    show('configuration', findings);
    show(
      'network',
      await checkNetwork(config, Number.isFinite(timeoutMs) && timeoutMs > 0 ? timeoutMs : 3000),
    );
    show('tools', await checkTools(config));
    show('storage', await checkStorage(config));
    const failed = sections.flatMap((s) => s.findings).filter((f) => f.level === 'fail').length;
    if (values.json) print(JSON.stringify({ ok: failed === 0, dataDir: config.dataDir, sections }));
    else
      print(
        failed === 0
          ? color.green('all checks passed')
          : color.red(`${failed} problem${failed === 1 ? '' : 's'} to fix (above)`),
      );
    return failed === 0 ? 0 : 1;
  },
};

export default command;
