import { Command, CommanderError } from 'commander';
import { resolveDataDir } from '../datasets/data-dir';
import { downloadSmsCollection, DownloadError, SMS_DOWNLOAD_URL_ENV, UCI_SMS_ZIP_URL } from '../datasets/sms-download';
import { type CliIo, EXIT_DATA, EXIT_FAILURE, EXIT_OK, EXIT_USAGE, firstLine } from './cli-io';

/**
 * `data download`: fetches the UCI SMS Spam Collection into the data folder, checked before anything is written.
 * Returns the exit code: 0 ok, 2 bad usage, 3 download refused (bad, truncated or unreachable), 1 anything else.
 */
export async function runDataCli(argv: readonly string[], io: CliIo): Promise<number> {
  let exitCode = EXIT_OK;
  const program = new Command('data')
    .description('Manage the training data sets')
    .exitOverride()
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr, outputError: (text, write) => write(text) });
  program
    .command('download')
    .description('Download the SMS Spam Collection from the UCI repository into <data-dir>/sms-spam/')
    .option('--data-dir <dir>', 'data folder (default: $SPAM_DATA_DIR or ../shared/data)')
    .option('--url <url>', `zip to download (default: $${SMS_DOWNLOAD_URL_ENV} or ${UCI_SMS_ZIP_URL})`)
    .option('--sha256 <hex>', 'expected sha256 of the zip')
    .option('--force', 'replace an existing SMSSpamCollection', false)
    .action(async (options: { dataDir?: string; url?: string; sha256?: string; force: boolean }) => {
      if (options.sha256 !== undefined && !/^[0-9a-fA-F]{64}$/.test(options.sha256)) {
        io.stderr(`error: option '--sha256 <hex>' must be 64 hexadecimal characters\n`);
        exitCode = EXIT_USAGE;
        return;
      }
      const dataDir = resolveDataDir(options.dataDir, io.env);
      let lastReport = 0;
      try {
        const result = await downloadSmsCollection({
          dataDir,
          url: options.url ?? io.env[SMS_DOWNLOAD_URL_ENV],
          sha256: options.sha256,
          force: options.force,
          onProgress: (received, total) => {
            if (received - lastReport < 64 * 1024 && received !== total) return;
            lastReport = received;
            io.stderr(
              `downloaded ${Math.round(received / 1024)} KiB${total ? ` of ${Math.round(total / 1024)} KiB` : ''}\n`,
            );
          },
        });
        io.stdout(
          `${result.path}: ${result.rows} messages (${result.spam} spam), zip sha256 ${result.sha256}, from ${result.url}\n`,
        );
      } catch (error) {
        io.stderr(`error: ${firstLine(error)}\n`);
        exitCode = error instanceof DownloadError ? EXIT_DATA : EXIT_FAILURE;
      }
    });
  try {
    await program.parseAsync(argv, { from: 'user' });
  } catch (error) {
    if (error instanceof CommanderError) {
      return error.exitCode === 0 ? EXIT_OK : EXIT_USAGE;
    }
    throw error;
  }
  return exitCode;
}
