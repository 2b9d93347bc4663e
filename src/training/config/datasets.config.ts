import { IsOptional, IsString } from 'class-validator';
import { resolve } from 'node:path';
import { defineModuleConfig } from '../../config/module-config';
import { projectRoot } from '../../config/project-root';

/** Where the training corpora are read from and where the SMS collection is downloaded from. */
export class DatasetsEnvironment {
  /** The data folder (read only); default `../shared/data` beside the project. A `--data-dir` flag wins. */
  @IsOptional()
  @IsString()
  SPAM_DATA_DIR?: string;

  /** The zip `data download` fetches; default the UCI SMS Spam Collection. A `--url` flag wins. A bad address fails
   * the download (exit 3), not the start of every command that reads the data folder. */
  @IsOptional()
  @IsString()
  SPAM_SMS_DOWNLOAD_URL?: string;
}

export interface DatasetsConfig {
  dataDir: string;
  /** Undefined: the UCI address (UCI_SMS_ZIP_URL). */
  smsDownloadUrl: string | undefined;
}

export const datasetsConfig = defineModuleConfig({
  namespace: 'datasets',
  environment: DatasetsEnvironment,
  toConfig: (e): DatasetsConfig => ({
    dataDir: e.SPAM_DATA_DIR ? resolve(e.SPAM_DATA_DIR) : resolve(projectRoot(), '..', 'shared', 'data'),
    smsDownloadUrl: e.SPAM_SMS_DOWNLOAD_URL,
  }),
});
