// Where the env-var feature puts things (docs/env-vars.md); shared by the builders, the agent
// config renderer and the tests.
import { posix } from 'node:path';

/** The launcher inside the agent image (Dockerfile.agent). */
export const IMAGE_LAUNCHER_PATH = '/bin/vault-env-launcher';
/** The `vault-env` volume: the launcher and one directory of value files per container. */
export const ENV_MOUNT_PATH = '/vault/env';
export const LAUNCHER_PATH = `${ENV_MOUNT_PATH}/vault-env-launcher`;
/** The `vault-env-state` volume: the generation each container started with (restart on change). */
export const ENV_STATE_MOUNT_PATH = '/vault/env-state';
/** Agent templates write the values 0440: the launcher refuses anything others can read. */
export const ENV_FILE_PERMS = '0440';

export function envDirectory(container: string): string {
  return posix.join(ENV_MOUNT_PATH, container);
}

export function envStateFile(container: string): string {
  return posix.join(ENV_STATE_MOUNT_PATH, container);
}

/**
 * Shell prefix for the agent container that runs before the app: the launcher installs a copy of
 * itself into the shared volume (a temporary file, then a rename, so a probe running the old copy
 * never sees a half-written file). The slim agent image has no cp or mv.
 */
export const COPY_LAUNCHER_COMMAND = `${IMAGE_LAUNCHER_PATH} --install ${LAUNCHER_PATH}`;
